# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The three NINA firmware lines the emulator can be, and every behaviour in which they differ.

Sources: ../shared/docs/circuitpython-platform.md section 2 ("the doc") and
../shared/docs/hardware-truth.md sections 8, 9, 12-17 ("truth §n"); Adafruit's nina-fw at the tags
1.7.7, 2.0.0+adafruit and 3.3.0: ``main/CommandHandler.cpp`` and, for 1.x and 2.0,
``arduino/libraries/WiFi/src/{WiFi,WiFiClient,WiFiSSLClient,WiFiServer,WiFiUdp}.cpp`` ("WiFi.cpp"
below); arduino-esp32 3.3 (``libraries/WiFi/src/STA.cpp``, ``libraries/Network/src/NetworkServer.cpp``,
``libraries/NetworkClientSecure/src/{NetworkClientSecure,ssl_client}.cpp``), which nina-fw 3.x is
built on; ESP-IDF 3.3 (``tcpip_adapter_lwip.c``, ``esp_wifi_scan_start``) under 1.x and 2.0.

**1.x and 2.0** (defaults "1.7.7" and "2.0.0"): nina's own WiFi library on ESP-IDF 3.3. Both:

- AP-only soft AP: ``WiFi.beginAP`` does ``esp_wifi_stop`` + ``WIFI_MODE_AP``, so creating the AP
  drops the station (doc 2.2; WiFi.cpp).
- ``status`` reads ``WL_AP_LISTENING`` (7) once the AP is up and ``WL_AP_CONNECTED`` (8) while a
  phone is on it (``SYSTEM_EVENT_AP_START`` / ``AP_STACONNECTED``, WiFi.cpp). The simulator counts
  a phone for 30 s after a client reached a server socket, as ``sim/cp/wifi.py`` does.
- ``ip_address`` in AP mode is the AP's, 192.168.4.1 (``tcpip_adapter_get_ip_info(IF_AP)``).
- ``WiFi.begin`` (joining) stops WiFi first, which stops the AP; so does ``disconnect``
  (``esp_wifi_disconnect`` + ``esp_wifi_stop``). ``begin`` sets ``WL_NO_SSID_AVAIL`` (1), the
  in-progress value, and ``WL_CONNECTED`` (3) comes only with an address (``STA_GOT_IP``, or at
  ``STA_CONNECTED`` with a static one): on a network that hands out none it stays at 1.
- How a failed join ends (``handleSystemEvent``, ``SYSTEM_EVENT_STA_DISCONNECTED``): an unknown
  SSID is reason 201 (NO_AP_FOUND), which both lines map to ``WL_CONNECT_FAILED`` (4). A wrong
  WPA2 password is reason 15 (4-way handshake timeout; truth §13), which neither maps: the status
  becomes ``WL_DISCONNECTED`` (6), never 4. Neither line calls ``esp_wifi_connect`` again for it;
  ESP-IDF 3.3 does not retry by itself either (the doc says "keeps retrying": either way the status
  never settles anywhere else, and the emulator makes no new attempt that a later world change
  could turn into a join, the harsher reading).
- A lost network: ``WL_DISCONNECTED`` (6) (reason 200 BEACON_TIMEOUT); no automatic reconnect, and
  ``ip_address`` keeps the old address (only ``SYSTEM_EVENT_STA_LOST_IP``, much later, clears it).
  Client sockets die: 2.0's ``handleWiFiDisconnect`` closes every socket with a local address
  (phones' connections on the AP included: lwIP is IPv4-only there); on 1.7 ESP-IDF's
  ``tcpip_adapter_down`` sets the station's address to 0.0.0.0, and lwIP aborts the connections
  bound to the old one (``tcp_netif_ip_addr_changed``).
- ``WiFi.config`` (SET_IP_CONFIG) calls ``dns_clear_servers(true)``: with a static address names
  resolve only after SET_DNS_CONFIG.
- MAC bytes reversed (``WiFiClass::macAddress``), and the MAC of the interface in use
  (``_interface``): the AP's (station MAC + 1) in AP mode (truth §14). So ``esp.MAC_address`` is
  reversed and ``esp.mac_address`` natural (doc 2.2, 2.5). ``BSSID(pos)`` reverses scan BSSIDs too.
- Scans: ``config.show_hidden = false``, so a hidden network is not listed at all (ESP-IDF drops
  APs without a name; truth §9 describes Pico W's raw list, not this); one record per BSSID
  (``esp_wifi_scan_get_ap_records``: repeated beacons merged); names as their bytes up to the first
  NUL (``strlen``), so a Latin-1 name reaches the library as is and ``Network.ssid`` raises
  UnicodeError; at most 10 results (``MAX_SCAN_RESULTS``); authmode mapped to 7 OPEN, 5 WEP,
  2 WPA_PSK, 4 WPA2_PSK or WPA_WPA2_PSK, 255 anything else; the status becomes
  ``WL_SCAN_COMPLETED`` (2).
- GET_TIME answers a 4-byte ``unsigned long``; REQ_HOST_BY_NAME leaves 255.255.255.255 behind a
  failed lookup.
- Connects block (``lwip_connect``; ``mbedtls_net_connect``): a server that does not answer keeps
  the firmware busy until lwIP gives up on the SYN (``CONFIG_TCP_SYNMAXRTX=6``: sockets.py), far
  past the library's 10 s (truth §15). The TLS handshake reads a blocking socket with no timeout:
  a server that accepts TCP and never speaks TLS keeps the firmware busy until it is reset.

**1.7.x** (1.0 to 1.7.7; "1.7.7"):

- No command 0x1E (GET_DNS_CONFIG) nor 0x1F (GET_REASON_CODE): ``commandHandlers[]`` has NULL
  there, the firmware answers ERR_CMD and the library raises ``BrokenPipeError`` (truth §12). So
  the library cannot tell "no such network" from "wrong password" by asking.
- ``scanNetworks`` does ``esp_wifi_set_mode(WIFI_MODE_STA)`` + ``esp_wifi_start`` without
  ``esp_wifi_stop`` (truth §16): a joined station stays joined (its sockets keep working), but
  the status reads ``WL_SCAN_COMPLETED`` (2) afterwards, so ``esp.connected`` is False; the AP
  stops (the mode changes). While a join is being tried ``esp_wifi_scan_start`` fails
  (ESP_ERR_WIFI_STATE, "still connecting"): the scan finds nothing and the status becomes 1.
- 10 sockets (``sdkconfig``). A server offers (availDataTcp on its socket) only clients **that
  have sent data**, and offers an already-accepted client again while it has unread data
  (``WiFiServer::available``). START_SERVER_TCP answers 1 even when the port could not be bound.
- AP channel ignored: ``wifiConfig.ap.channel = 0``, what ESP-IDF makes channel 1.
- A static address is "``_ipInfo.ip.addr`` is not 0" (2.0 added ``_staticIp``), and nothing but
  AP_STOP and LOST_IP clears ``_ipInfo``, which GOT_IP filled: after a DHCP join, the next
  ``begin`` uses the old address as a static one (WL_CONNECTED at association, DHCP or not), and
  an AP started from a joined station serves the station's old address (``AP_START``), not
  192.168.4.1.
- TLS: ``WiFiSSLClient::connect`` loops on ``mbedtls_ssl_handshake`` until ``_handshake_timeout``
  (120 s) even after a fatal error (a certificate not trusted, the server closing), then returns
  -1, which ``startClientTcp``'s ``if (result)`` takes for success: busy 120 s, then "connected"
  with a stopped client.

**2.0** ("2.0.0"; it reports ``2.0.0-rc.0+adafruit``, the ``FIRMWARE_VERSION`` at the
2.0.0+adafruit tag):

- GET_DNS_CONFIG and GET_REASON_CODE exist (the last disconnect reason, 0 after a join).
- ``scanNetworks`` does ``esp_wifi_stop`` first: the station and the AP both go.
- The AP channel asked for is used (``wifiConfig.ap.channel = channel``); ``create_AP``'s
  ``bytes(channel)`` still sends 0, which ESP-IDF makes 1.
- 6 sockets (``sdkconfig``). START_SERVER_TCP answers what ``WiFiServer::begin`` did.
  AVAIL_DATA_TCP reads the accept flag after the frame's END as 3.x does, else offers only clients
  that sent data as 1.7 does.
- TLS handshake errors fail at once (``WiFiSSLClient.cpp`` checks ``ret`` after the loop).

**3.x** (default "3.3.0"): rewritten on arduino-esp32 3.3 / ESP-IDF 5.5.

- GET_DNS_CONFIG and GET_REASON_CODE exist; the reason is the last disconnect's, never reset.
- ``setApPassPhrase``/``setApNet`` call ``WiFi.AP.create``: the AP comes up next to the station
  (AP and station coexist), on channel 1 when asked for channel 0 (create_AP's ``bytes(channel)``).
  The AP follows the station's channel (ESP-IDF: one radio; truth §8): joining a network on
  another channel moves the AP, its phones drop off (their connections reset) and need
  ``PHONE_REJOIN_S`` to come back; an AP started while the station is joined starts on its channel.
- ``status`` is the station's status (``WiFi.status()`` = STA): ``WL_STOPPED`` (254) until a join
  starts the station, never an AP state, so ``ESP_SPIcontrol.create_AP`` spins for its timeout and
  raises ``OSError("Unknown error 0xfe")`` while the AP is up (doc 0.5, 2.2: inferred there).
- ``ip_address`` is the station's: 0.0.0.0 in AP mode while the AP serves 192.168.4.1.
- A scan leaves the AP and the station alone (the doc: UNCONFIRMED; arduino-esp32 scans in AP+STA).
- A join (``STA.cpp`` ``_onStaArduinoEvent``): ``STA_START`` sets ``WL_DISCONNECTED`` (6), but
  only when the station starts: ``WiFi.begin`` on a station already started (any join since boot)
  emits none, so the previous status lingers while the new attempt runs (truth §16); leaving a
  joined network first gives ``WL_DISCONNECTED`` (ASSOC_LEAVE). ``STA_CONNECTED`` sets
  ``WL_IDLE_STATUS`` (0), ``GOT_IP`` ``WL_CONNECTED``. Disconnect reasons: 201 NO_AP_FOUND ->
  ``WL_NO_SSID_AVAIL`` (1); 202 AUTH_FAIL -> 4 (not on the first connect); 200/204 -> 5; anything
  else -> 6. A wrong WPA2 password is reason 15 (truth §13), so it reads **6**, not 4, and 15 is a
  "reconnectable reason": the station retries for ever. (The brief expected 4; arduino-esp32's
  handler gives 4 only for reason 202.) Auto-reconnect also after 200 and 201.
- ``handleWiFiDisconnect`` closes only sockets whose ``lwip_getsockname`` as a ``sockaddr_in``
  shows an address: IPv4 client sockets. ``NetworkServer`` listens on AF_INET6, so the clients it
  accepted (phones on the AP) read 0.0.0.0 there and stay open (truth §16).
- ``getClientStateTcp`` frees a slot whose client is gone only if ``socketWasConnected`` (set by a
  successful START_CLIENT_TCP; 3.3.0): an accepted client's slot stays taken until
  STOP_CLIENT_TCP. 3.1 and 3.2 never free it there; 3.0 always did.
- MAC in natural order (arduino-esp32), so ``esp.mac_address`` comes out reversed (doc 2.2).
  BSSIDs natural too.
- Scan results: ``WiFi.scanNetworks()`` with ``show_hidden = false`` (hidden networks not listed),
  no limit; ``getIdxEnct`` returns arduino-esp32's raw ``wifi_auth_mode_t`` (0 OPEN, 1 WEP,
  2 WPA_PSK, 3 WPA2_PSK, 4 WPA_WPA2_PSK, 5 ENTERPRISE, 6 WPA3_PSK, 7 WPA2_WPA3_PSK), which the
  library's ``Network.authmode`` decodes with the 1.x table: an open network reads "UNKNOWN", a
  WPA2+WPA3 one "OPEN" (CommandHandler.cpp getIdxEnct vs getCurrEnct, which maps).
- 6 sockets (``sdkconfig.defaults``, doc 2.7). A server hands over every new client at once
  (``NetworkServer::accept``).
- Connects time out (``ssl_client.cpp`` ``start_ssl_client``, ``NetworkClient``): TLS 30 s for
  the TCP connect and up to 120 s for the handshake, plain TCP 3 s (truth §15).
- GET_TIME answers an 8-byte ``time_t`` (the library's 11.1.4 reads both).

**All**: one TLS socket at a time (doc 2.6): a second TLS START_CLIENT_TCP fails (the firmware
answers with no parameter). The library refuses first, with ``OSError(23, "Only one open SSL
connection allowed")``, from its own bookkeeping; the firmware's refusal is what a caller that
bypasses it (or a library object that lost track) gets. GET_SOCKET answers 255 when every slot
is in use (``adafruit_esp32spi.get_socket`` raises ``OSError(23)``) but does **not** reserve the
slot: it names the first free one until a connect or a server takes it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from edgent_host.sim.nina import protocol as p

# How long the firmware's own connects take to give up, in seconds. The library waits 10 s for the
# ready line (``_wait_for_ready``); anything longer leaves it out of step with the ESP32 (truth §15).
# arduino-esp32 3.3 NetworkClientSecure: ``_timeout = 30000`` (start_ssl_client's select on connect).
TLS_CONNECT_TIMEOUT_S = 30.0
# arduino-esp32 3.3 NetworkClientSecure: ``handshake_timeout = 120000`` (ssl_starttls_handshake).
TLS_HANDSHAKE_TIMEOUT_S = 120.0
# arduino-esp32 3.3 NetworkClient: ``WIFI_CLIENT_DEF_CONN_TIMEOUT_MS`` (3000).
TCP_CONNECT_TIMEOUT_S = 3.0
# 1.x/2.0 block in ``lwip_connect``: lwIP sends the SYN and retransmits it TCP_SYNMAXRTX (6) times
# at the initial RTO of 3 s (no backoff in SYN_SENT), giving up 3 s after the last: 7 x 3 s. The
# exact figure is uncertain (ESP-IDF 3.3's lwIP port); it is well past 10 s either way.
LWIP_SYN_TIMEOUT_S = 21.0
# 1.7.x WiFiSSLClient: ``_handshake_timeout = 120000``, checked between handshake attempts.
LEGACY_HANDSHAKE_LOOP_S = 120.0
FOREVER = math.inf  # a blocking read with no timeout: until the server closes or the ESP32 resets

# The disconnect reason ESP-IDF gives a wrong WPA2 passphrase (truth §13: "sometimes 204").
REASON_4WAY_HANDSHAKE_TIMEOUT = 15


@dataclass(frozen=True)
class Personality:
    """How one NINA firmware line behaves, flag by flag (the module docstring says where from)."""

    version: str
    reported: str  # what GET_FW_VERSION answers
    line: str  # "1.7", "2.0" or "3"
    # The 1.x / 2.0 code line, for what no flag below covers. radio.py: AP mode (beginAP drops the
    # station, _ipInfo), join statuses, encryption numbers; sockets.py: SEND_DATA_TCP on a
    # server's slot (to every client it accepted); firmware.py: REQ_HOST_BY_NAME's 255.255.255.255.
    legacy: bool
    max_sockets: int
    has_reason_code: bool  # commands 0x1E GET_DNS_CONFIG and 0x1F GET_REASON_CODE
    scan_stops_station: bool
    scan_stops_ap: bool
    scan_fails_while_joining: bool
    join_stops_ap: bool
    disconnect_stops_ap: bool
    status_shows_ap: bool
    mac_reversed: bool
    boot_status: int
    no_ssid_status: int
    wrong_password_status: int  # after reason 15
    wrong_password_retries: bool
    link_lost_status: int
    auto_reconnect: bool
    begin_restarts_station: bool  # False: WiFi.begin on a started station emits no STA_START
    reason_reset_on_join: bool
    stale_address_is_static: bool  # 1.7: any address in _ipInfo counts as a static one
    static_ip_clears_dns: bool
    scan_authmode_raw: bool
    max_scan_results: int | None
    ap_channel_honoured: bool
    ap_follows_station: bool
    station_loss_closes_phones: bool
    server_offers_only_data: bool  # without the accept flag (1.x: always)
    server_reads_accept_flag: bool
    server_start_always_ok: bool
    client_state_frees: str  # "always", "connected" (socketWasConnected) or "never"
    tcp_connect_timeout_s: float
    tls_connect_timeout_s: float
    tls_handshake_timeout_s: float
    tls_error_loops_s: float | None  # 1.7.x: a failed handshake loops this long, then "succeeds"
    time_bytes: int


def for_version(version: str) -> Personality:
    """The personality of firmware ``version`` ("1.7.7", "2.0.0", "3.3.0", ...)."""
    found = re.fullmatch(r"(\d+)\.(\d+)\.(\d+)([-+][0-9A-Za-z.+-]*)?", version.strip())
    if found is None:
        raise ValueError(f"NINA firmware version must look like 1.7.7 or 3.3.0, got {version!r}")
    major, minor = int(found.group(1)), int(found.group(2))
    plain = f"{major}.{minor}.{found.group(3)}"
    if major in (1, 2):
        v2 = major == 2
        return Personality(
            version=plain,
            # CommandHandler.cpp FIRMWARE_VERSION: the 2.0.0+adafruit tag still says "-rc.0".
            reported="2.0.0-rc.0+adafruit" if plain == "2.0.0" else version.strip(),
            line="2.0" if v2 else "1.7",
            legacy=True,
            max_sockets=6 if v2 else 10,
            has_reason_code=v2,
            scan_stops_station=v2,
            scan_stops_ap=True,
            scan_fails_while_joining=not v2,
            join_stops_ap=True,
            disconnect_stops_ap=True,
            status_shows_ap=True,
            mac_reversed=True,
            boot_status=p.WL_IDLE_STATUS,
            no_ssid_status=p.WL_CONNECT_FAILED,
            wrong_password_status=p.WL_DISCONNECTED,
            wrong_password_retries=False,
            link_lost_status=p.WL_DISCONNECTED,
            auto_reconnect=False,
            begin_restarts_station=True,
            reason_reset_on_join=True,
            stale_address_is_static=not v2,
            static_ip_clears_dns=True,
            scan_authmode_raw=False,
            max_scan_results=10,
            ap_channel_honoured=v2,
            ap_follows_station=False,
            station_loss_closes_phones=True,
            server_offers_only_data=True,
            server_reads_accept_flag=v2,
            server_start_always_ok=not v2,
            client_state_frees="always",
            tcp_connect_timeout_s=LWIP_SYN_TIMEOUT_S,
            tls_connect_timeout_s=LWIP_SYN_TIMEOUT_S,
            tls_handshake_timeout_s=FOREVER,
            tls_error_loops_s=None if v2 else LEGACY_HANDSHAKE_LOOP_S,
            time_bytes=4,
        )
    if major == 3:
        return Personality(
            version=plain,
            reported=version.strip(),
            line="3",
            legacy=False,
            max_sockets=6,
            has_reason_code=True,
            scan_stops_station=False,
            scan_stops_ap=False,
            scan_fails_while_joining=False,
            join_stops_ap=False,
            disconnect_stops_ap=False,
            status_shows_ap=False,
            mac_reversed=False,
            boot_status=p.WL_STOPPED,
            no_ssid_status=p.WL_NO_SSID_AVAIL,
            wrong_password_status=p.WL_DISCONNECTED,
            wrong_password_retries=True,
            link_lost_status=p.WL_CONNECTION_LOST,
            auto_reconnect=True,
            begin_restarts_station=False,
            reason_reset_on_join=False,
            stale_address_is_static=False,
            static_ip_clears_dns=False,
            scan_authmode_raw=True,
            max_scan_results=None,
            ap_channel_honoured=True,
            ap_follows_station=True,
            station_loss_closes_phones=False,
            server_offers_only_data=False,
            server_reads_accept_flag=True,
            server_start_always_ok=False,
            # CommandHandler.cpp getClientStateTcp: 3.0 freed the slot, 3.1/3.2 commented that
            # out, 3.3.0 frees it only for a client START_CLIENT_TCP connected.
            client_state_frees="always" if minor == 0 else "never" if minor < 3 else "connected",
            tcp_connect_timeout_s=TCP_CONNECT_TIMEOUT_S,
            tls_connect_timeout_s=TLS_CONNECT_TIMEOUT_S,
            tls_handshake_timeout_s=TLS_HANDSHAKE_TIMEOUT_S,
            tls_error_loops_s=None,
            time_bytes=8,
        )
    raise ValueError(f"NINA firmware {version}: the emulator knows the 1.x/2.x line and 3.x")

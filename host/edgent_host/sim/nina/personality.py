"""The two NINA firmware lines the emulator can be, and every behaviour in which they differ.

Sources: ../shared/docs/circuitpython-platform.md section 2 ("the doc"), Adafruit's nina-fw
``main/CommandHandler.cpp`` (3.x) and Arduino's nina-fw ``main/CommandHandler.cpp`` and
``arduino/libraries/WiFi/src/{WiFi,WiFiServer,WiFiUdp}.cpp`` (the 1.x code line Adafruit's 1.x
and 2.0 forked; "WiFi.cpp" below), and arduino-esp32 3.x, which nina-fw 3.x is built on.

**1.x / 2.0** (default version "1.7.7"): nina's own WiFi library on ESP-IDF 3.3.

- AP-only soft AP: ``WiFi.beginAP`` does ``esp_wifi_stop`` + ``WIFI_MODE_AP``, so creating the AP
  drops the station and, through the disconnect callback, every client socket (doc 2.2; WiFi.cpp).
- The AP channel is ignored: Adafruit's 1.x sets ``ap.channel = 0`` (doc 0.5); the emulated AP is
  on channel 1, what ESP-IDF picks.
- ``status`` reads ``WL_AP_LISTENING`` (7) once the AP is up and ``WL_AP_CONNECTED`` (8) while a
  phone is on it (``SYSTEM_EVENT_AP_START`` / ``AP_STACONNECTED``, WiFi.cpp). The simulator counts
  a phone for 30 s after a client reached a server socket, as ``sim/cp/wifi.py`` does.
- ``ip_address`` in AP mode is the AP's, 192.168.4.1 (``tcpip_adapter_get_ip_info(IF_AP)``).
- A scan switches the ESP to STA mode: ``scanNetworks`` does ``esp_wifi_stop`` + ``WIFI_MODE_STA``,
  which **kills the AP** (doc 2.2, 2.4) and drops a joined station too; status becomes
  ``WL_SCAN_COMPLETED`` (2). So does ``WiFi.begin`` (joining stops the AP) and ``disconnect``
  (``esp_wifi_disconnect`` + ``esp_wifi_stop``).
- While a join is tried ``status`` reads ``WL_NO_SSID_AVAIL`` (1) (``begin`` sets it first), or
  ``WL_DISCONNECTED`` (6) / ``WL_IDLE_STATUS`` (0) when it had to leave a network / stop the AP.
  The attempt ends in ``WL_CONNECTED`` (3), or ``WL_CONNECT_FAILED`` (4) for **both** an unknown
  SSID (reason 201 NO_AP_FOUND) and a wrong password (202 AUTH_FAIL): WiFi.cpp maps both to 4.
  The status is ``WL_CONNECTED`` only once DHCP gave an address (``SYSTEM_EVENT_STA_GOT_IP``) or
  a static address was set: on a network that hands out none it stays at the in-progress value.
- A lost network: ``WL_DISCONNECTED`` (6) (reason 200 BEACON_TIMEOUT); no automatic reconnect, and
  ``ip_address`` keeps the old address (only ``SYSTEM_EVENT_STA_LOST_IP``, much later, clears it).
- ``WiFi.config`` (SET_IP_CONFIG) calls ``dns_clear_servers(true)``: with a static address names
  resolve only after SET_DNS_CONFIG.
- MAC bytes reversed (``WiFiClass::macAddress``), the AP's MAC (station MAC + 1) in AP mode: so
  ``esp.MAC_address`` is reversed and ``esp.mac_address`` natural (doc 2.2, 2.5). BSSIDs are
  reversed the same way.
- Scan results: at most 10 (``MAX_SCAN_RESULTS``), authmode mapped to 7 OPEN, 5 WEP, 2 WPA_PSK,
  4 WPA2_PSK or WPA_WPA2_PSK, 255 anything else.
- 10 sockets (``CONFIG_LWIP_MAX_SOCKETS``, doc 2.7).
- A server offers (availDataTcp on its socket) only clients **that have sent data**, and offers an
  already-accepted client again while it has unread data (``WiFiServer::available``).
- START_SERVER_TCP answers 1 for TCP even when the port could not be bound.
- GET_TIME answers a 4-byte ``unsigned long``.

**3.x** (default version "3.3.0"): rewritten on arduino-esp32 3.3 / ESP-IDF 5.5.

- ``setApPassPhrase``/``setApNet`` call ``WiFi.AP.create``: the AP comes up next to the station
  (AP and station coexist), on channel 1 when asked for channel 0 (create_AP's ``bytes(channel)``).
- ``status`` is the station's status (``WiFi.status()`` = STA): ``WL_STOPPED`` (254) until a join
  starts the station, never an AP state, so ``ESP_SPIcontrol.create_AP`` spins for its timeout and
  raises ``OSError("Unknown error 0xfe")`` while the AP is up (doc 0.5, 2.2: inferred there).
- ``ip_address`` is the station's: 0.0.0.0 in AP mode while the AP serves 192.168.4.1.
- A scan leaves the AP and the station alone (the doc: UNCONFIRMED; arduino-esp32 scans in AP+STA).
- A join reads ``WL_DISCONNECTED`` (6) while it is tried, ``WL_IDLE_STATUS`` (0) once associated
  and waiting for DHCP, then ``WL_CONNECTED``; an unknown SSID ends in ``WL_NO_SSID_AVAIL`` (1), a
  wrong password in ``WL_CONNECT_FAILED`` (4) (arduino-esp32's disconnect handler); a lost network
  reads ``WL_CONNECTION_LOST`` (5), and the station reconnects by itself when the network is back
  (auto-reconnect; also after "no such SSID", not after a wrong password).
- MAC in natural order (arduino-esp32), so ``esp.mac_address`` comes out reversed (doc 2.2).
  BSSIDs natural too.
- Scan results: ``getIdxEnct`` returns arduino-esp32's raw ``wifi_auth_mode_t`` (0 OPEN, 1 WEP,
  2 WPA_PSK, 3 WPA2_PSK, 4 WPA_WPA2_PSK, 5 ENTERPRISE, 6 WPA3_PSK, 7 WPA2_WPA3_PSK), which the
  library's ``Network.authmode`` decodes with the 1.x table: an open network reads "UNKNOWN", a
  WPA2+WPA3 one "OPEN" (CommandHandler.cpp getIdxEnct vs getCurrEnct, which maps).
- 6 sockets (``sdkconfig.defaults``, doc 2.7).
- A server hands over every new client at once (``NetworkServer::accept``).
- GET_TIME answers an 8-byte ``time_t`` (the library's 11.1.4 reads both).

**Both**: one TLS socket at a time (doc 2.6): a second TLS START_CLIENT_TCP fails (the firmware
answers with no parameter). The library refuses first, with ``OSError(23, "Only one open SSL
connection allowed")``, from its own bookkeeping; the firmware's refusal is what a caller that
bypasses it (or a library object that lost track) gets. GET_SOCKET answers 255 when every slot
is in use (``adafruit_esp32spi.get_socket`` raises ``OSError(23)``) but does **not** reserve the
slot: it names the first free one until a connect or a server takes it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from edgent_host.sim.nina import protocol as p


@dataclass(frozen=True)
class Personality:
    """How one NINA firmware line behaves, flag by flag (the module docstring says where from)."""

    version: str
    # The 1.x / 2.0 code line, for what no flag below covers. radio.py: AP mode (beginAP drops the
    # station, _ipInfo), join statuses, reason and encryption numbers; sockets.py: START_SERVER_TCP
    # (the old server dropped, the answer always 1), SEND_DATA_TCP on a server's slot (to every
    # client it accepted); firmware.py: no GET_DNS_CONFIG, REQ_HOST_BY_NAME's 255.255.255.255.
    legacy: bool
    max_sockets: int
    scan_stops_wifi: bool
    join_stops_ap: bool
    disconnect_stops_ap: bool
    status_shows_ap: bool
    mac_reversed: bool
    boot_status: int
    no_ssid_status: int
    auth_fail_status: int
    link_lost_status: int
    auto_reconnect: bool
    static_ip_clears_dns: bool
    scan_authmode_raw: bool
    max_scan_results: int | None
    server_offers_only_data: bool
    time_bytes: int


def for_version(version: str) -> Personality:
    """The personality of firmware ``version`` ("1.7.7", "2.0.0", "3.3.0", ...)."""
    found = re.fullmatch(r"(\d+)\.(\d+)\.(\d+)", version.strip())
    if found is None:
        raise ValueError(f"NINA firmware version must look like 1.7.7 or 3.3.0, got {version!r}")
    major = int(found.group(1))
    if major in (1, 2):
        return Personality(
            version=version.strip(),
            legacy=True,
            max_sockets=10,
            scan_stops_wifi=True,
            join_stops_ap=True,
            disconnect_stops_ap=True,
            status_shows_ap=True,
            mac_reversed=True,
            boot_status=p.WL_IDLE_STATUS,
            no_ssid_status=p.WL_CONNECT_FAILED,
            auth_fail_status=p.WL_CONNECT_FAILED,
            link_lost_status=p.WL_DISCONNECTED,
            auto_reconnect=False,
            static_ip_clears_dns=True,
            scan_authmode_raw=False,
            max_scan_results=10,
            server_offers_only_data=True,
            time_bytes=4,
        )
    if major == 3:
        return Personality(
            version=version.strip(),
            legacy=False,
            max_sockets=6,
            scan_stops_wifi=False,
            join_stops_ap=False,
            disconnect_stops_ap=False,
            status_shows_ap=False,
            mac_reversed=False,
            boot_status=p.WL_STOPPED,
            no_ssid_status=p.WL_NO_SSID_AVAIL,
            auth_fail_status=p.WL_CONNECT_FAILED,
            link_lost_status=p.WL_CONNECTION_LOST,
            auto_reconnect=True,
            static_ip_clears_dns=False,
            scan_authmode_raw=True,
            max_scan_results=None,
            server_offers_only_data=False,
            time_bytes=8,
        )
    raise ValueError(f"NINA firmware {version}: the emulator knows the 1.x/2.x line and 3.x")

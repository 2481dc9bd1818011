# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The ESP32's WiFi as NINA firmware drives it: station, soft AP, scan, addresses and names.

Backed by the world file exactly as ``sim/cp/wifi.py`` is: the networks are the world's (re-read
when the file changes), a join takes the network's ``join_s`` (association and DHCP), a network
removed from the world (or whose password changed) drops the station and, as nina-fw's
``handleWiFiDisconnect`` does, the client sockets; a network without internet resolves no names.
The station gets 192.168.1.50 from DHCP (none on a world network with ``"dhcp": false``), the AP
is 192.168.4.1, and ``blynk.cloud`` resolves to ``CLOUD_ADDRESS``, which the socket layer connects
to the local cloud. Networks are named by their bytes (``Network.raw``): a name that is not UTF-8
goes to the library as it is in the air. How status, addresses, MAC and scans read on each
firmware line is in personality.py.
"""

from __future__ import annotations

import ipaddress
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from edgent_host.sim.boards import ap_mac_of
from edgent_host.sim.nina import protocol as p
from edgent_host.sim.nina.personality import REASON_4WAY_HANDSHAKE_TIMEOUT
from edgent_host.sim.runtime import lookup
from edgent_host.sim.world import AP_IP, GATEWAY, NETMASK, PHONE_REJOIN_S, PHONE_WINDOW_S, STATION_IP, Network

if TYPE_CHECKING:
    from edgent_host.sim.nina.personality import Personality
    from edgent_host.sim.runtime import Runtime

NO_ADDRESS = "0.0.0.0"
# What blynk.cloud resolves to on the simulated internet (TEST-NET-3, RFC 5737: no real host);
# connections to it, on any port, reach the local cloud (runtime.cloud).
CLOUD_ADDRESS = "203.0.113.1"

# How long a join takes to fail, beyond what the world file says. Uncertain, so on the long side:
# - an unknown SSID: ESP-IDF scans every channel for it before it reports 201 NO_AP_FOUND
#   (13 channels at up to 120 ms each, plus the passive ones);
WRONG_SSID_S = 2.0
# - a wrong WPA2 password: the AP (hostapd) repeats message 1 of the 4-way handshake 4 times,
#   100 ms and then 1 s apart, and deauthenticates with reason 15 after the last (truth §13).
WRONG_PASSWORD_S = 3.0
# A phone dropped from the AP when the AP changed channel (3.x, truth §8) is back this long after.

# ESP-IDF's wifi_auth_mode_t for the world's security strings.
AUTHMODE = {"OPEN": 0, "WEP": 1, "WPA": 2, "WPA2": 3, "WPA+WPA2": 4, "WPA2-EAP": 5, "WPA3": 6, "WPA2+WPA3": 7}
# nina-fw's own encryption numbers (WiFiClass::encryptionType, getCurrEnct): what the library's
# Network.authmode decodes. ESP-IDF 3.3 (1.x) knows no WPA3: a WPA2/WPA3 network shows as WPA2.
_NINA_ENC = {0: 7, 1: 5, 2: 2, 3: 4, 4: 4}
_LEGACY_AUTHMODE = {**AUTHMODE, "WPA2+WPA3": 3, "WPA3": 255, "WPA2-EAP": 255}

REASON_UNSPECIFIED = 1
REASON_ASSOC_LEAVE = 8
REASON_BEACON_TIMEOUT = 200
REASON_NO_AP_FOUND = 201


def packed(address: str) -> bytes:
    """``"a.b.c.d"`` as the 4 bytes the firmware sends."""
    return ipaddress.IPv4Address(address).packed


def dotted(address: bytes) -> str:
    """4 bytes as ``"a.b.c.d"``."""
    return str(ipaddress.IPv4Address(bytes(address[:4]).ljust(4, b"\0")))


def air_name(network: Network) -> bytes:
    """A network's name as the firmware hands it on: its bytes up to the first NUL (``strlen``;
    arduino-esp32's ``String(char*)``)."""
    raw = network.raw or network.ssid.encode()
    return raw.split(b"\0", 1)[0]


@dataclass
class _Attempt:
    ssid: bytes
    password: str
    due: float


@dataclass
class AccessPoint:
    """The soft AP the firmware serves."""

    ssid: str
    password: str
    channel: int


class Radio:
    """The ESP32's station and access point, as one NINA firmware line runs them."""

    def __init__(self, runtime: Runtime, personality: Personality, mac: bytes) -> None:
        self.runtime = runtime
        self.personality = personality
        self.sta_mac = bytes(mac)
        self.ap_mac = ap_mac_of(self.sta_mac)
        # Called when the station goes away (close client sockets), when the AP stops, and when
        # the AP's phones drop off for a while (their connections reset, new ones refused until
        # the time given).
        self.on_station_down: Callable[[], None] = lambda: None
        self.on_ap_down: Callable[[], None] = lambda: None
        self.on_phones_dropped: Callable[[float], None] = lambda until: None
        self._status = personality.boot_status
        self._attempt: _Attempt | None = None
        self._wanted: tuple[bytes, str] | None = None  # 3.x auto-reconnect target
        self._retry = False
        self._sta_started = False  # 3.x: STA_START happened (a WiFi.begin since boot)
        self.joined: Network | None = None
        self._joined_password = ""
        self.got_ip = False
        self.static: tuple[str, str, str] | None = None  # ip, netmask, gateway (SET_IP_CONFIG)
        self.dns: tuple[str, str] = (NO_ADDRESS, NO_ADDRESS)
        self._ip_info: tuple[str, str, str] = (NO_ADDRESS, NO_ADDRESS, NO_ADDRESS)  # 1.x's _ipInfo
        self._stale: tuple[str, str, str] | None = None  # 1.7: the old address begin() made static
        self.ap: AccessPoint | None = None
        self._ap_interface = False  # 1.x's _interface == ESP_IF_WIFI_AP
        self.scan_results: list[Network] = []
        self.scanned = False  # the last SCAN_NETWORKS really scanned
        # 2.0's _reasonCode starts at 0; 3.x's _disconnectReason at WIFI_REASON_UNSPECIFIED.
        self.reason = 0 if personality.legacy else REASON_UNSPECIFIED
        self._phone_at: float | None = None

    # -- time passes -----------------------------------------------------------------------

    def poll(self) -> None:
        """Let time pass: finish a join that is due, notice a network that went away, reconnect (3.x)."""
        now = time.monotonic()
        if self._attempt is not None and now >= self._attempt.due:
            self._finish_join()
        if self.joined is not None and not self._link_ok():
            self._retry = self.personality.auto_reconnect
            self._lose_station(REASON_BEACON_TIMEOUT, self.personality.link_lost_status)
        if self._retry and self.joined is None and self._attempt is None and self._wanted is not None:
            # arduino-esp32 keeps reconnecting (NO_AP_FOUND, BEACON_TIMEOUT and
            # 4WAY_HANDSHAKE_TIMEOUT are "reconnectable reasons", STA.cpp); the attempts fail as
            # the first did, with the same status, until the network takes them.
            ssid, password = self._wanted
            network = self.runtime.world.joinable(ssid, password)
            if network is not None:
                self._attempt = _Attempt(ssid, password, now + network.join_s)

    def _link_ok(self) -> bool:
        assert self.joined is not None
        current = self.runtime.world.joinable(self.joined.raw, self._joined_password)
        if current is None:
            return False
        self.joined = current
        return True

    def _finish_join(self) -> None:
        assert self._attempt is not None
        attempt, self._attempt = self._attempt, None
        network = self.runtime.world.find(attempt.ssid)
        if network is None:
            # 1.x/2.0 map 201 to WL_CONNECT_FAILED, 3.x to WL_NO_SSID_AVAIL (personality.py).
            self.reason = REASON_NO_AP_FOUND
            self._status = self.personality.no_ssid_status
            return
        if not network.accepts(attempt.password):
            # Reason 15, which only 3.x's reconnect list knows: 1.x/2.0 read WL_DISCONNECTED and
            # stay there; 3.x reads it too and retries (personality.py, truth §13).
            self._retry = self.personality.wrong_password_retries
            self._lose_station(REASON_4WAY_HANDSHAKE_TIMEOUT, self.personality.wrong_password_status)
            return
        self.joined = network
        self._joined_password = network.password
        if self.personality.reason_reset_on_join:
            self.reason = 0  # 2.0: STA_CONNECTED sets _reasonCode = 0; 3.x keeps the last reason
        self._follow_channel(network)
        static = self.static or self._stale
        if static is not None:
            # 1.x: STA_CONNECTED with a static address sets WL_CONNECTED (and re-applies the DNS
            # servers that were configured); 3.x: a static address raises GOT_IP at once.
            self.got_ip = True
            self._ip_info = static
            self._status = p.WL_CONNECTED
        elif network.dhcp:
            self.got_ip = True
            self._ip_info = (STATION_IP, NETMASK, GATEWAY)
            self.dns = (GATEWAY, NO_ADDRESS)  # the router offers itself as DNS server
            self._status = p.WL_CONNECTED
        elif not self.personality.legacy:
            self._status = p.WL_IDLE_STATUS  # arduino-esp32: STA_CONNECTED sets WL_IDLE_STATUS, GOT_IP never comes
        # 1.x without an address: nothing sets a status, it keeps the in-progress value.

    def _follow_channel(self, network: Network) -> None:
        """3.x: one radio, so the AP moves to the channel of the network the station joined
        (ESP-IDF programming guide, quoted in esp-idf issue 8553; truth §8). Its phones lose it."""
        if not self.personality.ap_follows_station or self.ap is None or self.ap.channel == network.channel:
            return
        self.ap.channel = network.channel
        self._phone_at = None
        self.on_phones_dropped(time.monotonic() + PHONE_REJOIN_S)

    def _leave_station(self) -> None:
        """Leave the network joined or being joined: STA_DISCONNECTED (ASSOC_LEAVE), status 6, sockets closed."""
        if self.joined is not None or self._attempt is not None:
            self._attempt = None
            self._lose_station(REASON_ASSOC_LEAVE, p.WL_DISCONNECTED)

    def _lose_station(self, reason: int, status: int) -> None:
        self.joined = None
        self.got_ip = False
        self.reason = reason
        self._status = status
        self.on_station_down()

    # -- station ---------------------------------------------------------------------------

    def begin(self, ssid: bytes, password: str) -> None:
        """SET_NET / SET_PASSPHRASE: start joining ``ssid`` (WiFi.begin); the outcome shows in ``status``."""
        if self.personality.begin_restarts_station:
            # WiFi.cpp begin(): _status = WL_NO_SSID_AVAIL, then esp_wifi_stop + start: a joined
            # network is left (6) and a running AP stopped (AP_STOP sets WL_IDLE_STATUS).
            self._status = p.WL_NO_SSID_AVAIL
            self._leave_station()
            if self.personality.join_stops_ap and self.ap is not None:
                self._stop_ap()
            self._ap_interface = False
            # 1.7 begin(): "if (_ipInfo.ip.addr)" dhcpc_stop + set_ip_info: what GOT_IP left there
            # becomes a static address (2.0 asks _staticIp instead).
            stale = self.personality.stale_address_is_static and self._ip_info[0] != NO_ADDRESS
            self._stale = self._ip_info if stale else None
        else:
            # STA.cpp connect(): a joined station disconnects first (ASSOC_LEAVE: 6); an attempt
            # in progress is simply replaced. STA_START (status 6) only if the station was not
            # started yet: on a started one the previous status lingers (truth §16).
            self._attempt = None
            if self.joined is not None:
                self._lose_station(REASON_ASSOC_LEAVE, p.WL_DISCONNECTED)
            if not self._sta_started:
                self._sta_started = True
                self._status = p.WL_DISCONNECTED
        self._attempt = _Attempt(ssid, password, time.monotonic() + self._attempt_time(ssid, password))
        self._wanted = (ssid, password)
        self._retry = self.personality.auto_reconnect

    def _attempt_time(self, ssid: bytes, password: str) -> float:
        """How long the attempt takes to end, by what the world is now (it is looked at again then)."""
        network = self.runtime.world.find(ssid)
        if network is None:
            return WRONG_SSID_S
        if not network.accepts(password):
            return network.join_s + WRONG_PASSWORD_S
        return network.join_s

    def disconnect(self) -> None:
        """DISCONNECT: leave the network (1.x: ``esp_wifi_disconnect`` + ``esp_wifi_stop``, the AP goes too)."""
        self._wanted = None
        self._retry = False
        self._leave_station()
        if self.personality.disconnect_stops_ap and self.ap is not None:
            self._stop_ap()

    def set_ip_config(self, ip: str, gateway: str, netmask: str) -> None:
        """SET_IP_CONFIG (WiFi.config): a static station address; 1.x also forgets the DNS servers."""
        self.static = (ip, netmask, gateway)
        if self.personality.legacy:
            self._ip_info = self.static  # config() sets _ipInfo at once
        if self.personality.static_ip_clears_dns:
            self.dns = (NO_ADDRESS, NO_ADDRESS)  # dns_clear_servers(true)
        if self.joined is not None:
            self.got_ip = True

    def set_dns(self, first: str, second: str) -> None:
        """SET_DNS_CONFIG."""
        self.dns = (first, second)

    def station_up(self) -> bool:
        """True while joined with an address: what outgoing connections need."""
        self.poll()
        return self.joined is not None and self.got_ip

    def status(self) -> int:
        """GET_CONN_STATUS."""
        self.poll()
        if self.personality.status_shows_ap and self.ap is not None:
            recent = self._phone_at is not None and time.monotonic() - self._phone_at < PHONE_WINDOW_S
            return p.WL_AP_CONNECTED if recent else p.WL_AP_LISTENING
        return self._status

    def addresses(self) -> tuple[str, str, str]:
        """GET_IPADDR: (ip, netmask, gateway); 1.x's follow the AP in AP mode, 3.x's are the station's."""
        self.poll()
        if self.personality.legacy:
            return self._ip_info
        if self.joined is not None and self.got_ip:
            return self.static or (STATION_IP, NETMASK, GATEWAY)
        return (NO_ADDRESS, NO_ADDRESS, NO_ADDRESS)

    def mac(self) -> bytes:
        """GET_MACADDR, as the firmware sends it: 1.x reverses the MAC of ``_interface``, the AP's
        while it is in AP mode (``WiFiClass::macAddress``, truth §14)."""
        if self.personality.mac_reversed:
            return bytes(reversed(self.ap_mac if self._ap_interface else self.sta_mac))
        return self.sta_mac

    def _bssid(self, bssid: bytes) -> bytes:
        # 1.x's BSSID() and BSSID(pos) copy the bytes back to front, as macAddress does.
        return bytes(reversed(bssid)) if self.personality.mac_reversed else bytes(bssid)

    def _enc(self, security: str) -> int:
        if self.personality.legacy:
            return _NINA_ENC.get(_LEGACY_AUTHMODE[security], 255)
        return _NINA_ENC.get(AUTHMODE[security], 255)

    def current(self) -> tuple[bytes, bytes, int, int]:
        """GET_CURR_SSID/BSSID/RSSI/ENCT: (ssid bytes, bssid as sent, rssi, nina encryption number)."""
        self.poll()
        if self.personality.legacy and self._ap_interface and self.ap is not None:
            # AP_START copies the AP's config into _apRecord; BSSID() is the AP MAC, RSSI() 0.
            return self.ap.ssid.encode(), self.mac(), 0, 7 if not self.ap.password else 4
        if self.joined is not None:
            network = self.joined
            return air_name(network), self._bssid(network.bssid), network.rssi, self._enc(network.security)
        # 1.x reads its zeroed _apRecord (authmode 0 = OPEN -> 7); 3.x's esp_wifi_sta_get_ap_info fails.
        return b"", bytes(6), 0, 7 if self.personality.legacy else 255

    # -- access point ----------------------------------------------------------------------

    def start_ap(self, ssid: str, password: str, channel: int, secured: bool) -> bool:
        """SET_AP_NET (open) / SET_AP_PASSPHRASE (``secured``): bring the AP up; False when refused.

        A passphrase shorter than 8 is refused; 1.x also refuses an empty one (WPA/WPA2-PSK with
        no key), where 3.x's ``AP.create`` makes an open AP of it.
        """
        legacy = self.personality.legacy
        if secured and len(password) < 8 and (legacy or password):
            if legacy:
                # beginAP stops WiFi first, then esp_wifi_set_config refuses the short passphrase.
                self._leave_for_ap()
                self._ap_interface = True
                self._status = p.WL_AP_FAILED
            return False  # 3.x: AP.create checks the length before touching anything
        if not legacy and not ssid:
            return False  # AP.create: "SSID missing!"
        if legacy:
            self._leave_for_ap()
            self._ap_interface = True
            self._status = p.WL_AP_LISTENING
        elif self.ap is not None:
            self._stop_ap()  # reconfiguring restarts the AP: its phones drop off
        if not self.personality.ap_channel_honoured:
            channel = 0  # Adafruit 1.7: wifiConfig.ap.channel = 0, whatever was asked
        channel = channel if 1 <= channel <= 13 else 1  # ESP-IDF makes channel 0 channel 1
        if self.personality.ap_follows_station and self.joined is not None:
            channel = self.joined.channel  # one radio: the AP starts where the station is
        self.ap = AccessPoint(ssid, password, channel)
        if legacy:
            # AP_START: a static address (1.7: any address left in _ipInfo, the joined station's
            # included; 2.0: _staticIp) becomes the AP's, else the AP's default.
            kept = self.personality.stale_address_is_static and self._ip_info[0] != NO_ADDRESS
            if not kept:
                self._ip_info = self.static or (AP_IP, NETMASK, AP_IP)
        self.runtime.report(ap=ssid)
        return True

    def _leave_for_ap(self) -> None:
        """1.x's beginAP: ``esp_wifi_stop`` + ``WIFI_MODE_AP`` ends the station and a running AP."""
        self._wanted = None
        self._retry = False
        self._leave_station()
        if self.ap is not None:
            self._stop_ap()

    def _stop_ap(self) -> None:
        self.ap = None
        self._phone_at = None
        if self.personality.legacy:
            self._status = p.WL_IDLE_STATUS  # SYSTEM_EVENT_AP_STOP
            self._ip_info = (NO_ADDRESS, NO_ADDRESS, NO_ADDRESS)
        self.runtime.report(ap=None)
        self.on_ap_down()

    def power_off(self) -> None:
        """The ESP32 stops (reset): the AP disappears, at once (no AP_STOP event, no status change)."""
        if self.ap is not None:
            self.ap = None
            self.runtime.report(ap=None)

    def phone_seen(self) -> None:
        """A client reached a server socket: a phone is on the AP."""
        self._phone_at = time.monotonic()

    # -- scanning --------------------------------------------------------------------------

    def scan(self) -> list[Network]:
        """SCAN_NETWORKS: the networks a scan reports, strongest first (ESP-IDF sorts its records by RSSI)."""
        personality = self.personality
        if personality.scan_stops_station:
            # 2.0 scanNetworks: esp_wifi_stop + WIFI_MODE_STA: the station and the AP go.
            self._wanted = None
            self._leave_station()
        if personality.scan_stops_ap and self.ap is not None:
            self._stop_ap()  # 1.x: WIFI_MODE_STA ends AP mode (AP_STOP: WL_IDLE_STATUS)
        if personality.scan_fails_while_joining and self._attempt is not None:
            # 1.7 scanNetworks: esp_wifi_scan_start fails while the station is still connecting
            # (ESP_ERR_WIFI_STATE): _status = WL_NO_SSID_AVAIL, no networks.
            self._status = p.WL_NO_SSID_AVAIL
            self.scan_results = []
            self.scanned = False
            return self.scan_results
        if personality.legacy:
            # 1.7 leaves a joined station joined, but the status says so no more (truth §16).
            self._status = p.WL_SCAN_COMPLETED
        # show_hidden = false (1.x WiFi.cpp scanNetworks; arduino-esp32's scanNetworks default):
        # ESP-IDF leaves out APs that beacon no name. One record per BSSID
        # (esp_wifi_scan_get_ap_records): the world's repeated beacons are merged.
        seen: dict[bytes, Network] = {}
        for network in self.runtime.world.networks:
            if not network.hidden and network.bssid not in seen:
                seen[network.bssid] = network
        networks = sorted(seen.values(), key=lambda network: -network.rssi)
        limit = personality.max_scan_results
        self.scan_results = networks[:limit] if limit is not None else networks
        self.scanned = True
        return self.scan_results

    def scan_entry(self, index: int) -> tuple[bytes, int, int, int]:
        """GET_IDX_*: (bssid as sent, rssi, channel, encryption) of scan result ``index``; zeros past the end."""
        if index >= len(self.scan_results):
            return bytes(6), 0, 0, 7 if self.personality.legacy else 0
        network = self.scan_results[index]
        if self.personality.scan_authmode_raw:
            enc = AUTHMODE[network.security]
        else:
            enc = self._enc(network.security)
        return self._bssid(network.bssid), network.rssi, network.channel, enc

    # -- names -----------------------------------------------------------------------------

    def resolve(self, name: str) -> str | None:
        """What ``name`` resolves to through the station's DNS, or None (lwIP getaddrinfo)."""
        return lookup(name, self._dns_network, CLOUD_ADDRESS)

    def _dns_network(self) -> Network | None:
        """The network a DNS query goes out on: the station's, while it has an address and a DNS server."""
        if self.station_up() and any(server != NO_ADDRESS for server in self.dns):
            return self.joined
        return None

    def has_internet(self) -> bool:
        """True while the station is up on a network that reaches the internet."""
        return self.station_up() and self.joined is not None and self.joined.internet

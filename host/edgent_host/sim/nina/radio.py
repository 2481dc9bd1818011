"""The ESP32's WiFi as NINA firmware drives it: station, soft AP, scan, addresses and names.

Backed by the world file exactly as ``sim/cp/wifi.py`` is: the networks are the world's (re-read
when the file changes), a join takes ``JOIN_S``, a network removed from the world (or whose
password changed) drops the station and, as nina-fw's ``handleWiFiDisconnect`` does, every
client socket; a network without internet resolves no names. The station gets 192.168.1.50 from
DHCP (none on a world network with ``"dhcp": false``), the AP is 192.168.4.1, and ``blynk.cloud``
resolves to ``CLOUD_ADDRESS``, which the socket layer connects to the local cloud. How status,
addresses, MAC and scans read on each firmware line is in personality.py.
"""

from __future__ import annotations

import ipaddress
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from edgent_host.sim.boards import ap_mac_of
from edgent_host.sim.nina import protocol as p
from edgent_host.sim.runtime import lookup
from edgent_host.sim.world import AP_IP, GATEWAY, JOIN_S, NETMASK, PHONE_WINDOW_S, STATION_IP, Network

if TYPE_CHECKING:
    from edgent_host.sim.nina.personality import Personality
    from edgent_host.sim.runtime import Runtime

NO_ADDRESS = "0.0.0.0"
# What blynk.cloud resolves to on the simulated internet (TEST-NET-3, RFC 5737: no real host);
# connections to it, on any port, reach the local cloud (runtime.cloud).
CLOUD_ADDRESS = "203.0.113.1"

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
REASON_AUTH_FAIL = 202


def packed(address: str) -> bytes:
    """``"a.b.c.d"`` as the 4 bytes the firmware sends."""
    return ipaddress.IPv4Address(address).packed


def dotted(address: bytes) -> str:
    """4 bytes as ``"a.b.c.d"``."""
    return str(ipaddress.IPv4Address(bytes(address[:4]).ljust(4, b"\0")))


@dataclass
class _Attempt:
    ssid: str
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
        # Called when the station goes away (close client sockets) and when the AP stops.
        self.on_station_down: Callable[[], None] = lambda: None
        self.on_ap_down: Callable[[], None] = lambda: None
        self._status = personality.boot_status
        self._attempt: _Attempt | None = None
        self._wanted: tuple[str, str] | None = None  # 3.x auto-reconnect target
        self._retry = False
        self.joined: Network | None = None
        self._joined_password = ""
        self.got_ip = False
        self.static: tuple[str, str, str] | None = None  # ip, netmask, gateway (SET_IP_CONFIG)
        self.dns: tuple[str, str] = (NO_ADDRESS, NO_ADDRESS)
        self._ip_info: tuple[str, str, str] = (NO_ADDRESS, NO_ADDRESS, NO_ADDRESS)  # 1.x's _ipInfo
        self.ap: AccessPoint | None = None
        self._ap_interface = False  # 1.x's _interface == ESP_IF_WIFI_AP
        self.scan_results: list[Network] = []
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
            # arduino-esp32 keeps reconnecting (NO_AP_FOUND and BEACON_TIMEOUT are "reconnectable
            # reasons"); the attempt only succeeds once the network is back.
            ssid, password = self._wanted
            if self.runtime.world.joinable(ssid, password) is not None:
                self._attempt = _Attempt(ssid, password, now + JOIN_S)

    def _link_ok(self) -> bool:
        assert self.joined is not None
        current = self.runtime.world.joinable(self.joined.ssid, self._joined_password)
        if current is None:
            return False
        self.joined = current
        return True

    def _finish_join(self) -> None:
        assert self._attempt is not None
        attempt, self._attempt = self._attempt, None
        network = self.runtime.world.find(attempt.ssid)
        if network is None:
            self.reason = REASON_NO_AP_FOUND
            self._status = self.personality.no_ssid_status
            return
        if not network.accepts(attempt.password):
            self.reason = REASON_AUTH_FAIL
            self._status = self.personality.auth_fail_status
            self._retry = False  # AUTH_FAIL is not a reconnectable reason
            return
        self.joined = network
        self._joined_password = network.password
        self.reason = 0
        if self.static is not None:
            # 1.x: STA_CONNECTED with a static address sets WL_CONNECTED (and re-applies the DNS
            # servers that were configured); 3.x: a static address raises GOT_IP at once.
            self.got_ip = True
            self._ip_info = self.static
            self._status = p.WL_CONNECTED
        elif network.dhcp:
            self.got_ip = True
            self._ip_info = (STATION_IP, NETMASK, GATEWAY)
            self.dns = (GATEWAY, NO_ADDRESS)  # the router offers itself as DNS server
            self._status = p.WL_CONNECTED
        elif not self.personality.legacy:
            self._status = p.WL_IDLE_STATUS  # arduino-esp32: STA_CONNECTED sets WL_IDLE_STATUS, GOT_IP never comes
        # 1.x without an address: nothing sets a status, it keeps the in-progress value.

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

    def begin(self, ssid: str, password: str) -> None:
        """SET_NET / SET_PASSPHRASE: start joining ``ssid`` (WiFi.begin); the outcome shows in ``status``."""
        legacy = self.personality.legacy
        if legacy:
            self._status = p.WL_NO_SSID_AVAIL  # WiFi.cpp begin(): the in-progress value
        self._leave_station()
        if self.personality.join_stops_ap and self.ap is not None:
            self._stop_ap()  # esp_wifi_stop + WIFI_MODE_STA; AP_STOP sets WL_IDLE_STATUS
        if legacy:
            self._ap_interface = False
        else:
            self._status = p.WL_DISCONNECTED  # STA_START, then connecting
        self._attempt = _Attempt(ssid, password, time.monotonic() + JOIN_S)
        self._wanted = (ssid, password)
        self._retry = self.personality.auto_reconnect

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
        """GET_MACADDR, as the firmware sends it."""
        if self.personality.mac_reversed:
            return bytes(reversed(self.ap_mac if self._ap_interface else self.sta_mac))
        return self.sta_mac

    def _bssid(self, bssid: bytes) -> bytes:
        return bytes(reversed(bssid)) if self.personality.mac_reversed else bytes(bssid)

    def _enc(self, security: str) -> int:
        if self.personality.legacy:
            return _NINA_ENC.get(_LEGACY_AUTHMODE[security], 255)
        return _NINA_ENC.get(AUTHMODE[security], 255)

    def current(self) -> tuple[str, bytes, int, int]:
        """GET_CURR_SSID/BSSID/RSSI/ENCT: (ssid, bssid as sent, rssi, nina encryption number)."""
        self.poll()
        if self.personality.legacy and self._ap_interface and self.ap is not None:
            # AP_START copies the AP's config into _apRecord; BSSID() is the AP MAC, RSSI() 0.
            return self.ap.ssid, self.mac(), 0, 7 if not self.ap.password else 4
        if self.joined is not None:
            network = self.joined
            return network.ssid, self._bssid(network.bssid), network.rssi, self._enc(network.security)
        # 1.x reads its zeroed _apRecord (authmode 0 = OPEN -> 7); 3.x's esp_wifi_sta_get_ap_info fails.
        return "", bytes(6), 0, 7 if self.personality.legacy else 255

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
            channel = 0  # Adafruit 1.x: wifiConfig.ap.channel = 0, whatever was asked
        elif self.ap is not None:
            self._stop_ap()  # reconfiguring restarts the AP: its phones drop off
        self.ap = AccessPoint(ssid, password, channel if 1 <= channel <= 13 else 1)
        if legacy:
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
        """SCAN_NETWORKS: the world's networks, strongest first (ESP-IDF sorts its AP records by RSSI)."""
        if self.personality.scan_stops_wifi:
            # scanNetworks: esp_wifi_stop + WIFI_MODE_STA: the AP and the station go.
            self._wanted = None
            self._leave_station()
            if self.ap is not None:
                self._stop_ap()
            self._status = p.WL_SCAN_COMPLETED
        networks = sorted(self.runtime.world.networks, key=lambda network: -network.rssi)
        limit = self.personality.max_scan_results
        self.scan_results = networks[:limit] if limit is not None else networks
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

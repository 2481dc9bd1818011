# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The RTL8720DN's WiFi as its eRPC firmware exposes it (services 14 and 15): on and off, the
station, DHCP, the access point, scans, addresses, against the simulator's world file.

From ../shared/docs/rtl8720-erpc.md section 3 and Seeed's client (Seeed_Arduino_rpcWiFi
``WiFiSTA.cpp``: ``begin`` passes WPA2_AES_PSK for any password, OPEN without one, and maps any
failure of ``wifi_connect`` to WL_CONNECT_FAILED). Where the firmware's behaviour is not known,
the harsher plausible reading, each marked:

* ``wifi_connect`` blocks until it is associated or gives up, and says only -1 when it fails: an
  unknown network and a refused password look alike (the reason is not exported over eRPC);
* a security type the network does not take fails like a wrong password (UNCONFIRMED: the
  driver may adapt);
* ``dhcpc_start`` blocks until an address comes, -1 after DHCP_TIMEOUT_S without one;
* ``wifi_on`` while WiFi is on fails (-1) and changes nothing, and needs ``tcpip_adapter_init``
  first (UNCONFIRMED);
* a station that loses its network stays off it: nobody reconnects but the client
  (UNCONFIRMED: ``wifi_set_autoreconnect`` exists, its default is not known);
* in access-point-only mode (``wifi_on(2)``) interface 0 is the access point's
  (``tcpip_if`` note in the doc) and a scan is refused (UNCONFIRMED);
* scan records come in the order found, repeated beacons repeated, hidden networks with an
  empty name (the client sorts and filters).
"""

from __future__ import annotations

import struct
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from edgent_host.sim.nina.radio import CLOUD_ADDRESS, NO_ADDRESS, air_name, packed
from edgent_host.sim.rtl8720.firmware import (
    EVENT_AP_START,
    EVENT_AP_STOP,
    EVENT_SCAN_DONE,
    EVENT_STA_CONNECTED,
    EVENT_STA_DISCONNECTED,
    EVENT_STA_GOT_IP,
    EVENT_STA_START,
    Blocking,
)
from edgent_host.sim.runtime import lookup
from edgent_host.sim.world import GATEWAY, NETMASK, PHONE_WINDOW_S, STATION_IP, Network

if TYPE_CHECKING:
    from edgent_host.sim.rtl8720.firmware import Firmware, Handler
    from edgent_host.sim.runtime import Runtime

# rtw_security_t (the doc's section 3 codes; the WPA3 and enterprise values are Ameba's
# WPA3_SECURITY 0x01000000 and ENTERPRISE_ENABLED 0x02000000 with AES_ENABLED 4, UNCONFIRMED).
OPEN = 0
WEP_PSK = 1
WPA_AES_PSK = 0x00200004
WPA2_AES_PSK = 0x00400004
WPA_WPA2_MIXED = 0x00600000
WPA3_AES_PSK = 0x01000004
WPA2_WPA3_MIXED = 0x01400004
WPA2_ENTERPRISE = 0x02400004
SECURITY = {
    "OPEN": OPEN,
    "WEP": WEP_PSK,
    "WPA": WPA_AES_PSK,
    "WPA2": WPA2_AES_PSK,
    "WPA+WPA2": WPA_WPA2_MIXED,
    "WPA3": WPA3_AES_PSK,
    "WPA2+WPA3": WPA2_WPA3_MIXED,
    "WPA2-EAP": WPA2_ENTERPRISE,
}
# What a station asking for a security type can join (harsher guess: only what that type names).
_JOINS = {
    OPEN: ("OPEN",),
    WEP_PSK: ("WEP",),
    WPA_AES_PSK: ("WPA", "WPA+WPA2"),
    WPA2_AES_PSK: ("WPA2", "WPA+WPA2", "WPA2+WPA3"),
    WPA_WPA2_MIXED: ("WPA", "WPA2", "WPA+WPA2"),
    WPA3_AES_PSK: ("WPA3", "WPA2+WPA3"),
    WPA2_WPA3_MIXED: ("WPA2", "WPA3", "WPA2+WPA3"),
}

WIFI_ON_S = 0.3  # wifi_on brings the driver up
NOT_FOUND_S = 4.0  # wifi_connect scans every channel of both bands for a network that is not there
WRONG_PASSWORD_S = 3.0  # the 4-way handshake is retried before the driver gives up (as NINA's)
DHCP_S = 0.05  # an answering router
DHCP_TIMEOUT_S = 10.0  # a router that never answers (UNCONFIRMED: lwIP's DHCP retries)
AP_START_S = 1.0  # start_ap polls until the SSID is up (up to 20 s in the firmware)
SCAN_S = 1.5  # a scan of both bands (asynchronous: the task is free meanwhile)
MAX_RECORDS = 60  # the firmware keeps 60 scan results
RECORD = struct.Struct("<B33s6sh5I")  # rtw_scan_result_t, packed: 62 bytes
# The access point's own address until the client sets one: Ameba's default (its SDK's
# AP_IP_ADDR, 192.168.1.1; UNCONFIRMED for this firmware). Blynk's sketches set 192.168.4.1.
AMEBA_AP_IP = "192.168.1.1"
PHONE_MAC = bytes.fromhex("da7a0000c0de")  # a phone on the access point


class WiFi:
    """The chip's station and access point."""

    def __init__(self, firmware: Firmware, runtime: Runtime) -> None:
        self.firmware = firmware
        self.runtime = runtime
        self.on_station_down: Callable[[], None] = lambda: None
        self.on_ap_down: Callable[[], None] = lambda: None
        self.adapter = False  # tcpip_adapter_init was called
        self.mode = 0  # RTW_MODE: NONE 0, STA 1, AP 2, STA_AP 3
        self.joined: Network | None = None
        self._password = ""
        self.got_ip = False
        self.static: tuple[str, str, str] | None = None  # ip, netmask, gateway
        self.dns: list[str] = []
        self.ap: tuple[str, str, int] | None = None  # ssid, password, channel
        self.ap_address = AMEBA_AP_IP  # until set_ip_info gives the access point another
        mac = firmware.mac
        self.ap_mac = mac[:5] + bytes(((mac[5] + 1) & 0xFF,))  # the station's + 1 (UNCONFIRMED)
        self._scan_done_at: float | None = None
        self._records: list[Network] = []
        self.phone_at: float | None = None

    def handlers(self) -> dict[tuple[int, int], Handler]:
        """The functions this part answers."""
        return {
            (14, 1): self._connect,
            (14, 3): self._disconnect,
            (14, 4): lambda args: ([], 0 if self.joined is not None else -1),
            (14, 8): self._mac_address,
            (14, 14): self._clients,
            (14, 19): lambda args: ([self.joined.rssi], 0) if self.joined is not None else ([0], -1),
            (14, 27): self._on,
            (14, 28): self._off,
            (14, 38): self._start_ap,
            (14, 64): self._scan_start,
            (14, 65): lambda args: ([], self._scanning()),
            (14, 66): self._records_of,
            (14, 67): lambda args: ([], len(self._records) if self._scan_done() else 0),
            (15, 1): self._adapter_init,
            (15, 7): self._get_ip_info,
            (15, 8): self._set_ip_info,
            (15, 9): self._set_dns_info,
            (15, 11): lambda args: ([], 0),
            (15, 12): lambda args: ([], 0),
            (15, 13): self._dhcpc_start,
            (15, 14): self._dhcpc_stop,
            (15, 15): lambda args: ([], 0),
            (15, 17): lambda args: ([self.ap_mac if self._is_ap(args[0]) else self.firmware.mac], 0),
        }

    # -- time passes ---------------------------------------------------------------------------

    def poll(self) -> None:
        """Notice a network that went away, a scan that ended."""
        if self.joined is not None and self.runtime.world.joinable(self.joined.raw, self._password) is None:
            self._lose_station()
        if self._scan_done_at is not None and time.monotonic() >= self._scan_done_at:
            self._scan_done_at = None
            self.firmware.event(EVENT_SCAN_DONE)

    def _lose_station(self, at: float | None = None) -> None:
        if self.joined is not None:
            self.joined = None
            self.got_ip = False
            self.firmware.event(EVENT_STA_DISCONNECTED, at)
            self.on_station_down()

    def _stop_ap(self, at: float | None = None) -> None:
        if self.ap is not None:
            self.ap = None
            self.phone_at = None
            self.firmware.event(EVENT_AP_STOP, at)
            self.runtime.report(ap=None)
            self.on_ap_down()

    def power_off(self) -> None:
        """The chip stops: its access point disappears at once (no event: it is off)."""
        if self.ap is not None:
            self.ap = None
            self.runtime.report(ap=None)

    # -- on, off -------------------------------------------------------------------------------

    def _adapter_init(self, args: list[Any]) -> tuple[list[Any], int]:
        self.adapter = True
        return [], 0

    def _on(self, args: list[Any]) -> Any:
        (mode,) = args
        if self.mode != 0 or not self.adapter or mode not in (1, 2, 3):
            return [], -1
        self.mode = mode
        if mode & 1:
            self.firmware.event(EVENT_STA_START)  # before the reply (doc section 2)
        return Blocking([], 0, WIFI_ON_S)

    def _off(self, args: list[Any]) -> Any:
        self._lose_station()
        self._stop_ap()
        self.mode = 0
        self._scan_done_at = None
        return Blocking([], 0, 0.05)

    # -- station -------------------------------------------------------------------------------

    def _connect(self, args: list[Any]) -> Any:
        ssid, password, security, _key_id, _semaphore = args
        if not self.mode & 1:
            return [], -1
        self._lose_station()
        text = "" if password is None else password.decode("utf-8", "replace")
        network = self.runtime.world.find(ssid)
        if network is None:
            return Blocking([], -1, NOT_FOUND_S)
        if network.security not in _JOINS.get(security, ()) or not network.accepts(text):
            return Blocking([], -1, network.join_s + WRONG_PASSWORD_S)
        done = self.firmware.call_started + network.join_s
        self.joined = network
        self._password = network.password
        self.got_ip = self.static is not None  # a static address is there at once
        self.firmware.event(EVENT_STA_CONNECTED, done)
        return Blocking([], 0, network.join_s)

    def _disconnect(self, args: list[Any]) -> tuple[list[Any], int]:
        if self.joined is None:
            return [], -1
        self._lose_station()
        return [], 0

    def _dhcpc_start(self, args: list[Any]) -> Any:
        (interface,) = args
        if interface != 0 or self.mode == 2:
            return [], -1
        if self.joined is None:
            return Blocking([], -1, DHCP_TIMEOUT_S)
        if not self.joined.dhcp:
            return Blocking([], -1, DHCP_TIMEOUT_S)
        self.static = None
        self.got_ip = True
        self.dns = [GATEWAY]  # the router offers itself as DNS server
        self.firmware.event(EVENT_STA_GOT_IP, self.firmware.call_started + DHCP_S)
        return Blocking([], 0, DHCP_S)

    def _dhcpc_stop(self, args: list[Any]) -> tuple[list[Any], int]:
        return [], 0

    def _mac_address(self, args: list[Any]) -> tuple[list[Any], int]:
        return [":".join(f"{b:02x}" for b in self.firmware.mac).encode()], 0

    def _get_ip_info(self, args: list[Any]) -> tuple[list[Any], int]:
        (interface,) = args
        if self._is_ap(interface):
            addresses = (self.ap_address, NETMASK, self.ap_address) if self.ap is not None else (NO_ADDRESS,) * 3
        elif self.joined is not None and self.got_ip:
            addresses = self.static or (STATION_IP, NETMASK, GATEWAY)
        else:
            addresses = (NO_ADDRESS,) * 3
        return [b"".join(packed(a) for a in addresses)], 0

    def _is_ap(self, interface: int) -> bool:
        # interface 0 is the station, or the access point in AP-only mode; 1 the AP in STA+AP
        return (interface == 0 and self.mode == 2) or (interface >= 1 and self.mode == 3)

    def _set_ip_info(self, args: list[Any]) -> tuple[list[Any], int]:
        interface, info = args
        if len(info) != 12:
            return [], -1
        ip, mask, gateway = (".".join(str(b) for b in info[i : i + 4]) for i in (0, 4, 8))
        if self._is_ap(interface):
            self.ap_address = ip
        else:
            self.static = (ip, mask, gateway) if ip != NO_ADDRESS else None
            if self.joined is not None and self.static is not None:
                self.got_ip = True
        return [], 0

    def _set_dns_info(self, args: list[Any]) -> tuple[list[Any], int]:
        _interface, kind, server = args
        if len(server) < 4 or kind > 2:
            return [], -1
        address = ".".join(str(b) for b in server[:4])
        while len(self.dns) <= kind:
            self.dns.append(NO_ADDRESS)
        self.dns[kind] = address
        return [], 0

    def station_up(self) -> bool:
        """True while joined with an address: what outgoing connections need."""
        return self.joined is not None and self.got_ip

    def dns_network(self) -> Network | None:
        """The network a DNS query goes out on: the station's, with a DNS server known."""
        if self.station_up() and any(server != NO_ADDRESS for server in self.dns):
            return self.joined
        return None

    def resolve(self, name: str) -> str | None:
        """What ``name`` resolves to through the station's DNS, or None."""
        found = lookup(name, self.dns_network, CLOUD_ADDRESS)
        return found if isinstance(found, str) else None

    def has_internet(self) -> bool:
        """True while the station is up on a network that reaches the internet."""
        return self.station_up() and self.joined is not None and self.joined.internet

    # -- access point --------------------------------------------------------------------------

    def _start_ap(self, args: list[Any]) -> Any:
        ssid, password, security, channel = args
        if not self.mode & 2 or not ssid or len(ssid) > 32 or not 1 <= channel <= 13:
            return [], -1
        if (password is None) != (security == OPEN) or (password is not None and not 8 <= len(password) <= 64):
            return [], -1
        self._stop_ap()
        self.ap = (ssid.decode("utf-8", "replace"), (password or b"").decode("utf-8", "replace"), channel)
        self.firmware.event(EVENT_AP_START)  # from inside start_ap, before its reply
        self.runtime.report(ap=self.ap[0])
        return Blocking([], 0, AP_START_S)

    def phone_seen(self) -> None:
        """A phone reached a server socket: it is on the access point."""
        self.phone_at = time.monotonic()

    def _clients(self, args: list[Any]) -> tuple[list[Any], int]:
        # rtw_maclist_t: u32 count, then 6 bytes a station (Ameba's layout; UNCONFIRMED over eRPC)
        (room,) = args
        if self.ap is None:
            return [b"\0"], -1
        recent = self.phone_at is not None and time.monotonic() - self.phone_at < PHONE_WINDOW_S
        data = struct.pack("<I", 1 if recent else 0) + (PHONE_MAC if recent else b"")
        return [data[:room] if room else data], 0

    # -- scanning ------------------------------------------------------------------------------

    def _scanning(self) -> bool:
        return self._scan_done_at is not None and time.monotonic() < self._scan_done_at

    def _scan_done(self) -> bool:
        return self._scan_done_at is None or time.monotonic() >= self._scan_done_at

    def _scan_start(self, args: list[Any]) -> tuple[list[Any], int]:
        if not self.mode & 1 or self._scanning():
            return [], -1
        found: list[Network] = []
        for network in self.runtime.world.networks:
            found += [network] * network.beacons
        self._records = found[:MAX_RECORDS]
        self._scan_done_at = time.monotonic() + SCAN_S
        return [], 0

    def _records_of(self, args: list[Any]) -> tuple[list[Any], int]:
        (number,) = args
        if not self._scan_done() or not self._records or number == 0:
            return [b"\0"], -1  # a 1-byte binary on failure (doc section 3)
        data = b"".join(record(network) for network in self._records[:number])
        return [data], 0


def record(network: Network) -> bytes:
    """One rtw_scan_result_t: ssid_len, ssid[33], bssid[6], rssi (i16), bss_type, security,
    wps_type, channel, band (u32 each)."""
    name = b"" if network.hidden else air_name(network)
    band = 0  # 2.4 GHz: the world's channels are 1 to 13
    return RECORD.pack(
        len(name), name, network.bssid, network.rssi, 0, SECURITY[network.security], 0, network.channel, band
    )

# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""``wifi`` for the simulator: a radio that sees the networks of the world file.

As CircuitPython's (``shared-bindings/wifi/Radio.c`` and each port's ``common-hal/wifi/``), on
the board's port, and never kinder (../shared/docs/hardware-truth.md sections 1-10):

- ``connect()`` raises ``ConnectionError("No network with that ssid")``, ``("Authentication
  failure")`` or ``("Unknown failure 1")``. A network's ``join_s`` is how long association and
  DHCP take. On espressif ``connect`` waits for the address whatever its ``timeout`` (which only
  stops retries), so a network without DHCP holds it until a disconnect or the watchdog; on
  raspberrypi the deadline (8 s without a timeout) is kept and missing it is "Unknown failure 1".
  A join that ``connect`` gave up on goes on in the background, as the radio's does.
- espressif: ``connected`` and ``ap_info`` once associated, ``ipv4_address`` 0.0.0.0 until DHCP
  answers; raspberrypi: ``connected`` only with an address, ``ap_info`` raises NotImplementedError,
  ``mac_address_ap`` is ``mac_address``, the access point starts once per boot.
- The access point moves to the station's channel when the station joins another one, and the
  phone on it drops off for ``PHONE_REJOIN_S`` (see ``Radio._follow_channel``).
- Scans: espressif goes channel by channel in its own order within ``start_channel`` and
  ``stop_channel`` (default 1-11); raspberrypi returns every beacon it hears on every channel
  through a 16-entry ring, repeats included. A hidden network's ``ssid`` is empty, and reading
  a name that is not UTF-8 raises UnicodeError.
- ``hostname`` is checked as ``hostname_valid`` does. A network removed from the world drops the
  station and the sockets that went through it.
"""

from __future__ import annotations

import ipaddress
import time
from collections import deque
from collections.abc import Sequence
from typing import Any

from edgent_host.sim import runtime as _sim
from edgent_host.sim.world import (
    AP_IP,
    GATEWAY,
    JOIN_S,
    NETMASK,
    PHONE_IP,
    PHONE_REJOIN_S,
    PHONE_WINDOW_S,
    SCAN_S,
    STATION_IP,
)
from edgent_host.sim.world import Network as WorldNetwork

# A phone dropped by the access point's change of channel is back on it this long after
# (hardware-truth.md section 8; a guess: a phone rescans and rejoins in a few seconds).
_POLL_S = 0.01  # how often a blocking connect looks at the world and at mp_hal_is_interrupted()
_UNSPECIFIED = 1  # WIFI_RADIO_ERROR_UNSPECIFIED (shared-bindings/wifi/Radio.h)
_CYW43_DEFAULT_TIMEOUT_S = 8.0  # raspberrypi Radio.c connect: timeout <= 0 means 8000 ms
# espressif ScannedNetworks.c scan_pattern: "we don't do a linear scan".
_ESP_SCAN_PATTERN = (6, 1, 11, 3, 9, 13, 2, 4, 8, 12, 5, 7, 10, 14)
_CYW43_SCAN_RING = 16  # raspberrypi ScannedNetworks.c NUM_SCAN
_NO_ADDRESS = "0.0.0.0"


class AuthMode:
    """The security of a network, as a set of these."""

    OPEN = "AuthMode.OPEN"
    WEP = "AuthMode.WEP"
    WPA = "AuthMode.WPA"
    WPA2 = "AuthMode.WPA2"
    WPA3 = "AuthMode.WPA3"
    PSK = "AuthMode.PSK"
    ENTERPRISE = "AuthMode.ENTERPRISE"


_AUTHMODES = {
    "OPEN": (AuthMode.OPEN,),
    "WEP": (AuthMode.WEP,),
    "WPA": (AuthMode.WPA, AuthMode.PSK),
    "WPA2": (AuthMode.WPA2, AuthMode.PSK),
    "WPA+WPA2": (AuthMode.WPA, AuthMode.WPA2, AuthMode.PSK),
    "WPA2+WPA3": (AuthMode.WPA2, AuthMode.WPA3, AuthMode.PSK),
    "WPA3": (AuthMode.WPA3, AuthMode.PSK),
    "WPA2-EAP": (AuthMode.WPA2, AuthMode.ENTERPRISE),
}

# espressif common_hal_wifi_radio_start_ap: the authmode sets it takes (anything else is invalid).
_ESP_AP_AUTHMODES = (
    {AuthMode.OPEN},
    {AuthMode.WPA, AuthMode.PSK},
    {AuthMode.WPA2, AuthMode.PSK},
    {AuthMode.WPA, AuthMode.WPA2, AuthMode.PSK},
)


class Network:
    """A network seen in a scan, or the one joined (``radio.ap_info``)."""

    def __init__(self, source: WorldNetwork, port: str) -> None:
        # The name as the air carries it: nothing for a hidden network; espressif's ssid getter
        # is strlen()-long (Network.c), the CYW43's ssid_len-long.
        raw = b"" if source.hidden else source.raw
        self._raw = raw.split(b"\0", 1)[0] if port == "espressif" else raw
        self.bssid = source.bssid
        self.rssi = source.rssi
        self.channel = source.channel
        self.country = "US" if port == "espressif" else ""  # raspberrypi Network.c: MP_QSTR_ (empty)
        self.authmode = list(_AUTHMODES[source.security])

    @property
    def ssid(self) -> str:
        """The network's name; UnicodeError when it is not UTF-8, as MicroPython's
        ``mp_obj_new_str`` (``py/objstr.c``, utf8_check) raises on every port."""
        try:
            return self._raw.decode("utf-8")
        except UnicodeDecodeError:
            raise UnicodeError() from None

    def __repr__(self) -> str:
        return f"<Network {self._raw!r} {self.rssi} dBm ch{self.channel}>"


class ScannedNetworks:
    """The networks a scan finds, as they come in (``for network in radio.start_scanning_networks()``).

    Each arrives at its time; ``next()`` waits for the next one. With a ring (raspberrypi, the
    radio's, kept from one scan to the next as the C statics are), what arrives while the ring is
    full is lost, and what a stopped scan left in it comes out of the next scan first.
    """

    def __init__(self, radio: Radio, arrivals: list[tuple[float, Network]], ready: deque[Network], ring: int | None):
        self._radio = radio
        self._arrivals = deque(arrivals)
        self._ready = ready
        self._ring = ring
        self._stopped = False

    def __iter__(self) -> ScannedNetworks:
        return self

    def __next__(self) -> Network:
        while True:
            now = time.monotonic()
            while self._arrivals and self._arrivals[0][0] <= now and not self._stopped:
                _, network = self._arrivals.popleft()
                if self._ring is None or len(self._ready) < self._ring:
                    self._ready.append(network)  # else scan_result_put: the ring is full, it is lost
            if self._ready:
                return self._ready.popleft()
            if self._stopped or not self._arrivals:
                self._radio._scan_finished(self)
                raise StopIteration
            time.sleep(self._arrivals[0][0] - now)

    def _stop(self) -> None:
        self._stopped = True
        self._arrivals.clear()


class _Station:
    # One entry of stations_ap (a named tuple on the board).
    def __init__(self, mac: bytes, rssi: int | None, ipv4: str) -> None:
        self.mac_address = mac
        self.rssi = rssi
        self.ipv4_address = ipaddress.IPv4Address(ipv4)


def _as_bytes(value: str | bytes | bytearray, name: str) -> bytes:
    if isinstance(value, str):
        return value.encode()
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value)
    raise TypeError(f"{name} must be of type str or bytes, not {type(value).__name__}")


def _check_password(password: bytes) -> None:
    # shared-bindings/wifi/Radio.c: 8-64 bytes, and 64 of them must be the hex form of the key.
    if not 8 <= len(password) <= 64:
        raise ValueError("password length must be 8-64")
    if len(password) == 64 and not all(chr(b) in "0123456789abcdefABCDEF" for b in password):
        raise ValueError("Invalid hex password")


def _hostname_valid(name: bytes) -> bool:
    """shared-bindings/wifi/Radio.c ``hostname_valid``: dot-separated labels of 1-63 letters,
    digits and hyphens, none starting with a hyphen."""
    for label in name.split(b"."):
        if not 1 <= len(label) <= 63 or label.startswith(b"-"):
            return False
        if not all(chr(c).isascii() and (chr(c).isalnum() or c == ord("-")) for c in label):
            return False
    return True


class Radio:
    """The board's WiFi radio (``wifi.radio``)."""

    def __init__(self) -> None:
        board = _sim.current().board
        self._port = board.port
        self._mac = bytes(board.mac)
        self._mac_ap = board.ap_mac
        self.enabled = True
        self._hostname = "espressif" if self._port == "espressif" else "cyw43"
        self.tx_power = 20.0
        self.power_management = None
        # The station: the network joined, when it is associated, when DHCP answers (None: never).
        self._joined: WorldNetwork | None = None
        self._joined_password = ""
        self._assoc_at = 0.0
        self._ip_at: float | None = None
        self._follow_pending = False  # the access point has yet to move to the station's channel
        self._dhcp = True  # the station's DHCP client runs
        self._static: dict[str, Any] | None = None
        self._dns = ipaddress.IPv4Address(GATEWAY)
        self._dns_set = False  # a DNS server given by code, kept without a lease
        self._ap: dict[str, Any] | None = None
        self._ap_started_once = False
        self._scan: ScannedNetworks | None = None
        self._ring: deque[Network] = deque()  # the CYW43 scan ring (raspberrypi)
        self._phone_at: float | None = None
        self.sockets: set[Any] = set()  # station-side sockets, aborted when the link drops
        self.ap_sockets: set[Any] = set()  # the portal's sockets, on the access point's side

    # -- station ---------------------------------------------------------------------------

    def _sync(self) -> None:
        """What the radio did in the background since: an association moves the access point."""
        if self._follow_pending and self._joined is not None and time.monotonic() >= self._assoc_at:
            self._follow_pending = False
            self._follow_channel(self._joined.channel)

    def _check_link(self) -> bool:
        """True while the station is associated with a network that is still there with the same
        password (whether or not it has an address)."""
        self._sync()
        if self._joined is None:
            return False
        current = _sim.current().world.joinable(self._joined.raw, self._joined_password)
        if current is None:
            self._drop_station()
            return False
        self._joined = current
        return time.monotonic() >= self._assoc_at

    def _has_address(self) -> bool:
        """True when the station is associated and has an address (DHCP's, or a static one)."""
        if not self._check_link():
            return False
        if self._static is not None:
            return True
        return self._ip_at is not None and time.monotonic() >= self._ip_at

    def _drop_station(self) -> None:
        self._joined = None
        self._follow_pending = False
        for sock in list(self.sockets):
            sock._abort()
        self.sockets.clear()

    def _join(self, network: WorldNetwork, password: str, start: float) -> None:
        """The station joins ``network`` (a join begun at ``start``): associated halfway through
        its ``join_s`` (the split is the simulator's choice), its address at the end, or never:
        from a router without DHCP, or with DHCP stopped and no static address."""
        self._joined = network
        self._joined_password = password
        self._assoc_at = start + network.join_s / 2
        dhcp_answers = network.dhcp and self._dhcp
        self._ip_at = start + network.join_s if dhcp_answers or self._static is not None else None
        self._follow_pending = True
        self._sync()

    @property
    def connected(self) -> bool:
        """True when joined: espressif, once associated (``esp_netif_is_netif_up``, up from
        WIFI_EVENT_STA_CONNECTED, before DHCP); raspberrypi, with an address (CYW43_LINK_UP)."""
        return self._check_link() if self._port == "espressif" else self._has_address()

    def _unaddressed(self) -> ipaddress.IPv4Address | None:
        # What an address getter gives without an address: 0.0.0.0 on espressif while associated
        # (the netif is up, its ip_info still zero), else None.
        if self._port == "espressif" and self._check_link():
            return ipaddress.IPv4Address(_NO_ADDRESS)
        return None

    @property
    def ipv4_address(self) -> ipaddress.IPv4Address | None:
        """The station's address; None when not joined (0.0.0.0 on espressif while DHCP is awaited)."""
        if not self._has_address():
            return self._unaddressed()
        if self._static is not None:
            return ipaddress.IPv4Address(str(self._static["ipv4"]))
        return ipaddress.IPv4Address(STATION_IP)

    def _address(self, key: str, dhcp_value: str) -> ipaddress.IPv4Address | None:
        # What DHCP gives the station, or what set_ipv4_address set.
        if not self._has_address():
            return self._unaddressed()
        return (
            ipaddress.IPv4Address(str(self._static[key]))
            if self._static is not None
            else ipaddress.IPv4Address(dhcp_value)
        )

    @property
    def ipv4_gateway(self) -> ipaddress.IPv4Address | None:
        """The station's gateway, or None."""
        return self._address("gateway", GATEWAY)

    @property
    def ipv4_subnet(self) -> ipaddress.IPv4Address | None:
        """The station's netmask, or None."""
        return self._address("netmask", NETMASK)

    @property
    def ipv4_dns(self) -> ipaddress.IPv4Address | None:
        """The DNS server while joined (DHCP's, or the one set_ipv4_address or this setter gave), else None."""
        if self._has_address() or (self._dns_set and self._port == "espressif" and self._check_link()):
            return self._dns
        return self._unaddressed()

    @ipv4_dns.setter
    def ipv4_dns(self, value: Any) -> None:
        if not isinstance(value, ipaddress.IPv4Address):
            raise TypeError(f"ipv4_dns must be of type IPv4Address, not {type(value).__name__}")
        self._dns = value
        self._dns_set = True

    @property
    def ap_info(self) -> Network | None:
        """The network joined, or None. raspberrypi: ``common_hal_wifi_radio_get_ap_info`` is
        ``mp_raise_NotImplementedError(NULL)`` (hardware-truth.md section 1)."""
        if self._port == "raspberrypi":
            raise NotImplementedError
        # espressif: once the netif is up (associated), with or without an address.
        return Network(self._joined, self._port) if self._check_link() and self._joined else None

    @property
    def mac_address(self) -> bytes:
        """The station MAC."""
        return self._mac

    @property
    def mac_address_ap(self) -> bytes:
        """The access point MAC: the station MAC + 1 on ESP32, the station MAC itself on the CYW43."""
        return self._mac_ap

    @property
    def hostname(self) -> str:
        """The name the station gives DHCP; checked as shared-bindings ``wifi_radio_set_hostname``
        does (``ValueError`` for a bad one)."""
        return self._hostname

    @hostname.setter
    def hostname(self, value: str | bytes) -> None:
        name = _as_bytes(value, "hostname")
        if not 1 <= len(name) <= 253:  # mp_arg_validate_length_range(hostname.len, 1, 253)
            raise ValueError("hostname length must be 1-253")
        if not _hostname_valid(name):
            raise ValueError("invalid hostname")
        self._hostname = name.decode()

    def start_station(self) -> None:
        """Enable the station interface."""

    def stop_station(self) -> None:
        """Disable the station interface (leaving any network)."""
        self._drop_station()

    def start_dhcp(self, *, ipv4: bool = True, ipv6: bool = False) -> None:
        """Get the station's address by DHCP (IPv4 only here: the simulated networks have no IPv6)."""
        self._dhcp = True
        self._static = None
        self._dns = ipaddress.IPv4Address(GATEWAY)  # the lease brings the router's again
        self._dns_set = False

    def stop_dhcp(self) -> None:
        """Stop DHCP (before a static address)."""
        self._dhcp = False

    def set_ipv4_address(self, *, ipv4: Any, netmask: Any, gateway: Any, ipv4_dns: Any = None) -> None:
        """Set a static station address; stops DHCP."""
        for name, value in (("ipv4", ipv4), ("netmask", netmask), ("gateway", gateway)):
            if not isinstance(value, ipaddress.IPv4Address):
                raise TypeError(f"{name} must be of type IPv4Address, not {type(value).__name__}")
        self._dhcp = False  # "Must stop station DHCP to set a manual address"
        self._static = {"ipv4": ipv4, "netmask": netmask, "gateway": gateway}
        if ipv4_dns is not None:  # as CircuitPython: without one, the DNS server stays as it was
            self.ipv4_dns = ipv4_dns

    def connect(
        self,
        ssid: str | bytes,
        password: str | bytes = b"",
        *,
        channel: int = 0,
        bssid: bytes | None = None,
        timeout: float | None = None,
    ) -> None:
        """Join ``ssid`` (text or the bytes of its name) and wait for an address, as the port does;
        raises ConnectionError with CircuitPython's messages when that fails."""
        ssid_bytes = _as_bytes(ssid, "ssid")
        password_bytes = _as_bytes(password, "password") if password is not None else b""
        if not 1 <= len(ssid_bytes) <= 32:
            raise ValueError("ssid length must be 1-32")
        if password_bytes:
            _check_password(password_bytes)
        if bssid is not None and len(_as_bytes(bssid, "bssid")) != 6:
            raise ValueError("Invalid BSSID")
        timeout_s = 0.0 if timeout is None else float(timeout)
        if not self.enabled:
            raise RuntimeError("WiFi is not enabled")
        # Both ports: already joined to that name, with an address, is success at once
        # (espressif: WIFI_CONNECTED_BIT and the same ssid; raspberrypi: connection_unchanged).
        if self._joined is not None and self._joined.raw == ssid_bytes and self._has_address():
            return
        self._drop_station()  # both leave the network they were on first
        start = time.monotonic()
        world = _sim.current().world
        found = world.find(ssid_bytes)
        join_s = found.join_s if found is not None else JOIN_S
        text_password = password_bytes.decode(errors="replace")
        if self._port == "raspberrypi":
            self._connect_cyw43(ssid_bytes, text_password, start, join_s, timeout_s)
        else:
            self._connect_esp(ssid_bytes, text_password, start, join_s)

    def _outcome(self, ssid: bytes, password: str) -> WorldNetwork:
        """The network joined at the end of the join, or the ConnectionError the port raises."""
        network = _sim.current().world.find(ssid)
        if network is None:
            raise ConnectionError("No network with that ssid")
        if not network.accepts(password):
            raise ConnectionError("Authentication failure")
        return network

    def _connect_cyw43(self, ssid: bytes, password: str, start: float, join_s: float, timeout_s: float) -> None:
        # ports/raspberrypi/common-hal/wifi/Radio.c common_hal_wifi_radio_connect: polls the link
        # until the deadline; UP is success, FAIL/NONET/BADAUTH their errors, the deadline
        # WIFI_RADIO_ERROR_UNSPECIFIED ("Unknown failure 1"). cyw43_arch_wifi_connect_async goes
        # on after that: the join may complete (and DHCP answer) later.
        deadline = start + (timeout_s if timeout_s > 0 else _CYW43_DEFAULT_TIMEOUT_S)
        done_at = start + join_s
        time.sleep(max(0.0, min(deadline, done_at) - time.monotonic()))
        if done_at <= deadline:
            network = self._outcome(ssid, password)
            self._join(network, password, start)
            if self._has_address():
                return
            time.sleep(max(0.0, deadline - time.monotonic()))  # joined, no address (CYW43_LINK_NOIP)
        else:
            network_now = _sim.current().world.joinable(ssid, password)
            if network_now is not None:
                self._join(network_now, password, start)  # still joining when connect() gave up
        raise ConnectionError(f"Unknown failure {_UNSPECIFIED}")

    def _connect_esp(self, ssid: bytes, password: str, start: float, join_s: float) -> None:
        # ports/espressif/common-hal/wifi/Radio.c common_hal_wifi_radio_connect: loops until
        # WIFI_CONNECTED_BIT (IP_EVENT_STA_GOT_IP) or WIFI_DISCONNECTED_BIT, or until
        # mp_hal_is_interrupted(); the timeout only zeroes retries_left. So a join slower than the
        # timeout is waited for, and one that DHCP never answers until a disconnect or an
        # interrupt, which only the watchdog in RAISE mode can bring (hardware-truth.md section 5).
        # Whether ESP-IDF's DHCP client ever gives up and disconnects by itself is not known
        # here: it is taken not to (the harsher case).
        runtime = _sim.current()
        done_at = start + join_s
        joined = False
        while True:
            if runtime.interrupted():
                # Neither bit is set: connect() returns and the VM raises the pending exception.
                # The join goes on in the background (associated, without an address, on a
                # router without DHCP).
                if not joined:
                    network = runtime.world.joinable(ssid, password)
                    if network is not None:
                        self._join(network, password, start)
                exception = runtime.take_pending()
                if exception is not None:
                    raise exception
            if not joined and time.monotonic() >= done_at:
                self._join(self._outcome(ssid, password), password, start)
                joined = True
            if joined:
                if self._has_address():
                    return
                if not self._check_link():
                    # Disconnected while waiting for DHCP: the retry finds no network (201) or
                    # fails the handshake (15), as the world now has it.
                    self._outcome(ssid, password)
                    raise ConnectionError("No network with that ssid")
            time.sleep(_POLL_S)

    # -- scanning --------------------------------------------------------------------------

    def start_scanning_networks(self, *, start_channel: int = 1, stop_channel: int = 11) -> ScannedNetworks:
        """Scan; returns the networks as they are found (see ``ScannedNetworks``)."""
        # shared-bindings: each channel 1-14, swapped if given the wrong way round.
        for name, value in (("start_channel", start_channel), ("stop_channel", stop_channel)):
            if not 1 <= value <= 14:
                raise ValueError(f"{name} must be 1-14")
        if start_channel > stop_channel:
            start_channel, stop_channel = stop_channel, start_channel
        if self._scan is not None:
            raise RuntimeError("Already scanning for wifi networks")
        if not self.enabled:
            raise RuntimeError("WiFi is not enabled")
        networks = _sim.current().world.networks
        now = time.monotonic()
        arrivals: list[tuple[float, Network]] = []
        if self._port == "espressif":
            # ScannedNetworks.c: one channel at a time in scan_pattern's order, only those in
            # range; ESP-IDF reports each access point once per channel scan.
            channels = [c for c in _ESP_SCAN_PATTERN if start_channel <= c <= stop_channel]
            step = SCAN_S / len(channels)
            for index, channel in enumerate(channels):
                heard = sorted((n for n in networks if n.channel == channel), key=lambda n: -n.rssi)
                seen: set[bytes] = set()
                for found in heard:
                    if found.bssid not in seen:
                        seen.add(found.bssid)
                        arrivals.append((now + (index + 1) * step, Network(found, self._port)))
            scan = ScannedNetworks(self, arrivals, deque(), None)
        else:
            # ScannedNetworks.c: the channel bounds are ignored, every beacon (and probe answer)
            # the CYW43 hears goes through the 16-entry ring, repeats and hidden ones included.
            # The order (channel by channel, a network's repeats among its neighbours') is a guess.
            beacons: list[WorldNetwork] = []
            for channel in range(1, 15):
                on_channel = [n for n in networks if n.channel == channel]
                for repeat in range(max((n.beacons for n in on_channel), default=0)):
                    beacons += [n for n in on_channel if n.beacons > repeat]
            step = SCAN_S / max(len(beacons), 1)
            arrivals = [(now + (i + 1) * step, Network(n, self._port)) for i, n in enumerate(beacons)]
            scan = ScannedNetworks(self, arrivals, self._ring, _CYW43_SCAN_RING)
        self._scan = scan
        return scan

    def _scan_finished(self, scan: ScannedNetworks) -> None:
        # raspberrypi: the last result clears current_scan; espressif keeps it until
        # stop_scanning_networks ("Already scanning" until then).
        if self._port == "raspberrypi" and self._scan is scan:
            self._scan = None

    def stop_scanning_networks(self) -> None:
        """End a scan."""
        if self._scan is not None:
            self._scan._stop()
        self._scan = None

    # -- access point ----------------------------------------------------------------------

    def start_ap(
        self,
        ssid: str | bytes,
        password: str | bytes = b"",
        *,
        channel: int = 1,
        authmode: Sequence[str] = (),
        max_connections: int = 4,
    ) -> None:
        """Start the access point, checking the arguments as CircuitPython does."""
        ssid_bytes = _as_bytes(ssid, "ssid")
        password_bytes = _as_bytes(password, "password")
        modes = set(authmode)
        if not 1 <= len(ssid_bytes) <= 32:
            raise ValueError("ssid length must be 1-32")
        if not modes:
            modes = {AuthMode.OPEN} if not password_bytes else {AuthMode.WPA, AuthMode.WPA2, AuthMode.PSK}
        if not 1 <= channel <= 13:
            raise ValueError("channel must be 1-13")
        if modes == {AuthMode.OPEN} and password_bytes:
            raise ValueError("AuthMode.OPEN is not used with password")
        if modes != {AuthMode.OPEN}:
            _check_password(password_bytes)
        if self._port == "raspberrypi":
            if not self.enabled:
                raise RuntimeError("WiFi is not enabled")
            if self._ap_started_once:
                # Radio.c start_ap: "If the AP is stopped once it cannot be restarted", and it stops
                # the AP itself before starting it, so any second start in a boot fails; the link
                # never comes up, the AP is stopped, "AP could not be started" (hardware-truth 4).
                self.stop_ap()
                raise RuntimeError("AP could not be started")
        else:
            if modes not in _ESP_AP_AUTHMODES:
                raise ValueError("Invalid authmode")
            if not 0 <= max_connections <= 10:
                raise ValueError("max_connections must be 0-10")
        # "the access point will use that channel unless a station is already operating on a
        # different channel" (shared-bindings start_ap).
        if self._check_link() and self._joined is not None:
            channel = self._joined.channel
        self._ap = {"ssid": ssid_bytes.decode(errors="replace"), "password": password_bytes, "channel": channel}
        self._ap_started_once = True
        _sim.current().report(ap=self._ap["ssid"])

    def stop_ap(self) -> None:
        """Stop the access point (the phones on it drop off)."""
        self._ap = None
        self._phone_at = None
        _sim.current().report(ap=None)

    def _follow_channel(self, channel: int) -> None:
        """The station is on ``channel``: the access point moves there (hardware-truth.md section 8:
        ESP-IDF's soft-AP "will adjust its channel automatically to be the same as the channel of
        the ESP32 station"; the CYW43 has one radio too, so the simulator does the same there, the
        harsher plausible case). A phone does not follow: it drops off, its connections to the
        portal die (reset once it is back, silent until then) and new ones are refused until it
        rejoins, ``PHONE_REJOIN_S`` later."""
        if self._ap is None or self._ap["channel"] == channel:
            return
        self._ap["channel"] = channel
        back_at = time.monotonic() + PHONE_REJOIN_S
        self._phone_at = None
        for sock in list(self.ap_sockets):
            sock._phone_left(back_at)

    @property
    def ap_active(self) -> bool:
        """True while the access point is up."""
        return self._ap is not None

    @property
    def ipv4_address_ap(self) -> ipaddress.IPv4Address | None:
        """The access point's address (192.168.4.1), or None."""
        return ipaddress.IPv4Address(AP_IP) if self._ap is not None else None

    @property
    def ipv4_gateway_ap(self) -> ipaddress.IPv4Address | None:
        """The access point's gateway, or None."""
        return self.ipv4_address_ap

    @property
    def ipv4_subnet_ap(self) -> ipaddress.IPv4Address | None:
        """The access point's netmask, or None."""
        return ipaddress.IPv4Address(NETMASK) if self._ap is not None else None

    def _phone_seen(self) -> None:
        """A client reached the portal: a phone is on the access point."""
        self._phone_at = time.monotonic()

    @property
    def stations_ap(self) -> list[_Station] | None:
        """The phones on the access point, or None while it is down (both ports return None
        then, hardware-truth.md section 2). The simulator counts one phone while the portal has
        had a client in the last ``PHONE_WINDOW_S``; raspberrypi knows no RSSI (None)."""
        self._sync()
        if self._ap is None:
            return None
        if self._phone_at is None or time.monotonic() - self._phone_at > PHONE_WINDOW_S:
            return []
        rssi = -40 if self._port == "espressif" else None
        return [_Station(bytes.fromhex("02AABBCCDDEE"), rssi, PHONE_IP)]


radio = Radio()

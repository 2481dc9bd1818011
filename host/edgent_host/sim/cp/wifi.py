"""``wifi`` for the simulator: a radio that sees the networks of the world file.

As CircuitPython's: ``connect()`` raises ``ConnectionError("No network with that ssid")`` or
``ConnectionError("Authentication failure")``; ``start_ap`` checks its arguments the way
``shared-bindings/wifi/Radio.c`` does; a scan yields ``wifi.Network`` objects whose ``authmode``
is a sequence of ``wifi.AuthMode``. A network removed from the world drops the station and the
sockets that went through it.
"""

from __future__ import annotations

import ipaddress
import time
from collections.abc import Iterator, Sequence
from typing import Any

from edgent_host.sim import runtime as _sim
from edgent_host.sim.world import (
    AP_IP,
    GATEWAY,
    JOIN_S,
    NETMASK,
    PHONE_IP,
    PHONE_WINDOW_S,
    SCAN_S,
    STATION_IP,
)
from edgent_host.sim.world import Network as WorldNetwork


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


class Network:
    """A network seen in a scan, or the one joined (``radio.ap_info``)."""

    def __init__(self, source: WorldNetwork) -> None:
        self.ssid = source.ssid
        self.bssid = source.bssid
        self.rssi = source.rssi
        self.channel = source.channel
        self.country = "US"
        self.authmode = list(_AUTHMODES[source.security])

    def __repr__(self) -> str:
        return f"<Network {self.ssid!r} {self.rssi} dBm ch{self.channel}>"


class _Station:
    def __init__(self, mac: bytes, rssi: int, ipv4: str) -> None:
        self.mac_address = mac
        self.rssi = rssi
        self.ipv4_address = ipaddress.IPv4Address(ipv4)


def _as_bytes(value: str | bytes | bytearray, name: str) -> bytes:
    if isinstance(value, str):
        return value.encode()
    if isinstance(value, bytes | bytearray):
        return bytes(value)
    raise TypeError(f"{name} must be of type str or bytes, not {type(value).__name__}")


class Radio:
    """The board's WiFi radio (``wifi.radio``)."""

    def __init__(self) -> None:
        board = _sim.current().board
        self._mac = bytes(board.mac)
        self._mac_ap = board.ap_mac
        self.enabled = True
        self.hostname = "espressif" if board.port == "espressif" else "cyw43"
        self.tx_power = 20.0
        self.power_management = None
        self._joined: WorldNetwork | None = None
        self._joined_password = ""
        self._has_ip = False
        self._dhcp = True
        self._static: dict[str, Any] | None = None
        self._dns = ipaddress.IPv4Address(GATEWAY)
        self._ap: dict[str, Any] | None = None
        self._scanning = False
        self._ap_started_once = False
        self._phone_at: float | None = None
        self.sockets: set[Any] = set()  # station-side sockets, aborted when the link drops

    # -- station ---------------------------------------------------------------------------

    def _check_link(self) -> bool:
        """True while the joined network is still there with the same password."""
        if self._joined is None:
            return False
        current = _sim.current().world.joinable(self._joined.ssid, self._joined_password)
        if current is None:
            self._drop_station()
            return False
        self._joined = current
        return True

    def _drop_station(self) -> None:
        self._joined = None
        self._has_ip = False
        for sock in list(self.sockets):
            sock._abort()
        self.sockets.clear()

    @property
    def connected(self) -> bool:
        """True when joined to a network."""
        return self._check_link()

    @property
    def ipv4_address(self) -> ipaddress.IPv4Address | None:
        """The station's address, or None."""
        if not self._check_link() or not self._has_ip:
            return None
        if self._static is not None:
            return ipaddress.IPv4Address(str(self._static["ipv4"]))
        return ipaddress.IPv4Address(STATION_IP)

    def _address(self, key: str, dhcp_value: str) -> ipaddress.IPv4Address | None:
        # What DHCP gives the station, or what set_ipv4_address set; None while not joined.
        if self.ipv4_address is None:
            return None
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
        return self._dns if self.ipv4_address is not None else None

    @ipv4_dns.setter
    def ipv4_dns(self, value: Any) -> None:
        if not isinstance(value, ipaddress.IPv4Address):
            raise TypeError(f"ipv4_dns must be of type IPv4Address, not {type(value).__name__}")
        self._dns = value

    @property
    def ap_info(self) -> Network | None:
        """The network joined, or None."""
        return Network(self._joined) if self._check_link() and self._joined else None

    @property
    def mac_address(self) -> bytes:
        """The station MAC."""
        return self._mac

    @property
    def mac_address_ap(self) -> bytes:
        """The access point MAC (the station MAC + 1, as on ESP32)."""
        return self._mac_ap

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

    def stop_dhcp(self) -> None:
        """Stop DHCP (before a static address)."""
        self._dhcp = False

    def set_ipv4_address(self, *, ipv4: Any, netmask: Any, gateway: Any, ipv4_dns: Any = None) -> None:
        """Set a static station address; stops DHCP."""
        for name, value in (("ipv4", ipv4), ("netmask", netmask), ("gateway", gateway)):
            if not isinstance(value, ipaddress.IPv4Address):
                raise TypeError(f"{name} must be of type IPv4Address, not {type(value).__name__}")
        self._dhcp = False
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
        """Join ``ssid``; raises ConnectionError with CircuitPython's messages when that fails."""
        ssid_bytes = _as_bytes(ssid, "ssid")
        password_bytes = _as_bytes(password, "password")
        if not 1 <= len(ssid_bytes) <= 32:
            raise ValueError("ssid length must be 1-32")
        if len(password_bytes) not in (0,) and not 8 <= len(password_bytes) <= 64:
            raise ValueError("password length must be 8-64")
        if not self.enabled:
            raise RuntimeError("WiFi is off")
        time.sleep(JOIN_S)
        self._drop_station()
        network = _sim.current().world.find(ssid_bytes.decode(errors="replace"))
        if network is None:
            raise ConnectionError("No network with that ssid")
        if not network.accepts(password_bytes.decode(errors="replace")):
            raise ConnectionError("Authentication failure")
        self._joined = network
        self._joined_password = network.password
        self._has_ip = network.dhcp or not self._dhcp

    # -- scanning --------------------------------------------------------------------------

    def start_scanning_networks(self, *, start_channel: int = 1, stop_channel: int = 11) -> Iterator[Network]:
        """Scan; yields the networks of the world (CircuitPython's is an iterable too)."""
        if self._scanning:
            raise RuntimeError("Already scanning for wifi networks")
        if not 1 <= start_channel <= stop_channel <= 14:
            raise ValueError("channel must be 1-14")
        self._scanning = True
        time.sleep(SCAN_S)
        return iter([Network(n) for n in _sim.current().world.networks if start_channel <= n.channel <= 14])

    def stop_scanning_networks(self) -> None:
        """End a scan."""
        self._scanning = False

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
        if not 1 <= len(ssid_bytes) <= 32:
            raise ValueError("ssid length must be 1-32")
        if not 1 <= channel <= 13:
            raise ValueError("channel must be 1-13")
        if password_bytes and not 8 <= len(password_bytes) <= 64:
            raise ValueError("password length must be 8-64")
        if AuthMode.OPEN in authmode and password_bytes:
            raise ValueError("AuthMode.OPEN is not used with password")
        if not 0 <= max_connections <= 10:
            raise ValueError("max_connections must be 0-10")
        board = _sim.current().board
        if board.port == "raspberrypi" and self._ap_started_once and self._ap is None:
            # shared-bindings/wifi/Radio.c: on the CYW43 the AP starts and stops once per boot.
            raise RuntimeError("Wifi is not enabled")
        self._ap = {"ssid": ssid_bytes.decode(), "password": password_bytes.decode(), "channel": channel}
        self._ap_started_once = True
        _sim.current().report(ap=self._ap["ssid"])

    def stop_ap(self) -> None:
        """Stop the access point (the phones on it drop off)."""
        self._ap = None
        self._phone_at = None
        _sim.current().report(ap=None)

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
    def stations_ap(self) -> tuple[_Station, ...]:
        """The phones on the access point: the simulator counts one while the portal has had a
        client in the last ``PHONE_WINDOW_S`` (a phone stays joined for a while after its last request)."""
        if self._ap is None or self._phone_at is None or time.monotonic() - self._phone_at > PHONE_WINDOW_S:
            return ()
        return (_Station(bytes.fromhex("02AABBCCDDEE"), -40, PHONE_IP),)


radio = Radio()

"""The WiFi networks around a simulated device, from a JSON world file that may change while it runs.

``{"networks": [{"ssid", "password", "security", "rssi", "channel", "bssid", "internet"}]}``;
``security`` is one of Blynk's ``sec`` strings (``OPEN``, ``WEP``, ``WPA``, ``WPA2``,
``WPA+WPA2``, ``WPA2+WPA3``, ``WPA3``, ``WPA2-EAP``), ``internet`` false for a network that does
not reach the cloud. Optional: ``dhcp`` (false: the router hands out no address).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# The simulated network, the same for both radios (sim/cp/wifi.py and the NINA emulator, sim/nina):
JOIN_S = 0.15  # a join takes time on a board; a little here keeps races honest
SCAN_S = 0.2  # and so does a scan
STATION_IP = "192.168.1.50"  # what DHCP gives the station
GATEWAY = "192.168.1.1"  # the router, which is also the DNS server DHCP hands out
NETMASK = "255.255.255.0"  # of the station's network and of the access point's
AP_IP = "192.168.4.1"  # the device's own access point (its portal is http://192.168.4.1/)
PHONE_IP = "192.168.4.2"  # a phone on that access point: the peer of every portal client
PHONE_WINDOW_S = 30.0  # a phone stays on the access point this long after its last connection

SECURITIES = ("OPEN", "WEP", "WPA", "WPA2", "WPA+WPA2", "WPA2+WPA3", "WPA3", "WPA2-EAP")

DEFAULT_WORLD: dict[str, Any] = {
    "networks": [
        {
            "ssid": "HomeNet",
            "password": "correct horse battery",
            "security": "WPA2",
            "rssi": -48,
            "channel": 6,
            "bssid": "AA:BB:CC:00:11:22",
            "internet": True,
        },
        {
            "ssid": "CoffeeShop",
            "password": "",
            "security": "OPEN",
            "rssi": -67,
            "channel": 1,
            "bssid": "AA:BB:CC:00:33:44",
            "internet": False,
        },
        {
            "ssid": "Neighbour",
            "password": "not-our-network",
            "security": "WPA+WPA2",
            "rssi": -83,
            "channel": 11,
            "bssid": "AA:BB:CC:00:55:66",
            "internet": True,
        },
    ]
}


@dataclass(frozen=True)
class Network:
    """One network the radio can see."""

    ssid: str
    password: str
    security: str
    rssi: int
    channel: int
    bssid: bytes
    internet: bool
    dhcp: bool

    @classmethod
    def from_json(cls, item: dict[str, Any]) -> Network:
        """Build a Network from one entry of the world file, checking each field."""
        ssid = item["ssid"]
        if not isinstance(ssid, str) or not 1 <= len(ssid.encode()) <= 32:
            raise ValueError(f"world: ssid must be 1 to 32 bytes, got {ssid!r}")
        security = item.get("security", "WPA2")
        if security not in SECURITIES:
            raise ValueError(f"world: {ssid}: security must be one of {', '.join(SECURITIES)}")
        bssid = bytes.fromhex(str(item.get("bssid", "02:00:00:00:00:01")).replace(":", ""))
        if len(bssid) != 6:
            raise ValueError(f"world: {ssid}: bssid must be 6 bytes")
        return cls(
            ssid=ssid,
            password=str(item.get("password", "")),
            security=security,
            rssi=int(item.get("rssi", -60)),
            channel=int(item.get("channel", 1)),
            bssid=bssid,
            internet=bool(item.get("internet", True)),
            dhcp=bool(item.get("dhcp", True)),
        )

    def accepts(self, password: str) -> bool:
        """True when a station with ``password`` may join (an open network takes any password)."""
        return self.security == "OPEN" or password == self.password


class World:
    """The networks of a world file, re-read whenever the file changes."""

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.path = Path(path) if path else None
        self._stamp: int | None = None
        self._networks: tuple[Network, ...] = ()
        self._load(DEFAULT_WORLD if self.path is None else None)

    def _load(self, data: dict[str, Any] | None) -> None:
        if data is None:
            assert self.path is not None
            # The time before the text: a rewrite between the two leaves the file newer than the
            # time kept, so the next look reads it again (the other order would never see it).
            stamp = self.path.stat().st_mtime_ns
            data = json.loads(self.path.read_text())
            self._stamp = stamp
        networks = data.get("networks")
        if not isinstance(networks, list):
            raise ValueError('world: expected {"networks": [...]}')
        self._networks = tuple(Network.from_json(item) for item in networks)

    @property
    def networks(self) -> tuple[Network, ...]:
        """The networks now, after re-reading the file if it changed."""
        if self.path is not None:
            try:
                stamp = self.path.stat().st_mtime_ns
                if stamp != self._stamp:
                    self._load(None)
            except (OSError, ValueError):
                pass  # a file being rewritten: keep the last good world
        return self._networks

    def find(self, ssid: str) -> Network | None:
        """Return the network called ``ssid``, or None."""
        for network in self.networks:
            if network.ssid == ssid:
                return network
        return None

    def joinable(self, ssid: str, password: str) -> Network | None:
        """Return the network called ``ssid`` if a station with ``password`` may join it, else None."""
        network = self.find(ssid)
        return network if network is not None and network.accepts(password) else None

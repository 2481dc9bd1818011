# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The WiFi networks around a simulated device, from a JSON world file that may change while it runs.

``{"networks": [{"ssid", "password", "security", "rssi", "channel", "bssid", "internet"}]}``;
``security`` is one of Blynk's ``sec`` strings (``OPEN``, ``WEP``, ``WPA``, ``WPA2``,
``WPA+WPA2``, ``WPA2+WPA3``, ``WPA3``, ``WPA2-EAP``), ``internet`` false for a network that does
not reach the cloud. Optional, for a hard world (``../shared/docs/hardware-truth.md``):

- ``ssid_hex``: the name as the bytes in the air, hex (``"436166e9"``: Latin-1 "Café", not UTF-8),
  instead of ``ssid`` (which may stay beside it, as a note);
- ``join_s``: how long the router takes to associate and answer DHCP (default ``JOIN_S``);
- ``dhcp``: false for a router that hands out no address;
- ``hidden``: true for a network whose beacons carry no name (it is joined by name all the same);
- ``beacons``: how many times a raw scan sees it (radios that do not merge repeated beacons);
- ``channel``: 1 to 13 (12 and 13 are outside the US range some scans stop at).
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
# A phone dropped when the access point moves to the station's channel is back this long after
# (hardware-truth.md section 8; a guess: phones rejoin a known network within seconds).
PHONE_REJOIN_S = 3.0

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

# A block of flats: the default networks and thirteen neighbours' (names of the lengths routers,
# printers and phones give them). What a board sees in a town, and what config mode's heap must
# hold room for: the lite edition's figures are taken in it (bench/lite.py, tests/test_lite_e2e.py).
CROWDED_WORLD: dict[str, Any] = {
    "networks": DEFAULT_WORLD["networks"]
    + [
        {
            "ssid": name,
            "password": "neighbours-only",
            "security": "WPA2",
            "rssi": -52 - 3 * index,
            "channel": 1 + index % 11,
            "bssid": "AA:BB:CC:01:%02X:00" % index,
            "internet": True,
        }
        for index, name in enumerate((
            "Vodafone-Homespot-7F3A21", "FRITZ!Box 7590 XY", "TP-Link_Extender_5G_2.4", "Apartment 4B Guest WiFi",
            "DIRECT-7E-HP OfficeJet Pro 9010", "Telekom_FON", "eduroam", "UPC Wi-Free", "NETGEAR-Orbi-Satellite-93",
            "Samsung Smart TV 55 Living", "Zyxel_A1B2C3_5GHz_Ext", "iPhone von Maximilian M.", "HUAWEI-B535-8D2F",
        ))
    ]
}  # fmt: skip


@dataclass(frozen=True)
class Network:
    """One network the radio can see. ``raw`` is its name as bytes (what the air carries);
    ``ssid`` the same as text, with any byte that is not UTF-8 replaced (for logs and matching
    what a device sends as text)."""

    ssid: str
    password: str
    security: str
    rssi: int
    channel: int
    bssid: bytes
    internet: bool
    dhcp: bool
    raw: bytes = b""
    join_s: float = JOIN_S
    hidden: bool = False
    beacons: int = 1

    @property
    def utf8(self) -> bool:
        """True when the name is valid UTF-8 (else reading it as text fails on a board)."""
        try:
            self.raw.decode("utf-8")
        except UnicodeDecodeError:
            return False
        return True

    @classmethod
    def from_json(cls, item: dict[str, Any]) -> Network:
        """Build a Network from one entry of the world file, checking each field."""
        if "ssid_hex" in item:
            raw = bytes.fromhex(str(item["ssid_hex"]))
        else:
            if not isinstance(item.get("ssid"), str):
                raise ValueError(f"world: ssid must be text (or give ssid_hex), got {item.get('ssid')!r}")
            raw = item["ssid"].encode()
        if not 1 <= len(raw) <= 32:
            raise ValueError(f"world: ssid must be 1 to 32 bytes, got {raw!r}")
        ssid = raw.decode("utf-8", "replace")
        channel = int(item.get("channel", 1))
        if not 1 <= channel <= 13:
            raise ValueError(f"world: {ssid}: channel must be 1 to 13")
        join_s = float(item.get("join_s", JOIN_S))
        beacons = int(item.get("beacons", 1))
        if join_s < 0 or beacons < 1:
            raise ValueError(f"world: {ssid}: join_s must be 0 or more and beacons 1 or more")
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
            channel=channel,
            bssid=bssid,
            internet=bool(item.get("internet", True)),
            dhcp=bool(item.get("dhcp", True)),
            raw=raw,
            join_s=join_s,
            hidden=bool(item.get("hidden", False)),
            beacons=beacons,
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

    def find(self, ssid: str | bytes) -> Network | None:
        """Return the network called ``ssid`` (text, or the bytes of its name), or None."""
        raw = ssid if isinstance(ssid, bytes) else ssid.encode()
        for network in self.networks:
            if network.raw == raw:
                return network
        return None

    def joinable(self, ssid: str | bytes, password: str) -> Network | None:
        """Return the network called ``ssid`` if a station with ``password`` may join it, else None."""
        network = self.find(ssid)
        return network if network is not None and network.accepts(password) else None

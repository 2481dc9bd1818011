# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The devices the local cloud knows: token, template, pin values, info, metadata, events, connection.

Everything here is touched only from the server's event loop, so it needs no locks.
"""

from __future__ import annotations

import datetime
import secrets
import string
from dataclasses import dataclass, field
from typing import Any, Protocol

from edgent_host.cloud.frames import Arg

TOKEN_ALPHABET = string.ascii_letters + string.digits + "_-"
TOKEN_LENGTH = 32
DEFAULT_TEMPLATE_ID = "TMPL_LOCAL"


def redact(token: str) -> str:
    """The form of a token fit for logs: its first 4 characters, then ``...``."""
    return token[:4] + "..."


def new_token() -> str:
    """A fresh auth token shaped like Blynk's: 32 random characters of A-Z a-z 0-9 _ -."""
    return "".join(secrets.choice(TOKEN_ALPHABET) for _ in range(TOKEN_LENGTH))


def pin_key(pin: str) -> str:
    """The key a virtual pin is stored under, ``V5``, from ``5`` (device frames) or ``V5``/``v5`` (HTTP)."""
    pin = pin.strip()
    if pin[:1] in ("V", "v"):
        pin = pin[1:]
    return "V" + pin


def pin_number(key: str) -> str:
    """The pin as devices write it in frames: ``5`` for ``V5``."""
    return key[1:]


def _sort_key(key: str) -> tuple[int, str]:
    number = pin_number(key)
    return (int(number), "") if number.isdigit() else (1 << 30, number)


def plain(values: list[str]) -> str | list[str]:
    """A pin's or property's values as JSON shows them: one value as a string (the common case), a
    multi-value write as a list."""
    return values[0] if len(values) == 1 else list(values)


class Link(Protocol):
    """What a device's live connection offers the rest of the server."""

    peer: str

    def send(self, command: int, *args: Arg, msg_id: int | None = None) -> None:
        """Queue a frame to the device (a fresh message id unless ``msg_id`` is given)."""

    def close(self, reason: str) -> None:
        """Close the connection; the device goes offline once it is closed."""


@dataclass
class Event:
    """One logged event (EVENT_LOG frame or ``/external/api/logEvent``)."""

    code: str
    description: str | None = None


@dataclass
class Device:
    """A device and what the cloud knows about it. ``link`` is its open, logged-in connection, if any."""

    token: str
    template_id: str = DEFAULT_TEMPLATE_ID
    name: str = "Device"
    pins: dict[str, list[str]] = field(default_factory=dict)
    properties: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    info: dict[str, str] = field(default_factory=dict)
    metadata: dict[str, str] = field(default_factory=dict)
    events: list[Event] = field(default_factory=list)
    connections: int = 0
    last_login: datetime.datetime | None = None
    link: Link | None = field(default=None, repr=False, compare=False)

    @property
    def online(self) -> bool:
        """True while the device's logged-in connection is open."""
        return self.link is not None

    def sorted_pins(self) -> list[str]:
        """The keys of pins with a value, in pin order (V0, V1, ..., V10)."""
        return sorted(self.pins, key=_sort_key)

    def to_json(self) -> dict[str, Any]:
        """The device as the ``/emulator/devices`` endpoints show it."""
        return {
            "token": self.token,
            "template_id": self.template_id,
            "name": self.name,
            "online": self.online,
            "info": dict(self.info),
            "pins": {key: plain(self.pins[key]) for key in self.sorted_pins()},
            "properties": {
                pin: {name: plain(values) for name, values in props.items()} for pin, props in self.properties.items()
            },
            "events": [{"code": e.code, "description": e.description} for e in self.events],
            "metadata": dict(self.metadata),
            "connections": self.connections,
            "last_login": self.last_login.isoformat() if self.last_login else None,
        }


class Registry:
    """All known devices, by token."""

    def __init__(self) -> None:
        """Start with no devices."""
        self._devices: dict[str, Device] = {}

    def add(self, token: str, template_id: str = DEFAULT_TEMPLATE_ID, name: str = "Device") -> Device:
        """Register a device with a given token (kept as it is if already known) and return it."""
        if token not in self._devices:
            self._devices[token] = Device(token, template_id, name)
        return self._devices[token]

    def create(self, template_id: str, name: str) -> Device:
        """Register a new device with a fresh token, as the cloud does for the Blynk app."""
        token = new_token()
        while token in self._devices:  # practically never, but a clash would merge two devices
            token = new_token()
        return self.add(token, template_id, name)

    def get(self, token: str) -> Device | None:
        """The device with this token, or None."""
        return self._devices.get(token)

    def all(self) -> list[Device]:
        """Every device, in the order they were registered."""
        return list(self._devices.values())

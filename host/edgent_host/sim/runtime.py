"""What the simulated CircuitPython modules of one device process share: the board, the world,
the addresses loopback stands in for, the pins, and the channel to the supervisor.

There is one runtime per device process (one boot); ``device.py`` creates it before ``code.py``
runs, and the modules in ``cp/`` read it through :func:`current`.
"""

from __future__ import annotations

import json
import socket
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from edgent_host.sim.boards import SimBoard
from edgent_host.sim.world import Network, World

_Cloud = TypeVar("_Cloud")

REBOOT_EXIT = 75  # microcontroller.reset(): the supervisor starts the next boot at once


def is_dotted_quad(name: str) -> bool:
    """True for a literal IPv4 address, which resolves to itself without DNS."""
    parts = name.split(".")
    return len(parts) == 4 and all(part.isdigit() and int(part) < 256 for part in parts)


def is_cloud_name(name: str) -> bool:
    """True for ``blynk.cloud`` and its regional hosts, which resolve to the local cloud."""
    return name == "blynk.cloud" or name.endswith(".blynk.cloud")


def lookup(name: str, network: Callable[[], Network | None], cloud: _Cloud) -> str | _Cloud | None:
    """What ``name`` resolves to on the simulated network, both radios' DNS: a literal IPv4 address
    is itself without asking; else ``network()`` is the network the query goes out on (None: no
    answer), and one without internet answers nothing; ``blynk.cloud`` and its regional hosts are
    ``cloud`` (each radio's stand-in for the local cloud), ``localhost`` is 127.0.0.1; other names
    do not resolve (None). ``network`` is called only when DNS is asked, as the radios look then."""
    if is_dotted_quad(name):
        return name
    joined = network()
    if joined is None or not joined.internet:
        return None
    if is_cloud_name(name):
        return cloud
    if name == "localhost":
        return "127.0.0.1"
    return None


def trusting_context(ca_file: Path | None) -> ssl.SSLContext:
    """A TLS client context trusting what the board's root bundle would: the local cloud's CA
    (``ca_file``, when there is one), else this machine's own roots."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    if ca_file is not None and ca_file.exists():
        context.load_verify_locations(cafile=str(ca_file))
    else:
        context.load_default_certs()
    return context


@dataclass
class PinState:
    """What one pin is doing: driven by the device (outputs) or by the panel (inputs)."""

    name: str
    value: bool = False  # input level (buttons) or digital output level
    output: bool = False
    duty: int | None = None  # PWM duty cycle 0..65535 when a PWMOut owns the pin
    pixels: bytes = b""  # last neopixel_write buffer (GRB)
    in_use: bool = False


@dataclass
class Runtime:
    """The simulated board's world, as one device process sees it."""

    board: SimBoard
    state_dir: Path
    code_dir: Path
    cloud: tuple[str, int]
    world: World
    portal: tuple[str, int]
    dns: tuple[str, int] | None = None
    ca_file: Path | None = None
    control: socket.socket | None = None
    pins: dict[str, PinState] = field(default_factory=dict)
    boot_monotonic: float = field(default_factory=time.monotonic)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def pin(self, name: str) -> PinState:
        """Return the state of pin ``name`` (created on first use)."""
        state = self.pins.get(name)
        if state is None:
            state = self.pins[name] = PinState(name)
            if self.board.buttons.get(name, False):
                state.value = True  # an active-low button reads high while released
        return state

    def bind_address(self, port: int, udp: bool) -> tuple[str, int]:
        """The host address a device server bound to ``port`` listens on: TCP port 80 (the portal)
        the ``--portal`` address, UDP port 53 (captive DNS) the ``--dns`` one, else a free loopback port."""
        if port == 80 and not udp:
            return self.portal
        if port == 53 and udp and self.dns is not None:
            return self.dns
        return ("127.0.0.1", 0)

    def report(self, **fields: Any) -> None:
        """Tell the supervisor something (LED colour, screen, ...), one JSON line."""
        if self.control is None:
            return
        line = (json.dumps(fields) + "\n").encode()
        with self._lock:
            try:
                self.control.sendall(line)
            except OSError:
                self.control = None

    def led_changed(self) -> None:
        """Work out the LED's colour from the pins and report it."""
        self.report(led=led_colour(self))


def led_colour(runtime: Runtime) -> str:
    """The colour a person would see on the board's status LED, as ``#RRGGBB``."""
    board = runtime.board
    if board.neopixel_pin:
        state = runtime.pins.get(board.neopixel_pin)
        if state is not None and len(state.pixels) >= 3:
            green, red, blue = state.pixels[0], state.pixels[1], state.pixels[2]
            return f"#{red:02X}{green:02X}{blue:02X}"
    for name in board.led_pins:
        state = runtime.pins.get(name)
        if state is None or not state.output:
            continue
        level = (state.duty / 65535) if state.duty is not None else (1.0 if state.value else 0.0)
        red = round(((board.led_colour >> 16) & 0xFF) * level)
        green = round(((board.led_colour >> 8) & 0xFF) * level)
        blue = round((board.led_colour & 0xFF) * level)
        return f"#{red:02X}{green:02X}{blue:02X}"
    return "#000000"


_current: Runtime | None = None


def install(runtime: Runtime) -> None:
    """Make ``runtime`` the one the simulated modules use."""
    global _current
    _current = runtime


def current() -> Runtime:
    """Return the runtime of this device process."""
    if _current is None:
        raise RuntimeError("the simulated CircuitPython modules run only inside `edgent sim`")
    return _current

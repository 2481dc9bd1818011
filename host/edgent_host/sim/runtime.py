# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""What the simulated CircuitPython modules of one device process share: the board, the world,
the addresses loopback stands in for, the pins, and the channel to the supervisor.

There is one runtime per device process (one boot); ``device.py`` creates it before ``code.py``
runs, and the modules in ``cp/`` read it through :func:`current`.

It also holds what MicroPython calls the pending exception (``MP_STATE_THREAD(mp_pending_exception)``):
an exception the watchdog, in RAISE mode, raises in the device's code from outside (see
:meth:`Runtime.schedule`), and that blocking simulated calls poll as their C counterparts call
``mp_hal_is_interrupted()``.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import ssl
import sys
import sysconfig
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any, NoReturn, TypeVar

from edgent_host.sim.boards import SimBoard
from edgent_host.sim.world import Network, World

_Cloud = TypeVar("_Cloud")

REBOOT_EXIT = 75  # microcontroller.reset(): the supervisor starts the next boot at once
RESET_REASON_FILE = "reset_reason"  # in the state folder: why the last boot ended, for the next one
RUN_REASON_FILE = "run_reason"  # in the state folder: a soft reload's supervisor.runtime.run_reason


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
    pending: BaseException | None = None  # the VM's pending exception (the watchdog's)
    reset_reason: str = "POWER_ON"  # microcontroller.cpu.reset_reason of this boot
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _pending_lock: threading.Lock = field(default_factory=threading.Lock)  # not _lock: see _on_interrupt

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

    # -- the pending exception ----------------------------------------------------------------

    def interrupted(self) -> bool:
        """``mp_hal_is_interrupted()``: an exception waits to be raised in the device's code."""
        return self.pending is not None

    def take_pending(self) -> BaseException | None:
        """Take the pending exception (a blocking simulated call that polls raises it itself)."""
        with self._pending_lock:
            exception, self.pending = self.pending, None
        return exception

    def schedule(self, exception: BaseException) -> None:
        """Make ``exception`` pending and raise it in the device's code as soon as it runs.

        As on a board, where the VM raises it at its next check (between bytecodes, in a sleep):
        the main thread is signalled until it is back in code of the device's own (code.py, the
        library, a test); while it is inside a simulated module (C code on a board) the signal
        is ignored, and a blocking call that polls (``wifi.radio.connect``) raises it instead.
        """
        with self._pending_lock:
            self.pending = exception
        if signal.getsignal(INTERRUPT_SIGNAL) is _on_interrupt:
            threading.Thread(target=self._nudge, args=(exception,), daemon=True).start()

    def _nudge(self, exception: BaseException) -> None:
        main = threading.main_thread().ident
        assert main is not None
        while self.pending is exception and signal.getsignal(INTERRUPT_SIGNAL) is _on_interrupt:
            signal.pthread_kill(main, INTERRUPT_SIGNAL)
            time.sleep(_NUDGE_S)

    # -- resets -------------------------------------------------------------------------------

    def reboot(self, reason: str | None, run_reason: str | None = None) -> NoReturn:
        """End this boot as a reset does; the next boot's ``microcontroller.cpu.reset_reason`` is
        ``reason`` (None: leave it as it was, as a soft reload does) and its
        ``supervisor.runtime.run_reason`` ``run_reason`` (None: STARTUP, a hard start)."""
        if reason is not None:
            (self.state_dir / RESET_REASON_FILE).write_text(reason)
        if run_reason is not None:
            (self.state_dir / RUN_REASON_FILE).write_text(run_reason)
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(REBOOT_EXIT)

    def take_reset_reason(self, file: str = RESET_REASON_FILE) -> str | None:
        """Why the previous boot ended, if it said so (a power cut, SIGKILL here, says nothing);
        with ``file`` RUN_REASON_FILE, the run reason a soft reload left."""
        path = self.state_dir / file
        try:
            reason = path.read_text().strip()
            path.unlink()
        except OSError:
            return None
        return reason or None


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

# The signal that brings a pending exception into the main thread, and how often it is sent.
INTERRUPT_SIGNAL = signal.SIGUSR1
_NUDGE_S = 0.01
# Code that is neither the simulator's nor the device's: the standard library and installed
# packages (Blinka, adafruit_esp32spi). A pending exception goes to the frame that called it.
_FOREIGN = tuple(sorted({sysconfig.get_paths()[key] for key in ("stdlib", "platstdlib", "purelib", "platlib")}))


def _in_simulated_call(frame: FrameType | None) -> bool:
    """True when the innermost frame that is the simulator's or the device's is the simulator's."""
    while frame is not None:
        name = str(frame.f_globals.get("__name__", ""))
        if name == "edgent_host" or name.startswith("edgent_host."):
            return True
        filename = frame.f_code.co_filename
        if not (filename.startswith("<") or filename.startswith(_FOREIGN)):
            return False  # the device's own code: code.py, CIRCUITPY/lib, a test
        frame = frame.f_back
    return True  # none of the device's code is running: keep it pending


def _on_interrupt(signum: int, frame: FrameType | None) -> None:
    # Runs in the main thread between two bytecodes, wherever it is: it takes nothing but the
    # pending exception's own lock, which nothing holds for longer than a swap.
    runtime = _current
    if runtime is None or runtime.pending is None or _in_simulated_call(frame):
        return
    exception = runtime.take_pending()
    if exception is not None:
        raise exception


def prepare_interrupts() -> bool:
    """Let a pending exception reach the main thread (call from it); False where it cannot."""
    if threading.current_thread() is not threading.main_thread():
        return False
    if signal.getsignal(INTERRUPT_SIGNAL) is not _on_interrupt:
        signal.signal(INTERRUPT_SIGNAL, _on_interrupt)
    return True


def release_interrupts() -> None:
    """Stop bringing pending exceptions in (tests that ran a device in their own process). The
    signal is then ignored rather than left to its default, which would end the process if a
    last nudge were still on its way."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(INTERRUPT_SIGNAL, signal.SIG_IGN)


def install(runtime: Runtime) -> None:
    """Make ``runtime`` the one the simulated modules use."""
    global _current
    _current = runtime
    prepare_interrupts()


def current() -> Runtime:
    """Return the runtime of this device process."""
    if _current is None:
        raise RuntimeError("the simulated CircuitPython modules run only inside `edgent sim`")
    return _current

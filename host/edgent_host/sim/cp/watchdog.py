# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""``watchdog`` for the simulator: the board's watchdog timer, ``microcontroller.watchdog``.

As CircuitPython 10 has it (``shared-bindings/watchdog/``, checked against ``circuitpython-stubs``):
the sole ``WatchDogTimer`` has ``timeout``, ``mode`` and ``feed()``, and no ``deinit()`` (removed
for 10.0.0, commit 9b3731c: ``mode = None`` turns it off). Per port (``common-hal/watchdog/
WatchDogTimer.c``):

- espressif: RAISE and RESET. On expiry in RAISE mode the task watchdog's ISR
  (``esp_task_wdt_isr_user_handler``) turns the watchdog off (``mode`` is None again) and makes
  ``WatchDogTimeout`` the VM's pending exception: the device's code gets it at once (between two
  lines, in a ``time.sleep``), a blocking call that checks ``mp_hal_is_interrupted()`` ends
  (``wifi.radio.connect``), and simulated calls that do not check finish first (see
  ``Runtime.schedule``). ``timeout`` up to ``UINT32_MAX / 1000`` seconds.
- raspberrypi: RESET only (RAISE raises ``NotImplementedError``); ``timeout`` at most 8 s (the
  RP2040's 8.3 s, ``mp_arg_validate_int_max(timeout, 8)``).
- atmel-samd: RESET only; ``timeout`` at most 16 s.

RESET mode ends the boot as ``microcontroller.reset()`` does, and the next boot's
``microcontroller.cpu.reset_reason`` is ``WATCHDOG``.
"""

from __future__ import annotations

import threading
import time

from edgent_host.sim import runtime as _sim

_UINT32_MAX = 0xFFFFFFFF
# The longest timeout each port takes, in seconds (None: the espressif bound, checked in ms).
_MAX_TIMEOUT = {"raspberrypi": 8, "atmel-samd": 16}


class WatchDogTimeout(Exception):  # noqa: N818 - CircuitPython's name
    """Raised in the device's code when the watchdog, in RAISE mode, expires."""


class WatchDogMode:
    """Run state of the watchdog timer: ``RAISE`` or ``RESET``."""

    RAISE: WatchDogMode
    RESET: WatchDogMode
    _name = ""

    def __repr__(self) -> str:
        return f"watchdog.WatchDogMode.{self._name}"


def _mode(name: str) -> WatchDogMode:
    # CircuitPython's enum values: instances of WatchDogMode that code cannot make.
    mode = object.__new__(WatchDogMode)
    mode._name = name
    return mode


WatchDogMode.RAISE = _mode("RAISE")
WatchDogMode.RESET = _mode("RESET")


class WatchDogTimer:
    """The board's watchdog; the sole instance is ``microcontroller.watchdog``."""

    def __init__(self) -> None:
        raise TypeError("cannot create 'WatchDogTimer' instances")

    def _setup(self) -> None:
        self._port = _sim.current().board.port
        self._timeout = 0.0  # common_hal_mcu_watchdogtimer_obj starts at 0.0, mode NONE
        self._mode: WatchDogMode | None = None
        self._deadline = 0.0
        self._changed = threading.Condition()
        self._generation = 0  # a timer thread serves one arming

    @property
    def timeout(self) -> float:
        """Seconds that may pass between ``feed()`` calls; setting it also feeds the watchdog."""
        return self._timeout

    @timeout.setter
    def timeout(self, value: float) -> None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise TypeError(f"can't convert {type(value).__name__} to float")
        seconds = float(value)
        # shared-bindings: mp_arg_validate_int_min(timeout, 0); then the port's own bound.
        if int(seconds) < 0:
            raise ValueError("timeout must be >= 0")
        limit = _MAX_TIMEOUT.get(self._port)
        if limit is not None and int(seconds) > limit:
            raise ValueError(f"timeout must be <= {limit}")
        if limit is None and seconds * 1000 > _UINT32_MAX:
            raise ValueError(f"timeout must be <= {_UINT32_MAX // 1000}")
        with self._changed:
            self._timeout = seconds
            if self._mode is not None:  # the port reconfigures the running timer: a feed
                self._deadline = time.monotonic() + seconds
                self._changed.notify_all()

    @property
    def mode(self) -> WatchDogMode | None:
        """``WatchDogMode.RAISE``, ``WatchDogMode.RESET``, or None while the watchdog is off."""
        return self._mode

    @mode.setter
    def mode(self, value: WatchDogMode | None) -> None:
        if value is not None and value not in (WatchDogMode.RAISE, WatchDogMode.RESET):
            raise TypeError(f"mode must be of type WatchDogMode, not {type(value).__name__}")
        if value is self._mode:
            return
        if value is WatchDogMode.RAISE and self._port != "espressif":
            raise NotImplementedError  # common-hal/watchdog: only espressif can raise
        with self._changed:
            self._mode = value
            self._generation += 1
            self._changed.notify_all()
            if value is None:
                return
            self._deadline = time.monotonic() + self._timeout
            generation = self._generation
        if value is WatchDogMode.RAISE:
            _sim.prepare_interrupts()
        threading.Thread(target=self._run, args=(generation,), daemon=True).start()

    def feed(self) -> None:
        """Start the timeout again; nothing while the watchdog is off."""
        with self._changed:
            if self._mode is not None:
                self._deadline = time.monotonic() + self._timeout
                self._changed.notify_all()

    def _run(self, generation: int) -> None:
        # The hardware timer: waits for the deadline, which feeds move, until the mode changes.
        with self._changed:
            while self._generation == generation:
                left = self._deadline - time.monotonic()
                if left > 0:
                    self._changed.wait(left)
                    continue
                mode = self._mode
                self._mode = None  # the ISR deletes the task watchdog: mode NONE
                self._generation += 1
                break
            else:
                return
        runtime = _sim.current()
        if mode is WatchDogMode.RESET:
            runtime.reboot("WATCHDOG")
        runtime.schedule(WatchDogTimeout())

    def _stop(self) -> None:
        """Turn it off without a word (a test's cleanup)."""
        with self._changed:
            self._mode = None
            self._generation += 1
            self._changed.notify_all()


def _sole_timer() -> WatchDogTimer:
    timer = object.__new__(WatchDogTimer)
    timer._setup()
    return timer


# The board's watchdog, which microcontroller.watchdog is.
_the_timer = _sole_timer()

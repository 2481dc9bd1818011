# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""``supervisor`` for the simulator: ``ticks_ms`` (wrapping as CircuitPython's do), ``runtime``, ``reload``."""

from __future__ import annotations

import time

from edgent_host.sim import runtime as _sim

_PERIOD = 1 << 29
# CircuitPython starts the ticks so that they wrap about 65 s after power-on, to flush out
# code that compares them without ticks_diff; so does the simulator.
_START = _PERIOD - 65_000


def ticks_ms() -> int:
    """Milliseconds since an arbitrary start, wrapping at 2**29."""
    elapsed = int((time.monotonic() - _sim.current().boot_monotonic) * 1000)
    return (_START + elapsed) % _PERIOD


class RunReason:
    """Why code.py runs: a hard start, or a soft reload (CircuitPython's ``main.c``)."""

    STARTUP = "STARTUP"
    AUTO_RELOAD = "AUTO_RELOAD"
    SUPERVISOR_RELOAD = "SUPERVISOR_RELOAD"
    REPL_RELOAD = "REPL_RELOAD"


class _Runtime:
    usb_connected = True
    serial_connected = True
    serial_bytes_available = 0
    autoreload = False
    run_reason = getattr(RunReason, _sim.current().take_reset_reason(_sim.RUN_REASON_FILE) or "", RunReason.STARTUP)


runtime = _Runtime()


def reload() -> None:
    """Soft reload: run code.py again (the simulator starts a new boot; the reset reason stays,
    and the run reason is SUPERVISOR_RELOAD, as on a board)."""
    runtime_now = _sim.current()
    runtime_now.reboot(runtime_now.reset_reason, RunReason.SUPERVISOR_RELOAD)


def get_setting(key: str, default: object = None) -> object:
    """A typed value from settings.toml, as CircuitPython 10.2 gives it."""
    from edgent_host.sim.cp.settings import typed_setting

    return typed_setting(key, default)

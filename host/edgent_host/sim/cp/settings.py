# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""``os.getenv`` and ``supervisor.get_setting`` over the example's ``settings.toml``, as CircuitPython 10.2+.

CircuitPython reads ``/settings.toml`` at the root of CIRCUITPY (here: the folder of code.py) on
every call; since 10.2 ``os.getenv`` always returns text and ``supervisor.get_setting`` the typed
value. The real environment is not consulted for keys the file has.
"""

from __future__ import annotations

import os
import tomllib
from typing import Any

from edgent_host.sim import runtime

_real_getenv = os.getenv


def _read() -> dict[str, Any]:
    path = runtime.current().code_dir / "settings.toml"
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError):
        return {}
    # CircuitPython's subset has no tables: only top-level keys count.
    return {key: value for key, value in data.items() if not isinstance(value, dict | list)}


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def getenv(key: str, default: Any = None) -> Any:
    """Return the setting ``key`` from settings.toml as text, or ``default``."""
    settings = _read()
    if key in settings:
        return _text(settings[key])
    if key.startswith(("CIRCUITPY_", "BLYNK_")):
        return default  # device settings come only from the file, as on the board
    return _real_getenv(key, default)


def typed_setting(key: str, default: Any = None) -> Any:
    """Return the setting ``key`` with its TOML type, or ``default``."""
    return _read().get(key, default)


def uname() -> os.uname_result:
    """``os.uname()`` as the board answers it."""
    board = runtime.current().board
    return os.uname_result((board.chip, board.chip, "10.2.1", "10.2.1 on 2026-05-12", board.machine))

# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""CircuitPython's board definitions as circuitpython-stubs ships them: one ``board`` stub per board.

The simulator reads a board's pins and functions from it, ``edgent deploy`` whether it has a display.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path


@cache
def board_stub(board_id: str) -> str | None:
    """The text of ``board_id``'s ``board`` stub; None for a board (or an install) without one."""
    try:
        import board_definitions  # type: ignore[import-untyped]  # shipped inside circuitpython-stubs
    except ImportError:
        return None
    stub = Path(next(iter(board_definitions.__path__))) / board_id / "__init__.pyi"
    return stub.read_text(encoding="utf-8") if stub.is_file() else None

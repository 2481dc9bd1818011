# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""What the drive's ``boot_out.txt`` says, the board profiles, and the checks before anything is written.

CircuitPython writes ``boot_out.txt`` at every start::

    Adafruit CircuitPython 10.2.1 on 2026-05-12; Adafruit PyPortal with samd51j20
    Board ID:pyportal

The profiles in ``boards/`` import ``board``, which CPython does not have, so they are read as
source: only their plain ``NAME = literal`` assignments count here.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

from edgent_host.deploy import BOARDS, RefusedError

GENERIC = "generic_native"
# The CircuitPython major versions blynk_edgent runs on: both load 'C' v6 .mpy files and have the
# displayio API the screen code uses (busdisplay, fourwire); 8.x has neither, 11 is not tested.
SUPPORTED_MAJORS = (9, 10)
_VERSION = re.compile(r"CircuitPython (\d+)\.(\d+)\.(\d+)(\S*)")


@dataclass(frozen=True)
class BootInfo:
    """The board as ``boot_out.txt`` describes it."""

    version: str  # "10.2.1", or "10.0.0-beta.3"
    major: int
    board_id: str
    description: str  # what follows "; " on line 1: "Adafruit PyPortal with samd51j20"


@dataclass(frozen=True)
class Profile:
    """A board profile from ``boards/``, read without running it."""

    name: str  # the file name without .py: a board id, an alternative profile's name, or generic_native
    path: Path
    title: str  # NAME
    radio: str  # RADIO: "native", "esp32spi" or "rtl8720"
    display: bool | None  # DISPLAY; None when it is computed on the board (generic_native)
    unsupported: str | None  # UNSUPPORTED
    board_id: str | None = None  # BOARD_ID: the board an alternative profile is for (None: its name says)

    @property
    def board(self) -> str:
        """The board id this profile drives the pins of (generic_native: any)."""
        return self.board_id or self.name


def read_boot_out(drive: Path) -> BootInfo:
    """Parse ``drive/boot_out.txt``; raise :class:`RefusedError` when it is missing or unreadable."""
    path = drive / "boot_out.txt"
    if not drive.is_dir():
        raise RefusedError(f"{drive} is not a folder: pass the CIRCUITPY drive's mount point with --path")
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        raise RefusedError(
            f"there is no boot_out.txt in {drive}: is it the CIRCUITPY drive? CircuitPython writes that file "
            "at every start; plug the board in, let it start once, and pass its drive with --path"
        ) from None
    lines = text.splitlines()
    found = _VERSION.search(lines[0]) if lines else None
    board_id = next((line[len("Board ID:") :].strip() for line in lines if line.startswith("Board ID:")), "")
    if found is None or not board_id:
        raise RefusedError(
            f"{path} does not look like CircuitPython's (no 'CircuitPython X.Y.Z' on line 1 or no 'Board ID:' "
            "line): is this the CIRCUITPY drive of a board running CircuitPython 9 or 10?"
        )
    description = lines[0].split(";", 1)[1].strip() if ";" in lines[0] else ""
    version = ".".join(found.group(1, 2, 3)) + found.group(4)
    return BootInfo(version=version, major=int(found.group(1)), board_id=board_id, description=description)


def profile_names() -> list[str]:
    """Every profile in ``boards/``."""
    return sorted(path.stem for path in BOARDS.glob("*.py"))


def load_profile(name: str) -> Profile:
    """Read ``boards/<name>.py``; raise :class:`RefusedError` when there is no such profile."""
    path = BOARDS / f"{name}.py"
    if not name.isidentifier() or not path.is_file():
        raise RefusedError(f"there is no board profile {name!r} in boards/: use one of {', '.join(profile_names())}")
    values: dict[str, object] = {}
    for node in ast.parse(path.read_text(encoding="utf-8"), str(path)).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            try:
                values[node.targets[0].id] = ast.literal_eval(node.value)
            except ValueError:
                values[node.targets[0].id] = None  # computed on the board, e.g. hasattr(board, "DISPLAY")
    display = values.get("DISPLAY", False)
    unsupported = values.get("UNSUPPORTED")
    return Profile(
        name=name,
        path=path,
        title=str(values.get("NAME") or name),
        radio=str(values.get("RADIO") or "native"),
        display=display if isinstance(display, bool) else None,
        unsupported=unsupported if isinstance(unsupported, str) else None,
        board_id=board_id if isinstance(board_id := values.get("BOARD_ID"), str) else None,
    )


def choose_profile(boot: BootInfo, board: str | None) -> Profile:
    """The profile to deploy for the board in ``boot`` (``board``: ``--board``, default its board id).

    A board's alternative profile (its ``BOARD_ID`` names the board, boards/README.md) is taken for that
    board when named. Raise :class:`RefusedError` when the profile is another board's, when the board has
    no profile and none was named, or when the profile says the board cannot run blynk_edgent.
    """
    own = (BOARDS / f"{boot.board_id}.py").is_file()
    if board is None:
        if not own:
            raise RefusedError(
                f"there is no profile for {boot.board_id} in boards/: if it has native WiFi (ESP32-S2/S3/C3/C6, "
                f"Pico W) deploy with --board {GENERIC}, otherwise write boards/{boot.board_id}.py (boards/README.md)"
            )
        board = boot.board_id
    profile = load_profile(board)
    if board == GENERIC and own:
        raise RefusedError(
            f"{boot.board_id} has a profile of its own, boards/{boot.board_id}.py; {GENERIC} is for boards "
            "without one: leave --board out"
        )
    if board != GENERIC and profile.board != boot.board_id:
        whose = board if profile.board == board else f"{profile.board} (the board profile {board} is for)"
        raise RefusedError(
            f"the drive's boot_out.txt says the board is {boot.board_id}, not {whose}, whose profile would drive "
            f"the wrong pins: leave --board out to deploy for {boot.board_id}, or pass the {profile.board}'s drive "
            "with --path"
        )
    if profile.unsupported:
        raise RefusedError(profile.unsupported)
    return profile


def check_version(boot: BootInfo) -> None:
    """Raise :class:`RefusedError` unless the board runs a CircuitPython major version blynk_edgent supports."""
    if boot.major in SUPPORTED_MAJORS:
        return
    where = f"https://circuitpython.org/board/{boot.board_id}/"
    if boot.major < SUPPORTED_MAJORS[0]:
        raise RefusedError(
            f"CircuitPython {boot.version} is too old for blynk_edgent, which needs 9.x or 10.x (older releases "
            f"load another .mpy format and lack the displayio API it uses): install 10.x from {where}"
        )
    raise RefusedError(
        f"CircuitPython {boot.version} is newer than blynk_edgent has been tested with (9.x and 10.x): install "
        f"10.x from {where}"
    )

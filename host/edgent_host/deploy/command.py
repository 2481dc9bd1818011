# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""``edgent deploy --path CIRCUITPY [--board PROFILE] [--force] [--offline] [--mpy-cross PATH]``.

Checks the drive's ``boot_out.txt`` against the profile, then puts on the drive: ``lib/blynk_edgent``
(as .mpy when a CircuitPython mpy-cross is on PATH), ``lib/blynk_edgent_boards`` (the profile and
generic_native), the board's example ``code.py`` and ``settings.toml`` (the one written for the
profile when it is a board's alternative one, like seeeduino_wio_terminal_airlift; a user's own are
kept unless ``--force``), and the device libraries the profile needs (its radio's, its screen's)
and the board's firmware lacks, with circup (from the offline bundle, saying so, when github.com
cannot be reached). A refusal exits with status 2, a failure with 1; each is one line on stderr
saying why and what to do.

The SAMD21 boards with a NINA module (the Nano 33 IoT; the MKR WiFi 1010 on the MKR Zero's build)
get the lite edition instead: ``lib/blynk_edgent_lite`` compiled by CircuitPython's mpy-cross
(such a board cannot compile it in its heap; MicroPython's writes .mpy files CircuitPython
refuses), refused when there is none, and its example ``code.py``; nothing else (it needs no
library and has no ``os.getenv``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from edgent_host.deploy import (
    CIRCUP_DATA,
    EXAMPLES,
    LITE_LIBRARY,
    ROOT,
    DeployError,
    RefusedError,
    devicelibs,
    drive,
    files,
)

PREFIX = "edgent deploy: "


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``deploy`` to the ``edgent`` command."""
    deploy = commands.add_parser(
        "deploy",
        help="copy blynk_edgent, a board profile, an example and the device libraries to a CIRCUITPY drive",
        description=__doc__.split("\n\n", 1)[1] if __doc__ else None,
    )
    deploy.add_argument("--path", required=True, type=Path, help="the CIRCUITPY drive (where boot_out.txt is)")
    deploy.add_argument(
        "--board",
        help="profile in boards/ (default: the board id in boot_out.txt; e.g. seeeduino_wio_terminal_airlift "
        "for a Wio Terminal's AirLift)",
    )
    deploy.add_argument("--force", action="store_true", help="replace the drive's code.py and settings.toml")
    deploy.add_argument(
        "--offline",
        action="store_true",
        help="install the device libraries at the tested versions from a bundle built from the pinned PyPI "
        "packages, without circup going online (default: circup uses Adafruit's current bundle, or this one "
        "when github.com cannot be reached)",
    )
    deploy.add_argument(
        "--circup-data",
        type=Path,
        default=CIRCUP_DATA,
        metavar="DIR",
        help="where --offline keeps its circup bundle (default: out/circup-data in the repository)",
    )
    deploy.add_argument(
        "--mpy-cross",
        type=Path,
        metavar="PATH",
        help="CircuitPython's mpy-cross to compile with (default: mpy-cross or circuitpython-mpy-cross on PATH)",
    )
    deploy.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Deploy; return the exit status."""
    try:
        deploy(
            args.path,
            args.board,
            force=args.force,
            offline=args.offline,
            circup_data=args.circup_data,
            mpy_cross=args.mpy_cross,
        )
    except RefusedError as refusal:
        print(PREFIX + str(refusal), file=sys.stderr)
        return 2
    except DeployError as failure:
        print(PREFIX + str(failure), file=sys.stderr)
        return 1
    return 0


def _say(line: str) -> None:
    print(line, flush=True)  # in order with circup's output, also when piped


def _names(names: list[str]) -> str:
    return ", ".join(names)


def deploy(
    path: Path,
    board: str | None,
    *,
    force: bool,
    offline: bool,
    circup_data: Path,
    mpy_cross: Path | None = None,
) -> None:
    """Check the drive at ``path`` and put everything on it (see the module's docstring)."""
    boot = drive.read_boot_out(path)
    if board is None and boot.board_id in files.LITE_EXAMPLES:
        drive.check_version(boot)
        _deploy_lite(path, boot, force, mpy_cross)
        return
    profile = drive.choose_profile(boot, board)
    drive.check_version(boot)
    _say(f"{PREFIX}{profile.title} ({boot.board_id}), CircuitPython {boot.version}, drive {path}")
    writer = files.DriveWriter(path)

    mpy, notes = files.mpy_cross_at(mpy_cross) if mpy_cross else files.find_mpy_cross(boot.major)
    if mpy is not None:
        _say(f"library: lib/blynk_edgent as .mpy, compiled by {mpy.command[0]} ({mpy.version})")
    else:
        _say("library: lib/blynk_edgent as .py: no CircuitPython mpy-cross on PATH")
    for note in notes:
        _say(f"  {note}")
    before = len(writer.written), len(writer.unchanged)
    files.deploy_library(writer, mpy)
    written, unchanged = len(writer.written) - before[0], len(writer.unchanged) - before[1]
    removed = f", removed {_names(writer.removed)}" if writer.removed else ""
    _say(f"library: {written} files written, {unchanged} unchanged{removed}")

    before = len(writer.written), len(writer.unchanged)
    profiles = files.deploy_profiles(writer, profile)
    written, unchanged = len(writer.written) - before[0], len(writer.unchanged) - before[1]
    _say(f"board profile: lib/blynk_edgent_boards/ {_names(profiles)}: {written} written, {unchanged} unchanged")

    example = files.example_for(boot.board_id, profile.name)
    written_for = (boot.board_id, files.EXAMPLE_FOLDERS.get(boot.board_id), files.EXAMPLE_FOLDERS.get(profile.name))
    if example.name not in written_for:
        _say(f"example: there is none for {boot.board_id} yet; using {example.relative_to(ROOT).as_posix()}")
    _say(files.deploy_user_file(writer, "code.py", example / "code.py", force))
    settings = example / "settings.toml"
    if not settings.is_file():
        settings = EXAMPLES / files.DEFAULT_EXAMPLE / "settings.toml"
    said = files.deploy_user_file(writer, "settings.toml", settings, force)
    if "settings.toml" in writer.written:
        said += ": put your template's BLYNK_TEMPLATE_ID and BLYNK_TEMPLATE_NAME in it"
    _say(said)

    _device_libraries(path, boot, profile, offline, circup_data, mpy)

    if writer.written or writer.removed:
        _say(f"done: {len(writer.written)} files written, {len(writer.removed)} removed")
    else:
        _say("done: the drive already held all of it; nothing written")


def _deploy_lite(path: Path, boot: drive.BootInfo, force: bool, mpy_cross: Path | None) -> None:
    """The lite edition, compiled, and its example on the drive of a SAMD21 board with a NINA module."""
    mpy, notes = files.mpy_cross_at(mpy_cross) if mpy_cross else files.find_mpy_cross(boot.major)
    if mpy is None:
        raise RefusedError(
            f"{boot.board_id} gets the lite edition, which must go as .mpy compiled by CircuitPython's mpy-cross "
            "(the board has no heap to compile it; MicroPython's writes .mpy files CircuitPython refuses), and "
            "there is none: `pip install circuitpython-build-tools` puts circuitpython-mpy-cross on PATH (it "
            "fetches the compiler), or pass --mpy-cross PATH" + (" (" + "; ".join(notes) + ")" if notes else "")
        )
    example = EXAMPLES / files.LITE_EXAMPLES[boot.board_id]
    mkr = boot.board_id == "arduino_mkrzero"
    which = " (an MKR WiFi 1010 running the MKR Zero's build; a MKR Zero has no WiFi)" if mkr else ""
    _say(f"{PREFIX}{boot.board_id}{which}, CircuitPython {boot.version}, drive {path}: the lite edition")
    writer = files.DriveWriter(path)
    _say(f"library: lib/{LITE_LIBRARY.name} as .mpy, compiled by {mpy.command[0]} ({mpy.version})")
    files.deploy_library(writer, mpy, LITE_LIBRARY, lite=True)
    removed = f", removed {_names(writer.removed)}" if writer.removed else ""
    _say(f"library: {len(writer.written)} files written, {len(writer.unchanged)} unchanged{removed}")
    _say(files.deploy_user_file(writer, "code.py", example / "code.py", force) + ": its settings are in it")
    _say(f"done: {len(writer.written)} files written, {len(writer.removed)} removed")


def _device_libraries(
    path: Path,
    boot: drive.BootInfo,
    profile: drive.Profile,
    offline: bool,
    circup_data: Path,
    mpy: files.MpyCross | None,
) -> None:
    """Install what the board needs from requirements-device.txt with circup, unless it is there already."""
    requirements = devicelibs.read_requirements()
    wanted = devicelibs.needed(requirements, profile, boot.board_id)
    to_install, skipped = devicelibs.in_firmware(wanted, boot.board_id)
    for why in ("frozen", "built in"):
        modules = [module for module, reason in skipped.items() if reason == why]
        if modules:
            where = "frozen into" if why == "frozen" else "built into"
            _say(
                f"device libraries: skipped {_names(modules)}, {where} {boot.board_id}'s CircuitPython "
                "(it imports its own before lib/, so a copy there would only take space)"
            )
    if not to_install:
        _say("device libraries: none to install")
        return
    there = {r.module: devicelibs.on_drive(path, r.module) for r in to_install}
    for requirement in to_install:
        version = there[requirement.module]
        if version is not None and version != requirement.version:
            _say(
                f"device libraries: lib/{requirement.module} is {version or 'of an unknown version'}; "
                f"blynk_edgent was tested with {requirement.version}"
            )
    missing = [r for r in to_install if there[r.module] is None]
    if not missing:
        # circup would only say "already installed" for each, after looking up the bundle (online: on GitHub).
        shown = [f"{r.module} {there[r.module] or '?'}" for r in to_install]
        _say(f"device libraries: {_names(shown)} already in lib/; circup not needed")
        return
    shown = [f"{r.module} {r.version}" for r in missing]
    unreachable = None if offline else devicelibs.github_unreachable()
    if unreachable is not None:
        _say(
            f"device libraries: github.com cannot be reached ({unreachable}), so circup cannot fetch Adafruit's "
            "bundle: using the offline bundle instead, as --offline does"
        )
        offline = True
    if offline:
        otherwise = ", or deploy without --offline" if unreachable is None else ", then deploy again"
        try:
            source = devicelibs.offline_bundle(circup_data, requirements, boot.major, mpy, otherwise)
        except DeployError as failure:
            if unreachable is None:
                raise
            raise DeployError(f"github.com cannot be reached ({unreachable}), and {failure}") from None
        bundle = circup_data.resolve()
        where = bundle.relative_to(ROOT).as_posix() if bundle.is_relative_to(ROOT) else str(bundle)
        _say(f"device libraries: installing {_names(shown)} with circup --offline, bundle in {where} ({source})")
    else:
        _say(f"device libraries: installing {_names([r.module for r in missing])} with circup (Adafruit's bundle)")
    for line in devicelibs.install(path, missing, offline, circup_data):
        _say(f"  circup: {line}")

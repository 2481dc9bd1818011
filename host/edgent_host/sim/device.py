# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""One boot of a simulated board: install CircuitPython's modules, then run ``code.py`` unchanged.

Started by the supervisor (``edgent sim``) as its own process, so every reboot starts a fresh
interpreter on the same NVM file, as a board does. ``microcontroller.reset()`` ends the process
with exit status 75 and the supervisor boots again; the end of ``code.py`` or an uncaught
exception ends it like "Code done running" on a board, and the device waits for a power cycle.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import runpy
import socket
import sys
import threading
import traceback
import types
from pathlib import Path

from edgent_host.address import parse_address
from edgent_host.sim import boards, runtime
from edgent_host.sim.world import World

ROOT = Path(__file__).resolve().parents[3]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="edgent-sim-device", description=__doc__)
    parser.add_argument("--code", required=True, help="the code.py to run")
    parser.add_argument("--state", required=True, help="state folder (nvm.bin)")
    parser.add_argument("--board", required=True)
    parser.add_argument("--cloud", required=True, help="HOST:PORT that blynk.cloud resolves to")
    parser.add_argument("--ca", help="folder with the local cloud's ca.pem")
    parser.add_argument("--world", help="world file")
    parser.add_argument("--portal", default="127.0.0.1:8080")
    parser.add_argument("--dns")
    parser.add_argument("--control-fd", type=int)
    parser.add_argument("--lib", default=str(ROOT / "lib"), help="what CIRCUITPY/lib holds")
    parser.add_argument(
        "--boards", default=str(ROOT / "boards"), help="the board profiles (CIRCUITPY/lib/blynk_edgent_boards)"
    )
    parser.add_argument("--nina-firmware", help="NINA firmware version of the board's ESP32 (1.7.7, 3.3.0)")
    parser.add_argument("--rtl-firmware", help="eRPC firmware of the board's RTL8720DN: 2.1.3, 2.1.1, AT")
    parser.add_argument("--micropython", type=int, help="run code.py under 32-bit MicroPython with this heap (bytes)")
    return parser


def _listen_to_supervisor(rt: runtime.Runtime) -> None:
    """Apply what the panel does (button presses) to the pins."""
    assert rt.control is not None
    stream = rt.control.makefile("r", encoding="utf-8")
    for line in stream:
        try:
            message = json.loads(line)
        except ValueError:
            continue
        if message.get("query") == "modules":
            # What the device holds imported, so a test can compare boots (the heap a board
            # spends on code follows the modules it keeps).
            rt.report(modules=sorted(m for m in list(sys.modules) if m.split(".")[0] == "blynk_edgent"))
            continue
        name = message.get("button")
        if name:
            pressed = bool(message.get("pressed"))
            active_low = rt.board.buttons.get(name, True)
            rt.pin(name).value = (not pressed) if active_low else pressed


def watch_device(rt: runtime.Runtime) -> None:
    """Report the device's state and ``last_error`` to the supervisor whenever they change, over
    the control channel (the library's watcher hook; its log lines are for people)."""
    from blynk_edgent import edgent

    def report(device: edgent.Edgent) -> None:
        rt.report(state=device.state, last_error=device.last_error)

    edgent.WATCHERS.append(report)


def install_modules(rt: runtime.Runtime, nina_firmware: str | None = None, rtl_firmware: str | None = None) -> None:
    """Make ``import wifi`` (and the rest) give the simulated modules; wire an emulated ESP32 to
    an AirLift board (``nina_firmware``: its version, else the board's) and an emulated RTL8720DN
    to a board that has one (``rtl_firmware``: its eRPC firmware, "AT" for the AT firmware, else
    the board's)."""
    runtime.install(rt)
    if rt.board.display is not None:
        # Blinka's displayio (the simulator's board.DISPLAY) loads its own busio, digitalio and
        # microcontroller for its types: let it, before those names become the board's.
        import edgent_host.sim.display  # noqa: F401
    from edgent_host.sim import nina
    from edgent_host.sim.cp import INSTALLED_LAST, MODULES, NATIVE_WIFI

    nina.install(rt, nina_firmware)
    for name, path in MODULES.items():
        if (rt.board.radio != "native" and name in NATIVE_WIFI) or name in INSTALLED_LAST:
            continue  # `import wifi` fails on a PyPortal or a Wio Terminal as on the board
        sys.modules[name] = importlib.import_module(path)
    from edgent_host.sim.cp import settings

    os.getenv = settings.getenv
    os.uname = settings.uname
    # Last, CircuitPython's errno (newlib's numbers). Every module loaded so far (socket and ssl,
    # which compare errno values, the simulator's own) bound the host's errno when it was
    # imported and keeps it, with the numbers the host's system calls use; from here on
    # `import errno` gives the board's. What a device process imports after this point (looked
    # at for the native, AirLift and display examples, unprovisioned and provisioned) is the
    # device's code (code.py, the library, the board profiles, adafruit_esp32spi, which must see
    # the board's numbers), modules CircuitPython also has (json, struct, ...) and, with a
    # display, Pillow's PNG writer, the font modules and decimal/fractions: none of those uses
    # errno. Installed among the others, it would hand newlib's numbers to any CPython module
    # that a later simulated module imports for the first time.
    for name in INSTALLED_LAST:
        sys.modules[name] = importlib.import_module(MODULES[name])
    if rt.board.rtl8720:
        # After errno: the RTL8720DN's emulator frames with blynk_edgent.erpc, and importing it
        # imports blynk_edgent, whose modules must bind the board's errno numbers (link.py's
        # ETIMEDOUT is 116 on the board, 110 on Linux). Boards without one never import it.
        from edgent_host.sim import rtl8720

        rtl8720.install(rt, rtl_firmware)


def install_profiles(folder: Path) -> None:
    """Make ``blynk_edgent_boards`` the repository's boards/ folder, as deploy lays it out on CIRCUITPY."""
    package = types.ModuleType("blynk_edgent_boards")
    package.__path__ = [str(folder)]
    package.__doc__ = "Board profiles (the simulator's view of CIRCUITPY/lib/blynk_edgent_boards)."
    sys.modules["blynk_edgent_boards"] = package


def _run_micropython(rt: runtime.Runtime, code: Path, lib: Path, heap: int) -> int:
    """Run ``code`` under 32-bit MicroPython with ``heap`` bytes for itself, the lite package
    compiled (what deploy puts on a SAMD21 board), its pins and bus this process's simulated
    ones; the guest's reset (status 75) is this boot's."""
    from edgent_host import micropython32
    from edgent_host.sim import mpbridge

    board = rt.board
    wired = set((board.esp32 or {}).values()) | set(board.buttons) | set(board.led_pins)
    chip = wired & set(board.mcu_pins if board.port == "atmel-samd" else ())  # the MKR 1010's NINA
    folder = rt.state_dir / "micropython"
    with mpbridge.guest(folder, sorted(wired - chip), [lib / "blynk_edgent_lite"], sorted(chip)) as (bridge, cost):
        print(f"MicroPython {micropython32.version()} (i386) as {board.machine}")
        print(f"heap {heap} B for the board's code + {cost} B the bridge holds")
        print("code.py output:")
        return mpbridge.run(code, rt.state_dir / "micropython", bridge, heap + cost)


def main(argv: list[str] | None = None) -> int:
    """Run one boot; return the exit status."""
    args = _parser().parse_args(argv)
    code = Path(args.code).resolve()
    board = boards.get(args.board)
    control = socket.socket(fileno=args.control_fd) if args.control_fd is not None else None
    rt = runtime.Runtime(
        board=board,
        state_dir=Path(args.state).resolve(),
        code_dir=code.parent,
        cloud=parse_address(args.cloud),
        world=World(args.world),
        portal=parse_address(args.portal),
        dns=parse_address(args.dns) if args.dns else None,
        ca_file=(Path(args.ca) / "ca.pem") if args.ca else None,
        control=control,
    )
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(line_buffering=True)
    if args.micropython:
        # before the board's errno replaces the host's: subprocess binds errno when imported
        from edgent_host.sim import mpbridge  # noqa: F401
    install_modules(rt, args.nina_firmware, args.rtl_firmware)
    install_profiles(Path(args.boards).resolve())
    if control is not None:
        threading.Thread(target=_listen_to_supervisor, args=(rt,), daemon=True).start()

    if args.micropython:
        return _run_micropython(rt, code, Path(args.lib).resolve(), args.micropython)
    # CIRCUITPY: code.py's folder is the root, the library is what /lib holds.
    sys.path[:0] = [str(code.parent), str(Path(args.lib).resolve())]
    watch_device(rt)
    os.chdir(code.parent)
    print(f"Adafruit CircuitPython 10.2.1 on 2026-05-12; {board.machine}")
    print(f"Board ID:{board.board_id}")
    print("code.py output:")
    try:
        runpy.run_path(str(code), run_name="__main__")
    except KeyboardInterrupt:
        return 0
    except SystemExit as stop:
        return stop.code if isinstance(stop.code, int) else 0
    except BaseException:
        traceback.print_exc(file=sys.stdout)
        print("\nCode done running.")
        return 1
    print("\nCode done running.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

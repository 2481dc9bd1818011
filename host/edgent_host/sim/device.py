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
from pathlib import Path

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


def install_modules(rt: runtime.Runtime) -> None:
    """Make ``import wifi`` (and the rest) give the simulated modules."""
    runtime.install(rt)
    from edgent_host.sim.cp import MODULES

    for name, path in MODULES.items():
        sys.modules[name] = importlib.import_module(path)
    from edgent_host.sim.cp import settings

    os.getenv = settings.getenv  # type: ignore[assignment]
    os.uname = settings.uname


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
        cloud=runtime.parse_address(args.cloud),
        world=World(args.world),
        portal=runtime.parse_address(args.portal),
        dns=runtime.parse_address(args.dns) if args.dns else None,
        ca_file=(Path(args.ca) / "ca.pem") if args.ca else None,
        control=control,
    )
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(line_buffering=True)
    install_modules(rt)
    if control is not None:
        threading.Thread(target=_listen_to_supervisor, args=(rt,), daemon=True).start()

    # CIRCUITPY: code.py's folder is the root, the library is what /lib holds.
    sys.path[:0] = [str(code.parent), str(Path(args.lib).resolve())]
    os.chdir(code.parent)
    print(f"Adafruit CircuitPython 10.2.1 on 2026-05-12; {board.name} with {board.chip}")
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

# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""``edgent sim``: run an example's ``code.py`` on a simulated board until Ctrl-C."""

from __future__ import annotations

import argparse
import re
import signal
import sys
import threading
from pathlib import Path

from edgent_host.deploy.files import EXAMPLE_BOARDS
from edgent_host.sim import boards
from edgent_host.sim.nina.personality import for_version
from edgent_host.sim.supervisor import Options, Simulator


def board_for(code: Path, explicit: str | None) -> str:
    """The board to simulate: ``--board``, else the one the example's folder is written for."""
    if explicit:
        return explicit
    folder = code.resolve().parent.name
    if folder in EXAMPLE_BOARDS:
        return EXAMPLE_BOARDS[folder]
    raise SystemExit(f"edgent sim: which board is {code} for? Pass --board (one of {', '.join(sorted(boards.BOARDS))})")


def nina_version(text: str) -> str:
    """``--nina-firmware``: a version the ESP32 emulator knows (1.x/2.x or 3.x)."""
    try:
        return for_version(text).version
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def add_nina_firmware(parser: argparse.ArgumentParser) -> None:
    """Add ``--nina-firmware``, checked by :func:`nina_version` (``edgent sim`` and ``edgent demo``)."""
    parser.add_argument(
        "--nina-firmware",
        metavar="VERSION",
        type=nina_version,
        help="AirLift boards: the NINA firmware the ESP32 runs, e.g. 1.7.7 or 3.3.0 (default: the board's)",
    )


def rtl_version(text: str) -> str:
    """``--rtl-firmware``: an eRPC firmware version of the RTL8720DN (x.y.z), or AT (its AT-command firmware)."""
    if text.upper() == "AT":
        return "AT"
    if re.fullmatch(r"\d+\.\d+\.\d+", text):
        return text
    raise argparse.ArgumentTypeError(f"{text!r}: an eRPC firmware version such as 2.1.3 or 2.1.1, or AT")


def add_rtl_firmware(parser: argparse.ArgumentParser) -> None:
    """Add ``--rtl-firmware``, checked by :func:`rtl_version` (``edgent sim`` and ``edgent demo``)."""
    parser.add_argument(
        "--rtl-firmware",
        metavar="VERSION",
        type=rtl_version,
        help="Wio Terminal: the eRPC firmware its RTL8720DN runs, e.g. 2.1.3 or 2.1.1, or AT for the AT-command "
        "firmware (default: the board's)",
    )


def heap_size(text: str) -> int:
    """``--micropython``: a heap in bytes, ``17408`` or ``17K``."""
    match = re.fullmatch(r"(\d+)([kK]?)", text.strip())
    if match is None:
        raise argparse.ArgumentTypeError(f"{text!r} is not a heap size (bytes, or KB with K: 17K)")
    return int(match.group(1)) * (1024 if match.group(2) else 1)


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``sim`` to the ``edgent`` command."""
    sim = commands.add_parser("sim", help="run a code.py on a simulated board")
    sim.add_argument("--code", required=True, type=Path, help="e.g. examples/esp32s3/code.py")
    sim.add_argument("--state", required=True, type=Path, help="folder for nvm.bin and serial.log")
    sim.add_argument("--cloud", required=True, help="HOST:PORT of `edgent cloud` (what blynk.cloud resolves to)")
    sim.add_argument("--ca", type=Path, help="the local cloud's CA folder, trusted like the board's root bundle")
    sim.add_argument("--world", type=Path, help="JSON file of the WiFi networks around (default: a home network)")
    sim.add_argument("--panel", help="HOST:PORT for the panel's JSON API")
    sim.add_argument("--portal", default="127.0.0.1:8080", help="where the device's 192.168.4.1:80 is reachable")
    sim.add_argument("--dns", help="where the device's captive DNS (UDP 53) is reachable")
    sim.add_argument("--board", help="board id (default: the one the example is written for)")
    add_nina_firmware(sim)
    add_rtl_firmware(sim)
    sim.add_argument(
        "--micropython",
        metavar="BYTES",
        type=heap_size,
        help="run code.py under 32-bit MicroPython with this heap (17K: a SAMD21's), its pins bridged to the "
        "simulator (lite boards; `make setup` fetches the interpreter)",
    )
    sim.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Run until interrupted."""
    board_id = board_for(args.code, args.board)
    if args.nina_firmware and boards.get(board_id).esp32 is None:
        raise SystemExit(f"edgent sim: --nina-firmware: {board_id} has no ESP32 co-processor")
    if args.rtl_firmware and not boards.get(board_id).rtl8720:
        raise SystemExit(f"edgent sim: --rtl-firmware: {board_id} has no RTL8720DN")
    options = Options(
        code=args.code,
        state_dir=args.state,
        board=board_id,
        cloud=args.cloud,
        ca=args.ca,
        world=args.world,
        portal=args.portal,
        dns=args.dns,
        panel=args.panel,
        echo=sys.stdout,
        nina_firmware=args.nina_firmware,
        rtl_firmware=args.rtl_firmware,
        micropython=args.micropython,
    )
    sim = Simulator(options)
    sim.start()
    if sim.panel_address:
        host, port = sim.panel_address
        print(f"edgent sim: panel on {host}:{port}", flush=True)
    # `kill` (SIGTERM) ends it like Ctrl-C: through the finally below, which stops the device's
    # process too, or it would keep the portal's port and write to the state folder.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        sim.stop()
    return 0

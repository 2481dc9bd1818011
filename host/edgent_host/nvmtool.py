# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""``edgent nvm`` and ``edgent apname``: read and seed NVM images, and compute a device's AP name.

``edgent nvm write`` is the factory-seeding path: it writes a CRC-checked record, exactly as the
device would, into an image for the simulator (or for a tool that flashes NVM), creating the image
when there is none. ``show`` and ``erase`` read an image that must exist. An error is one line on
stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import sys

from blynk_edgent import apname, messages
from blynk_edgent.config import Config
from blynk_edgent.store import SLOT_SIZE, ConfigStore
from blynk_edgent.validate import validate
from edgent_host.cloud.devices import redact
from edgent_host.nvmfile import NVMFile


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``nvm`` and ``apname`` to the ``edgent`` command."""
    nvm = commands.add_parser("nvm", help="read or seed an NVM image file (nvm.bin)")
    actions = nvm.add_subparsers(dest="action", metavar="ACTION")
    actions.required = True

    # Every action takes the image and its size.
    image = argparse.ArgumentParser(add_help=False)
    image.add_argument("file")
    image.add_argument("--size", type=_size, default=8192, help="NVM size in bytes (default 8192)")

    show = actions.add_parser("show", parents=[image], help="print the configuration an image holds")
    show.set_defaults(run=_show)

    write = actions.add_parser("write", parents=[image], help="store a configuration in an image, as the device would")
    write.add_argument("--ssid", required=True)
    write.add_argument("--password", default="")
    write.add_argument("--token", required=True)
    write.add_argument("--host", default="blynk.cloud")
    write.add_argument("--port", type=int, default=443)
    write.add_argument("--static", nargs=5, metavar=("IP", "MASK", "GW", "DNS", "DNS2"), help="static IPv4 settings")
    write.set_defaults(run=_write)

    erase = actions.add_parser("erase", parents=[image], help="forget the configuration, as a 10 s button hold does")
    erase.set_defaults(run=_erase)

    name = commands.add_parser("apname", help="print the access-point name a device will use")
    name.add_argument("--template-name", required=True, help="BLYNK_TEMPLATE_NAME")
    name.add_argument("--mac", required=True, type=_mac, help="the chip's MAC, e.g. 24:0A:C4:12:34:56")
    name.add_argument("--esp32", action="store_true", help="native ESP32 chip (hashes MAC + two zero bytes)")
    name.add_argument("--prefix", default=apname.DEFAULT_PREFIX)
    name.set_defaults(run=_apname)


def _size(text: str) -> int:
    """``--size``: a whole number of bytes, room for one configuration record at least."""
    if not text.isdigit() or int(text) < SLOT_SIZE:
        raise argparse.ArgumentTypeError(f"expected a number of bytes from {SLOT_SIZE} (e.g. 8192), got {text!r}")
    return int(text)


def _mac(text: str) -> bytes:
    """``--mac``: six bytes in hex, separated by colons or dashes (or not at all)."""
    try:
        mac = bytes.fromhex(text.replace(":", "").replace("-", ""))
    except ValueError:
        mac = b""
    if len(mac) != 6:
        raise argparse.ArgumentTypeError(f"expected six bytes in hex such as 24:0A:C4:12:34:56, got {text!r}")
    return mac


def _error(action: str, message: str) -> int:
    print(f"edgent nvm {action}: {message}", file=sys.stderr)
    return 2


def _open(args: argparse.Namespace, create: bool) -> ConfigStore:
    """The store of the image ``args.file``; ValueError says why it cannot be used."""
    # Creating a missing image is right for seeding one and wrong for reading one: a mistyped
    # name would show an empty configuration and leave a stray 8 KiB file behind.
    try:
        nvm = NVMFile(args.file, args.size, create=create)
    except FileNotFoundError:
        raise ValueError(f"{args.file}: no such image (`edgent nvm write` creates one)") from None
    except OSError as error:
        raise ValueError(f"{args.file}: {error.strerror or error}") from None
    except ValueError as error:
        raise ValueError(f"{error} (--size {args.size}): give the size of the board this image is for") from None
    return ConfigStore(nvm)


def _show(args: argparse.Namespace) -> int:
    try:
        store = _open(args, create=False)
    except ValueError as error:
        return _error("show", str(error))
    config = store.load()
    print(f"layout: {store.layout}")
    print(describe(config))
    if config.last_error:
        code = config.last_error
        print(f"last_error {code}: {messages.describe(code)} {messages.remedy(code)}")
    return 0


def describe(config: Config) -> str:
    """One line for a configuration, secrets hidden: the password as ***, the token cut to 4 characters."""
    token = redact(config.token) if config.token else "''"
    return (
        f"ssid={config.ssid!r} password={'***' if config.password else repr('')} token={token} "
        f"host={config.host!r} port={config.port} static={config.static!r} "
        f"provisioned={config.provisioned} last_error={config.last_error}"
    )


def _write(args: argparse.Namespace) -> int:
    config = Config(
        ssid=args.ssid,
        password=args.password,
        token=args.token,
        host=args.host,
        port=args.port,
        static=tuple(args.static) if args.static else None,
        provisioned=True,
    )
    try:
        validate(config)  # before the image is opened: a refused configuration leaves no new file behind
        written = _open(args, create=True).save(config)
    except ValueError as error:
        return _error("write", str(error))
    print("written" if written else "unchanged: the image already holds this configuration")
    return 0


def _erase(args: argparse.Namespace) -> int:
    try:
        store = _open(args, create=False)
    except ValueError as error:
        return _error("erase", str(error))
    store.erase()
    print("erased")
    return 0


def _apname(args: argparse.Namespace) -> int:
    print(apname.ap_ssid(args.template_name, apname.chip_id(args.mac, esp32=args.esp32), prefix=args.prefix))
    return 0

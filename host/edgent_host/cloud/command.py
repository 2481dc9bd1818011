# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""``edgent cloud``: run the local Blynk-compatible cloud until SIGINT or SIGTERM.

On start it prints one line per listener, with the real bound ports, for scripts and tests to parse::

    edgent cloud: device protocol on 127.0.0.1:40123 (plain)
    edgent cloud: http api on 127.0.0.1:40124

Logins, logouts and a summary of every frame go to stderr (tokens cut to their first 4 characters).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from pathlib import Path

from edgent_host.address import format_address, parse_address
from edgent_host.cloud.devices import DEFAULT_TEMPLATE_ID
from edgent_host.cloud.server import DEFAULT_CA_DIR, CloudConfig, CloudServer

PREFIX = "edgent cloud: "
DESCRIPTION = (
    "A local stand-in for blynk.cloud: devices log in with the Blynk binary protocol (plain or TLS with its "
    "own CA); the HTTP API reads and writes their pins and sends them commands."
)


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``cloud`` to the ``edgent`` command."""
    cloud = commands.add_parser(
        "cloud",
        help="run a local Blynk-compatible cloud (device protocol and HTTP API) for development and tests",
        description=DESCRIPTION,
    )
    add_arguments(cloud)


def add_arguments(cloud: argparse.ArgumentParser) -> None:
    """Add the options of ``edgent cloud`` to a parser (also used by ``python -m edgent_host.cloud``)."""
    cloud.add_argument(
        "--listen", required=True, type=parse_address, metavar="HOST:PORT", help="device protocol (port 0: any free)"
    )
    cloud.add_argument("--tls", action="store_true", help="serve the device protocol over TLS, with the local CA")
    cloud.add_argument(
        "--ca",
        type=Path,
        default=DEFAULT_CA_DIR,
        metavar="DIR",
        help="CA directory, created when missing; devices trust DIR/ca.pem (default %(default)s)",
    )
    cloud.add_argument(
        "--http", required=True, type=parse_address, metavar="HOST:PORT", help="HTTP API (port 0: any free)"
    )
    cloud.add_argument(
        "--token", action="append", default=[], type=_token, metavar="T", help="a device's auth token (repeatable)"
    )
    cloud.add_argument(
        "--template",
        default=DEFAULT_TEMPLATE_ID,
        metavar="TMPL",
        help="template id of the --token devices (default %(default)s)",
    )
    cloud.add_argument(
        "--redirect",
        type=parse_address,
        metavar="HOST:PORT",
        help="answer every login with a REDIRECT there, then close",
    )
    cloud.set_defaults(run=run)


def _token(text: str) -> str:
    if not text or not text.isascii() or not text.isprintable() or " " in text:
        raise argparse.ArgumentTypeError("a token is printable ASCII without spaces")
    return text


def run(args: argparse.Namespace) -> int:
    """Run the cloud the parsed arguments describe until SIGINT or SIGTERM; return the exit status."""
    config = CloudConfig(
        listen=args.listen,
        http=args.http,
        tls=args.tls,
        ca_dir=args.ca,
        tokens=args.token,
        template_id=args.template,
        redirect=args.redirect,
    )
    logger = logging.getLogger("edgent_host.cloud")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s.%(msecs)03d %(message)s", "%H:%M:%S"))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        return asyncio.run(_serve(config))
    except KeyboardInterrupt:  # a Ctrl-C before the signal handlers were in place
        return 130
    finally:
        logger.removeHandler(handler)


async def _serve(config: CloudConfig) -> int:
    cloud = CloudServer(config)
    try:
        await cloud.start()
    except (OSError, ValueError) as error:  # a port in use, an unknown host, an unreadable CA directory
        print(PREFIX + "cannot start: %s" % error, file=sys.stderr)
        return 1
    print(
        PREFIX + "device protocol on %s (%s)" % (format_address(cloud.device_address), "tls" if config.tls else "plain")
    )
    print(PREFIX + "http api on %s" % format_address(cloud.http_address))
    if cloud.ca_files is not None:
        print(PREFIX + "devices trust %s" % cloud.ca_files.ca_cert, file=sys.stderr)
    sys.stdout.flush()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(signum, stop.set)
        except (NotImplementedError, RuntimeError, ValueError):  # not the main thread, or not Unix
            pass
    try:
        await stop.wait()
    finally:
        print(PREFIX + "stopping", file=sys.stderr)
        await cloud.close()
    return 0

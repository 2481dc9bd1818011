# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The ``edgent`` command: one entry point for the host tools.

Each subcommand lives in its own module and registers its arguments here.
"""

from __future__ import annotations

import argparse
import sys

from edgent_host import demo, nvmtool, provision
from edgent_host.cloud import command as cloud_command
from edgent_host.deploy import command as deploy_command
from edgent_host.sim import command as sim_command


def build_parser() -> argparse.ArgumentParser:
    """Return the parser for ``edgent`` and all its subcommands."""
    parser = argparse.ArgumentParser(
        prog="edgent",
        description="Host tools for blynk_edgent, Blynk.Edgent WiFi provisioning for CircuitPython.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True
    nvmtool.register(commands)
    cloud_command.register(commands)
    sim_command.register(commands)
    provision.register(commands)
    deploy_command.register(commands)
    demo.register(commands)
    return parser


# Options whose value is free text: a WiFi password or an auth token may begin with "-", which
# argparse would take for an option ("--password -pw" fails: "expected one argument").
FREE_TEXT = ("--ssid", "--password", "--token")


def free_text(argv: list[str]) -> list[str]:
    """``argv`` with each free-text option joined to a value beginning with one "-"
    (``--password -pw`` -> ``--password=-pw``); a value beginning with "--" still needs "="."""
    out: list[str] = []
    at = 0
    while at < len(argv):
        item = argv[at]
        following = argv[at + 1] if at + 1 < len(argv) else ""
        if item in FREE_TEXT and following.startswith("-") and not following.startswith("--"):
            out.append(item + "=" + following)
            at += 2
        else:
            out.append(item)
            at += 1
    return out


def main(argv: list[str] | None = None) -> int:
    """Run ``edgent`` with ``argv`` (default: the command line); return the exit status."""
    parser = build_parser()
    args = parser.parse_args(free_text(sys.argv[1:] if argv is None else argv))
    result: int = args.run(args)
    return result


if __name__ == "__main__":
    sys.exit(main())

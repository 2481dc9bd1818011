# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""``python -m edgent_host.cloud``: the same as ``edgent cloud``, without loading the other ``edgent`` tools."""

from __future__ import annotations

import argparse
import sys

from edgent_host.cloud.command import DESCRIPTION, add_arguments, run


def main(argv: list[str] | None = None) -> int:
    """Run the local cloud with ``argv`` (default: the command line); return the exit status."""
    parser = argparse.ArgumentParser(prog="python -m edgent_host.cloud", description=DESCRIPTION)
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())

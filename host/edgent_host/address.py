# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""``HOST:PORT`` on the command line, one set of rules for every host tool."""

from __future__ import annotations

import argparse


class AddressError(argparse.ArgumentTypeError, ValueError):
    """Not ``HOST:PORT``: argparse prints the message, other callers may catch a ValueError."""


def parse_address(text: str) -> tuple[str, int]:
    """``HOST:PORT`` (or ``[IPv6]:PORT``) as a tuple; an empty host (``:8080``) means every IPv4 interface."""
    host, sep, port = text.rpartition(":")
    if not sep or not port.isdigit() or int(port) > 65535:
        raise AddressError("expected HOST:PORT, got %r" % text)
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    return host, int(port)


def format_address(address: tuple[str, int]) -> str:
    """``HOST:PORT``, with brackets around an IPv6 host."""
    host, port = address
    return "[%s]:%d" % (host, port) if ":" in host else "%s:%d" % (host, port)

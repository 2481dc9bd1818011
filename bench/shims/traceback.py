# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""Stand-in for CircuitPython's built-in ``traceback`` (adafruit_httpserver imports it)."""


def print_exception(*args, **kwargs):
    """Print nothing; the benchmark only imports."""


def format_exception(*args, **kwargs):
    """Return no lines; the benchmark only imports."""
    return []

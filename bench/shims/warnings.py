# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""Stand-in for CircuitPython's ``warnings``."""


def warn(message, *args):
    """Print nothing; the benchmark only imports."""

# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""Stand-in for CircuitPython's ``microcontroller``: an erased 8 KB NVM."""

nvm = bytearray(b"\xff" * 8192)


def reset():
    """A board would reboot here; the tests only need the name."""
    raise SystemExit("microcontroller.reset()")


class Pin:
    """A pin (Blinka's displayio refers to the type when it loads in the same test process)."""

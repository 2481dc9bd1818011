# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""``neopixel_write`` for the simulator: the colour bytes a NeoPixel was sent."""

from __future__ import annotations

from edgent_host.sim import runtime


def neopixel_write(digitalinout: object, buf: bytes | bytearray) -> None:
    """Send ``buf`` (GRB bytes per pixel) to the NeoPixel on ``digitalinout``'s pin."""
    state = getattr(digitalinout, "_state", None)
    if state is None:
        raise TypeError("digitalinout must be a DigitalInOut")
    changed = state.pixels != bytes(buf)
    state.pixels = bytes(buf)
    if changed:
        runtime.current().led_changed()

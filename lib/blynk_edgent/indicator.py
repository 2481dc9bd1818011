# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The status LED: Blynk.Edgent's patterns (protocol doc section 5.1), timed by the poll clock.

A pattern is a tuple. ``("beat", colour, times)`` lights the colour for ``times[0]`` ms, is dark
for ``times[1]`` ms, and so on, cycling; ``("wave", colour, period)`` breathes through 256 steps
of ``period // 256`` ms, the brightness rising from 0 to 127 and falling back. A pattern starts
over when the state changes (or the button-hold feedback starts), exactly as Blynk's Indicator.h
counts its steps. Nothing sleeps: ``sample`` says what the LED shows at any millisecond, and the
ticker writes the LED only when that changes.
"""

from blynk_edgent.button import HOLD_ACTION_MS, HOLD_FEEDBACK_MS
from blynk_edgent.clock import ticks_diff

WHITE = 0xFFFFE7
BLUE = 0x0D36FF
BLYNK = 0x2EFFB9
RED = 0xFF1008

# (kind, colour, steps): beat steps are on/off times in ms, a wave's is its period in ms.
HELD_LONG = ("beat", WHITE, (100, 100))
HELD = ("wave", WHITE, 1000)
WAIT = ("beat", BLUE, (50, 500))
CONFIGURING = ("beat", BLUE, (200, 200))
CONNECTING_NET = ("beat", BLYNK, (50, 500))
CONNECTING_CLOUD = ("beat", BLYNK, (100, 100))
RUNNING = ("wave", BLYNK, 5000)
FAULT = ("beat", RED, (80, 100, 80, 1000))

_BY_STATE = {
    "WAIT_CONFIG": WAIT,
    "RESET_CONFIG": WAIT,
    "CONFIGURING": CONFIGURING,
    "CONNECTING_NET": CONNECTING_NET,
    "CONNECTING_CLOUD": CONNECTING_CLOUD,
    "RUNNING": RUNNING,
}  # Blynk's OTA_UPGRADE pattern is left out: CircuitPython does not update itself over the air


def pattern_for(state, held_ms=0):
    """The pattern for ``state`` with the reset button held for ``held_ms``, in Blynk's priority order."""
    if held_ms > HOLD_ACTION_MS:
        return HELD_LONG
    if held_ms > HOLD_FEEDBACK_MS:
        return HELD
    return _BY_STATE.get(state, FAULT)  # ERROR, SWITCH_TO_STA, INIT: the red double blink


def dim(colour, brightness):
    """Scale each channel of ``colour`` by ``brightness``/255, as Blynk's DIMM does."""
    return (
        (((colour >> 16) & 0xFF) * brightness // 255) << 16
        | (((colour >> 8) & 0xFF) * brightness // 255) << 8
        | (colour & 0xFF) * brightness // 255
    )


def sample(pattern, elapsed_ms, brightness=255):
    """What the LED shows ``elapsed_ms`` after ``pattern`` started: ``(colour, level)``.

    ``colour`` (0xRRGGBB) is for RGB LEDs, ``level`` (0-255) for single-colour ones; both are
    already scaled by ``brightness``.
    """
    kind, colour, steps = pattern
    colour = dim(colour, brightness)
    if kind == "beat":
        position = elapsed_ms % sum(steps)
        index = 0
        while position >= steps[index]:
            position -= steps[index]
            index += 1
        lit = index % 2 == 0
        return (colour if lit else 0), (brightness if lit else 0)
    step = elapsed_ms // (steps // 256) % 256
    level = step if step < 128 else 255 - step
    red = ((colour >> 16) & 0xFF) * level // 128
    green = ((colour >> 8) & 0xFF) * level // 128
    blue = (colour & 0xFF) * level // 128
    return (red << 16) | (green << 8) | blue, level * 2 * brightness // 255


class Indicator:
    """Shows the device's state on a status LED driver (see :mod:`blynk_edgent.leds`), and the
    hold of the reset ``button`` (a :class:`~blynk_edgent.button.ResetButton`) when there is one."""

    def __init__(self, led, brightness=255, button=None):
        self.led = led
        self.brightness = brightness
        self.button = button
        self._key = None
        self._start = 0
        self._shown = None

    def show(self, state, now):
        """Update the LED for ``state`` at ``now`` (ms ticks)."""
        held = self.button.held_ms if self.button is not None else 0
        pattern = pattern_for(state, held)
        key = (state, pattern)
        if key != self._key:
            self._key = key
            self._start = now
        shown = sample(pattern, ticks_diff(now, self._start), self.brightness)
        if shown != self._shown:
            self._shown = shown
            self.led.show(shown[0], shown[1])

# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The reset button (protocol doc section 5.2): held for 10 s or more and released, it erases the
configuration and enters config mode.

The action is on release, never at the 10 s mark, so a user who changes their mind can keep
holding. While it is held the LED (and the screen) give feedback from 3 s and again from 10 s,
and in ERROR a held button postpones the reboot: they all ask the button's ``held_ms``.
Debounced: a change must last 20 ms before it counts, and the hold is timed from the first edge
of the press to the first edge of the release. Polled from the main loop with the poll's clock;
no interrupts, no sleeping.
"""

from blynk_edgent.clock import ticks_diff

DEBOUNCE_MS = 20
HOLD_FEEDBACK_MS = 3000  # the LED and the screen start to say what a release would do
HOLD_ACTION_MS = 10000  # a release from here on erases the configuration


class ResetButton:
    """A button on ``pin`` (active low with a pull-up unless ``active_low=False``).

    ``read`` replaces the pin for tests: a function returning the raw level.
    """

    def __init__(self, pin=None, active_low=True, read=None):
        if read is None:
            from digitalio import DigitalInOut, Pull

            io = DigitalInOut(pin)
            io.switch_to_input(Pull.UP if active_low else Pull.DOWN)

            def read():
                return io.value

        self.held_ms = 0  # how long it has been held, debounced; 0 while released
        self._read = read
        self._active_low = active_low
        self._pressed = False  # the debounced state
        self._edge = None  # when the raw level last left the debounced state
        self._pressed_at = None

    def poll(self, now):
        """Follow the button at ``now`` (ms ticks). Returns how long it was held when it was just
        released after ``HOLD_ACTION_MS`` or more (the erase is due), else 0."""
        raw = self._read()
        down = not raw if self._active_low else bool(raw)
        erase = 0
        if down == self._pressed:
            self._edge = None  # a bounce that did not last
        elif self._edge is None:
            self._edge = now
        elif ticks_diff(now, self._edge) >= DEBOUNCE_MS:
            self._pressed = down
            if down:
                self._pressed_at = self._edge
            else:
                held = ticks_diff(self._edge, self._pressed_at)
                self._pressed_at = None
                if held >= HOLD_ACTION_MS:
                    erase = held
            self._edge = None
        held_at = self._pressed_at
        # 0 while not held; held, it is at least the debounce time
        self.held_ms = ticks_diff(now, held_at) if held_at is not None else 0
        return erase

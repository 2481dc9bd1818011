"""The reset button (protocol doc section 5.2): held for 10 s or more and released, it erases the
configuration and enters config mode.

The action is on release, never at the 10 s mark, so a user who changes their mind can keep
holding. While it is held the LED (and the screen) give feedback from 3 s and again from 10 s,
and in ERROR a held button postpones the reboot. Debounced: a change must last 20 ms before it
counts, and the hold is timed from the first edge of the press to the first edge of the release.
Polled from the main loop with the poll's clock; no interrupts, no sleeping.
"""

from blynk_edgent.clock import ticks_diff
from blynk_edgent.edgent import HOLD_ACTION_MS

DEBOUNCE_MS = 20


class ResetButton:
    """A button on ``pin`` (active low with a pull-up unless ``active_low=False``); a poll ticker.

    ``read`` replaces the pin for tests: a function returning the raw level.
    """

    def __init__(self, pin=None, active_low=True, read=None):
        if read is None:
            from digitalio import DigitalInOut, Pull

            io = DigitalInOut(pin)
            io.switch_to_input(Pull.UP if active_low else Pull.DOWN)

            def read():
                return io.value

        self._read = read
        self._active_low = active_low
        self._pressed = False  # the debounced state
        self._edge = None  # when the raw level last left the debounced state
        self._pressed_at = None

    def __call__(self, edgent, now):
        """Follow the button at ``now`` (ms ticks); act on ``edgent`` after a long hold."""
        raw = self._read()
        down = not raw if self._active_low else bool(raw)
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
                    edgent._log(
                        "reset button held for %d.%d s: erasing the configuration" % (held // 1000, held % 1000 // 100)
                    )
                    edgent.button_held_ms = 0
                    edgent.reset_config()
            self._edge = None
        held_at = self._pressed_at
        # 0 while not held; held, it is at least the debounce time
        edgent.button_held_ms = ticks_diff(now, held_at) if held_at is not None else 0

# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The status LED's timeline on a virtual clock, to the millisecond (protocol doc section 5.1)."""

from blynk_edgent import indicator as ind


def lit_intervals(pattern, until):
    """[(start, end)] of the milliseconds in which the LED is lit."""
    out = []
    start = None
    for t in range(until):
        lit = ind.sample(pattern, t)[1] > 0
        if lit and start is None:
            start = t
        elif not lit and start is not None:
            out.append((start, t))
            start = None
    if start is not None:
        out.append((start, until))
    return out


def test_beats_per_state():
    assert lit_intervals(ind.pattern_for("WAIT_CONFIG"), 1200) == [(0, 50), (550, 600), (1100, 1150)]
    assert lit_intervals(ind.pattern_for("RESET_CONFIG"), 600) == [(0, 50), (550, 600)]
    assert lit_intervals(ind.pattern_for("CONFIGURING"), 900) == [(0, 200), (400, 600), (800, 900)]
    assert lit_intervals(ind.pattern_for("CONNECTING_NET"), 1200) == [(0, 50), (550, 600), (1100, 1150)]
    assert lit_intervals(ind.pattern_for("CONNECTING_CLOUD"), 450) == [(0, 100), (200, 300), (400, 450)]
    for state in ("ERROR", "SWITCH_TO_STA", "INIT"):
        assert lit_intervals(ind.pattern_for(state), 1600) == [(0, 80), (180, 260), (1260, 1340), (1440, 1520)]


def test_colours_of_the_beats():
    assert ind.sample(ind.pattern_for("WAIT_CONFIG"), 10)[0] == 0x0D36FF
    assert ind.sample(ind.pattern_for("WAIT_CONFIG"), 60)[0] == 0
    assert ind.sample(ind.pattern_for("CONNECTING_NET"), 10)[0] == 0x2EFFB9
    assert ind.sample(ind.pattern_for("ERROR"), 10)[0] == 0xFF1008


def test_running_breathes_in_256_steps_of_19_ms():
    running = ind.pattern_for("RUNNING")
    assert ind.sample(running, 0) == (0, 0)
    assert ind.sample(running, 18) == (0, 0)
    assert ind.sample(running, 19) == ((0x2E * 1 // 128) << 16 | (0xFF * 1 // 128) << 8 | 0xB9 * 1 // 128, 2)
    peak = ind.sample(running, 19 * 127)
    assert peak == ((0x2E * 127 // 128) << 16 | (0xFF * 127 // 128) << 8 | 0xB9 * 127 // 128, 254)
    assert ind.sample(running, 19 * 128) == peak  # 255 - 128 = 127: the top is held two steps
    assert ind.sample(running, 19 * 255) == (0, 0)
    assert ind.sample(running, 19 * 256) == (0, 0)  # the next breath, 4864 ms after the first
    assert ind.sample(running, 19 * 256 + 19 * 64) == ind.sample(running, 19 * 64)


def test_button_feedback_has_priority():
    assert ind.pattern_for("RUNNING", 3000) is ind.RUNNING
    assert ind.pattern_for("RUNNING", 3001) is ind.HELD
    assert ind.pattern_for("ERROR", 10000) is ind.HELD
    assert ind.pattern_for("WAIT_CONFIG", 10001) is ind.HELD_LONG
    assert lit_intervals(ind.HELD_LONG, 450) == [(0, 100), (200, 300), (400, 450)]
    assert ind.sample(ind.HELD, 3 * 100)[0] == (0xFF * 100 // 128) << 16 | (0xFF * 100 // 128) << 8 | 0xE7 * 100 // 128


def test_brightness_scales_like_dimm():
    assert ind.dim(0xFFFFFF, 64) == 0x404040
    assert ind.sample(ind.pattern_for("WAIT_CONFIG"), 0, 64) == (ind.dim(0x0D36FF, 64), 64)


class HeldButton:
    """What the indicator asks of a reset button: how long it has been held."""

    held_ms = 0


class RecordingLED:
    def __init__(self):
        self.shown = []

    def show(self, colour, level):
        self.shown.append((colour, level))


def test_indicator_restarts_on_state_change_and_writes_only_changes():
    led = RecordingLED()
    indicator = ind.Indicator(led)
    for t in range(1000, 1250):
        indicator.show("CONNECTING_CLOUD", t)
    assert led.shown == [(0x2EFFB9, 255), (0, 0), (0x2EFFB9, 255)]
    indicator.show("WAIT_CONFIG", 1250)  # the new pattern starts now, lit
    indicator.show("WAIT_CONFIG", 1299)
    indicator.show("WAIT_CONFIG", 1300)
    assert led.shown[3:] == [(0x0D36FF, 255), (0, 0)]


def test_indicator_hold_feedback_starts_over():
    led = RecordingLED()
    button = HeldButton()
    indicator = ind.Indicator(led, button=button)
    indicator.show("RUNNING", 0)
    button.held_ms = 3001
    indicator.show("RUNNING", 500)  # the wave starts at 0: dark
    button.held_ms = 10001
    indicator.show("RUNNING", 501)
    assert led.shown[-1] == (ind.WHITE, 255)

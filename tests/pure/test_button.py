# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The reset button on a virtual clock: debounce, the 10 s hold on release, feedback for the LED."""

from blynk_edgent.button import ResetButton


class Pin:
    def __init__(self):
        self.level = True  # active low, released


class Erases:
    """The holds a button reported as due an erase."""

    def __init__(self):
        self.held = []

    @property
    def resets(self):
        return len(self.held)


def run(events, until, step=1):
    """``events``: {ms: level}; poll every ``step`` ms until ``until``; return the erases and a trace."""
    pin = Pin()
    button = ResetButton(read=lambda: pin.level)
    device = Erases()
    trace = {}
    t = 0
    while t <= until:
        if t in events:
            pin.level = events[t]
        held = button.poll(t)
        if held:
            device.held.append(held)
        trace[t] = (button.held_ms > 0, button.held_ms, device.resets)
        t += step
    return device, trace


def test_a_ten_second_hold_erases_on_release():
    device, trace = run({1000: False, 11000: True}, 12000)
    assert trace[10999][2] == 0  # nothing while still held, even past 10 s
    assert trace[11019][2] == 0  # the release is debounced
    assert trace[11020][2] == 1
    assert device.held == [10000]  # from the first edge of the press to the first of the release


def test_a_hold_of_9_9_seconds_does_nothing():
    device, _ = run({1000: False, 10900: True}, 12000)
    assert device.resets == 0


def test_holding_much_longer_still_acts_once_on_release():
    device, trace = run({0: False, 25000: True}, 26000, step=5)
    assert trace[24995][2] == 0 and device.resets == 1


def test_feedback_times_from_the_first_edge():
    _, trace = run({1000: False}, 15000)
    assert trace[1019] == (False, 0, 0)  # not yet debounced
    assert trace[1020] == (True, 20, 0)
    assert trace[4000][1] == 3000 and trace[4001][1] == 3001  # the LED's 3 s threshold
    assert trace[11001][1] == 10001


def test_bounces_under_20_ms_are_ignored():
    bounces = {1000: False, 1005: True, 1010: False, 1015: True}  # a noisy tap, 15 ms in all
    device, trace = run(bounces, 2000)
    assert all(not held for held, _, _ in trace.values())
    # chatter at the release of a real hold does not cut the hold short
    chatter = {0: False, 10000: True, 10004: False, 10010: True}
    device, trace = run(chatter, 11000)
    assert device.resets == 1
    assert trace[10025][2] == 0 and trace[10030][2] == 1  # 20 ms after the last edge


def test_active_high_buttons():
    level = [False]
    button = ResetButton(active_low=False, read=lambda: level[0])
    erases = []
    for t in range(0, 12000, 10):
        level[0] = 100 <= t < 10200
        if button.poll(t):
            erases.append(t)
    assert len(erases) == 1

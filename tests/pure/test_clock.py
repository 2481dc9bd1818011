# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""Tick arithmetic across the 2**29 wrap of supervisor.ticks_ms()."""

from blynk_edgent.clock import ticks_add, ticks_diff

PERIOD = 1 << 29


def test_diff_across_the_wrap():
    assert ticks_diff(5, PERIOD - 5) == 10
    assert ticks_diff(PERIOD - 5, 5) == -10
    assert ticks_diff(1000, 0) == 1000


def test_add_wraps():
    assert ticks_add(PERIOD - 1, 2) == 1
    assert ticks_diff(ticks_add(PERIOD - 100, 65000), PERIOD - 100) == 65000

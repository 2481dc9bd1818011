# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""When to try again: capped exponential backoff with jitter, counted on the poll's clock.

Every failed attempt doubles the wait from ``first_ms`` up to ``cap_ms``; the wait actually
used is drawn from its upper half, so devices that lost the same router do not come back in step.
"""

from blynk_edgent.clock import ticks_add, ticks_diff


class Backoff:
    """The retry schedule of one kind of attempt (joining a network, opening the cloud link)."""

    def __init__(self, first_ms=1000, cap_ms=30000):
        self.first_ms = first_ms
        self.cap_ms = cap_ms
        self.attempts = 0  # failures in a row
        self._next = None  # when the next attempt is due (None: now)

    def due(self, now):
        """True when an attempt may start at ``now``."""
        return self._next is None or ticks_diff(now, self._next) >= 0

    def failed(self, now, at_most=None):
        """An attempt failed at ``now``: schedule the next one, ``at_most`` ms away if given;
        return the wait in ms."""
        delay = min(self.cap_ms, self.first_ms << min(self.attempts, 10))
        self.attempts += 1
        try:
            from random import randint

            delay = delay // 2 + randint(0, delay // 2)
        except ImportError:  # a build without random: the full wait
            pass
        if at_most is not None:
            delay = max(0, min(delay, at_most))
        self._next = ticks_add(now, delay)
        return delay

    def reset(self):
        """An attempt succeeded (or the configuration changed): the next one may start at once."""
        self.attempts = 0
        self._next = None

"""Stand-in for ``__future__``, which CircuitPython has built in (CIRCUITPY_FUTURE) and this MicroPython lacks."""

annotations = True

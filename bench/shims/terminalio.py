"""Stand-in for CircuitPython's built-in ``terminalio``."""

FONT = None

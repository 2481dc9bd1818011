"""Stand-in for CircuitPython's built-in ``adafruit_bus_device`` (SAMD51 has it in C)."""

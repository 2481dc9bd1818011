# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""Stand-in for CircuitPython's built-in ``adafruit_bus_device`` (SAMD51 has it in C)."""

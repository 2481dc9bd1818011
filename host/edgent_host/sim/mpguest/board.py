# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""``board`` for a board's code running under MicroPython (WebAssembly) with its pins in the
simulator on the host (``edgent_host.sim.mpbridge``): a pin is its name; the names are the
Arduino Nano 33 IoT's that reach its NINA module."""


class Pin:
    """A pin, known by its name (the host side has the real one)."""

    def __init__(self, name):
        self.name = name


ESP_SCK = Pin("ESP_SCK")
ESP_MOSI = Pin("ESP_MOSI")
ESP_MISO = Pin("ESP_MISO")
ESP_CS = Pin("ESP_CS")
ESP_BUSY = Pin("ESP_BUSY")
ESP_RESET = Pin("ESP_RESET")
ESP_GPIO0 = Pin("ESP_GPIO0")

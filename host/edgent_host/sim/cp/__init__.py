# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""CircuitPython's hardware modules for the simulator, each as its real counterpart behaves.

Signatures, values and errors follow CircuitPython 10 (checked against ``circuitpython-stubs``):
``wifi.radio.connect`` raises ``ConnectionError("Authentication failure")``, sockets have
``recv_into`` and no ``recv``, a non-blocking ``accept`` raises ``OSError(EAGAIN)`` with newlib's
numbers (``errno``), a new ESP32 NVM reads zeros, ``microcontroller.watchdog`` is the board's
watchdog. Where a port does something harsher than another, the simulator does it on that port,
and where the truth is uncertain it takes the harsher plausible behaviour
(../shared/docs/hardware-truth.md). ``device.py`` installs them under their CircuitPython names;
on a board whose WiFi is a co-processor (``radio="esp32spi"`` or ``"rtl8720"``) it leaves out
``NATIVE_WIFI``, which such boards do not have; ``busio.SPI`` reaches the emulated ESP32
(``sim/nina``) and ``busio.UART`` the emulated RTL8720DN (``sim/rtl8720``) instead.
"""

# Module name as code.py imports it -> module here.
MODULES = {
    "board": "edgent_host.sim.cp.board",
    "microcontroller": "edgent_host.sim.cp.microcontroller",
    "supervisor": "edgent_host.sim.cp.supervisor",
    "digitalio": "edgent_host.sim.cp.digitalio",
    "busio": "edgent_host.sim.cp.busio",
    "pwmio": "edgent_host.sim.cp.pwmio",
    "neopixel_write": "edgent_host.sim.cp.neopixel_write",
    "watchdog": "edgent_host.sim.cp.watchdog",
    "wifi": "edgent_host.sim.cp.wifi",
    "socketpool": "edgent_host.sim.cp.socketpool",
    "ssl": "edgent_host.sim.cp.ssl",
    "errno": "edgent_host.sim.cp.errno",
}
# The modules of a native WiFi radio: not on AirLift boards nor the Wio (CIRCUITPY_WIFI = 0 there).
NATIVE_WIFI = ("wifi", "socketpool", "ssl")
# Installed after every other module (device.install_modules says why).
INSTALLED_LAST = ("errno",)

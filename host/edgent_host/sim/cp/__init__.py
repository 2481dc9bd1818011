"""CircuitPython's hardware modules for the simulator, each as its real counterpart behaves.

Signatures, values and errors follow CircuitPython 10 (checked against ``circuitpython-stubs``):
``wifi.radio.connect`` raises ``ConnectionError("Authentication failure")``, sockets have
``recv_into`` and no ``recv``, a non-blocking ``accept`` raises ``OSError(EAGAIN)``, a new ESP32
NVM holds random bytes. ``device.py`` installs them under their CircuitPython names; on a board
whose WiFi is an ESP32 co-processor (``radio="esp32spi"``) it leaves out ``NATIVE_WIFI``, which
such boards do not have, and ``busio.SPI`` reaches the emulated ESP32 (``sim/nina``) instead.
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
    "wifi": "edgent_host.sim.cp.wifi",
    "socketpool": "edgent_host.sim.cp.socketpool",
    "ssl": "edgent_host.sim.cp.ssl",
}
# The modules of a native WiFi radio: not on AirLift boards (CIRCUITPY_WIFI = 0 there).
NATIVE_WIFI = ("wifi", "socketpool", "ssl")

# MicroPython's errno numbers, which CircuitPython's OSErrors carry.
EAGAIN = 11
ECONNABORTED = 103
ECONNRESET = 104
ENOTCONN = 107
ETIMEDOUT = 110
ECONNREFUSED = 111
EHOSTUNREACH = 113
EINPROGRESS = 115
EADDRINUSE = 98
EBADF = 9
EINVAL = 22
EOPNOTSUPP = 95

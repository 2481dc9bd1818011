# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""``errno`` as CircuitPython has it: newlib's numbers, not Linux's.

CircuitPython builds with ``MICROPY_USE_INTERNAL_ERRNO = 0`` (``py/mpconfig.h``), so ``MP_Exxx`` are
the C library's ``Exxx``: newlib's ``sys/errno.h`` on every port (arm-none-eabi for raspberrypi and
atmel-samd, ESP-IDF's newlib for espressif, whose lwIP also uses them). ``ETIMEDOUT`` is 116 there,
not Linux's 110 (adafruit/circuitpython issue 9006 shows 116 on a FeatherS3 and a Pico W). The
names are ``MICROPY_PY_ERRNO_LIST``'s default (``py/moderrno.c``), which espressif and raspberrypi
use; ``errorcode`` maps each number back to its name (``MICROPY_PY_ERRNO_ERRORCODE``).

The simulated ``socketpool`` and ``ssl`` raise ``OSError`` with these numbers, and ``device.py``
installs this module as ``errno`` for the device's code (see ``install_modules`` for when).
A SAMD21 build has no ``errno`` module at all (``CIRCUITPY_ERRNO`` follows ``CIRCUITPY_FULL_BUILD``);
the simulator cannot take CPython's away, so such a board sees this one.
"""

EPERM = 1
ENOENT = 2
EIO = 5
EBADF = 9
EAGAIN = 11
ENOMEM = 12
EACCES = 13
EEXIST = 17
ENODEV = 19
EISDIR = 21
EINVAL = 22
ENOSPC = 28
EROFS = 30
EOPNOTSUPP = 95
ECONNRESET = 104
ENOBUFS = 105
ECONNREFUSED = 111
EADDRINUSE = 112
ECONNABORTED = 113
ETIMEDOUT = 116
EHOSTUNREACH = 118
EINPROGRESS = 119
EALREADY = 120
ENOTCONN = 128

# Number -> name, as CircuitPython's errno.errorcode.
errorcode: dict[int, str] = {
    value: name for name, value in sorted(globals().items()) if name.startswith("E") and isinstance(value, int)
}

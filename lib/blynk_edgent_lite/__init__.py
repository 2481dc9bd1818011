# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""blynk_edgent lite: Blynk.Edgent for the SAMD21 boards with a NINA module (Arduino Nano 33 IoT,
MKR WiFi 1010), whose CircuitPython build has about 17 KB of heap, no long integers, no ``json``,
``re``, ``errno`` or ``binascii``, and strings without ``encode``/``decode`` (issue 17).

Groundwork so far, each part tested (also under MicroPython): :mod:`~blynk_edgent_lite.crc`
(CRC-32 in 16-bit halves), :mod:`~blynk_edgent_lite.apname` (the access point's name),
:mod:`~blynk_edgent_lite.nina` (its own NINA driver: start-up, scan, join, the file store),
:mod:`~blynk_edgent_lite.store` (the configuration in two files on the NINA's flash),
:mod:`~blynk_edgent_lite.blynk` (Blynk's frames). ``make test`` holds every module here to what
that build has (tests/test_lite_build.py). The device itself (``Edgent``, config mode and its
portal, running mode, sockets in the driver, the profiles) is to come.
"""

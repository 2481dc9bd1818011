# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""blynk_edgent lite: Blynk.Edgent for the SAMD21 boards with a NINA module (Arduino Nano 33 IoT,
MKR WiFi 1010), whose CircuitPython build has about 17 KB of heap, no long integers, no ``json``,
``re``, ``errno`` or ``binascii``, and strings without ``encode``/``decode`` (issue 17).

Groundwork so far: :mod:`blynk_edgent_lite.apname` (the access point's name with 16-bit
arithmetic). ``make test`` holds every module here to what that build has
(tests/test_lite_build.py). The device itself (config mode, running mode, the NINA driver, the
configuration in the NINA's file store) is to come.
"""

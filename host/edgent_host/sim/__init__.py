# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The simulator: a CircuitPython board on CPython, running a ``code.py`` unchanged.

``supervisor.py`` runs one device process per boot and serves the panel; ``device.py`` is that
process: it installs CircuitPython's modules (``cp/``), backed by loopback sockets, a file-backed
NVM and a model of the WiFi networks around (``world.py``), then runs ``code.py``.
"""

# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""Blynk.Edgent for CircuitPython: WiFi provisioning, a power-fail-safe NVM store and the Blynk cloud link.

``from blynk_edgent import Edgent`` is all a ``code.py`` needs. ``Edgent`` imports the rest when
it needs it and drops what it no longer needs (:mod:`blynk_edgent.memory`).
"""

from blynk_edgent.edgent import Edgent
from blynk_edgent.version import __version__

__all__ = ("Edgent", "__version__")

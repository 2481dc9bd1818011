"""Blynk.Edgent for CircuitPython: WiFi provisioning, a power-fail-safe NVM store and the Blynk cloud link.

``from blynk_edgent import Edgent`` is all a ``code.py`` needs. ``Edgent`` imports the rest when
it needs it: config mode's modules only in config mode, the store only at start and when saving.
"""

__version__ = "0.1.0"

from blynk_edgent.edgent import Edgent

__all__ = ("Edgent",)

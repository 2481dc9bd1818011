"""Blynk.Edgent for CircuitPython: WiFi provisioning, a power-fail-safe NVM store and the Blynk cloud link."""

__version__ = "0.1.0"

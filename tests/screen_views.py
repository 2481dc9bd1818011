# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""Every screen the device shows, as views for :func:`blynk_edgent.screen.content`, for the
reference pictures (tests/screens/) and the README."""

AP = "Blynk Device-PYN6"
BUTTON = "button A"

VIEWS = {
    "config-mode": {"state": "WAIT_CONFIG", "ap_ssid": AP, "button": BUTTON},
    "config-phone": {"state": "CONFIGURING", "ap_ssid": AP, "button": BUTTON},
    "config-password": {"state": "WAIT_CONFIG", "ap_ssid": AP, "ap_password": "k7m2x9qh4d", "button": BUTTON},
    "config-failed": {
        "state": "WAIT_CONFIG",
        "ap_ssid": AP,
        "button": BUTTON,
        "last_error": 722,
        "problem": "Wrong WiFi password.",
        "remedy": "Enter the WiFi password again.",
    },
    "joining": {"state": "CONNECTING_NET", "ssid": "HomeNet", "attempt": 1, "button": BUTTON},
    "joining-failed": {
        "state": "CONNECTING_NET",
        "ssid": "HomeNet",
        "attempt": 4,
        "button": BUTTON,
        "last_error": 720,
        "problem": "WiFi network not found.",
        "remedy": "Check the network name and that the router is in range.",
    },
    "logging-in": {"state": "CONNECTING_CLOUD", "ssid": "HomeNet", "button": BUTTON},
    "running": {"state": "RUNNING", "ssid": "HomeNet", "rssi": -48, "button": BUTTON},
    "hold-3s": {"state": "RUNNING", "ssid": "HomeNet", "held_ms": 4200, "button": BUTTON},
    "hold-10s": {"state": "RUNNING", "ssid": "HomeNet", "held_ms": 10400, "button": BUTTON},
    "erasing": {"state": "RESET_CONFIG", "button": BUTTON},
    "error": {"state": "ERROR", "last_error": 704, "problem": "The WiFi radio failed.", "button": BUTTON},
}

LAYOUTS = {"240x135": (240, 135), "320x240": (320, 240), "480x320": (480, 320)}

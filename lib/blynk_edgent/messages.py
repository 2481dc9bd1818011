# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""What each ``last_error`` code means in plain words, and what the user can do about it.

Kept apart from :mod:`blynk_edgent.errors` so that a running device pays for these strings only
when it shows or logs a failure.
"""

from blynk_edgent import errors as e

# code: (what happened, what to do next)
_WORDS = {
    e.NONE: ("No error.", ""),
    e.CONFIG: ("The settings sent to the device were invalid.", "Check them and send them again."),
    e.NETWORK_TIMEOUT: (
        "Could not join the WiFi network in time.",
        "Move closer to the router or check that it is on.",
    ),
    e.CLOUD_TIMEOUT: ("Joined WiFi, but could not reach Blynk.Cloud.", "Check that this network reaches the internet."),
    e.CLOUD_TOKEN: ("Blynk.Cloud refused the auth token.", "Copy the device's auth token again from Blynk."),
    e.NETWORK_GENERIC: ("The WiFi radio failed.", "Power the device off and on again."),
    e.CLOUD_GENERIC: ("The connection to Blynk.Cloud failed.", "Try again later."),
    e.CLOUD_DNS: ("The Blynk server's name did not resolve.", "Check the server host and the network's DNS."),
    e.CLOUD_TLS: ("The secure connection to Blynk.Cloud failed.", "Check the server host and port."),
    e.CAPTIVE_PORTAL: ("This network wants a login page first.", "Use a network without a login page."),
    e.NETWORK_NOT_FOUND: ("WiFi network not found.", "Check the network name and that the router is in range."),
    e.NETWORK_NO_CABLE: ("No network cable.", "Plug the cable in."),
    e.NETWORK_AUTH: ("Wrong WiFi password.", "Enter the WiFi password again."),
    e.NETWORK_NO_IP: ("Joined WiFi, but got no address.", "Check the router's DHCP or the static IP settings."),
    e.SIM_MISSING: ("No SIM card.", "Insert a SIM card."),
    e.SIM_LOCKED: ("The SIM card is locked.", "Unlock the SIM card."),
    e.SIM_PIN: ("Wrong SIM PIN.", "Check the SIM PIN."),
}


def describe(code):
    """Return what ``last_error`` code means, in plain words."""
    words = _WORDS.get(code)
    return words[0] if words else "Unknown error %d." % code


def remedy(code):
    """Return what the user can do about ``last_error`` code (empty for none)."""
    words = _WORDS.get(code)
    return words[1] if words else ""

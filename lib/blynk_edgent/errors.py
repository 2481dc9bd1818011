# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The ``last_error`` codes of Blynk.Edgent.

Codes and names follow Blynk's own (classic ConfigStore.h and the newer BlynkInject.h), so the
Blynk app reads them from ``/board_info.json`` as it would from a C++ device. What each means in
words lives in :mod:`blynk_edgent.messages`, imported only when something is shown or logged.
"""

NONE = 0
CONFIG = 700  # the configuration from the phone was invalid
NETWORK_TIMEOUT = 701  # could not join the network in time
CLOUD_TIMEOUT = 702  # could not reach the cloud in time
CLOUD_TOKEN = 703  # the cloud refused the auth token
NETWORK_GENERIC = 704  # a fault of the radio or of the board
CLOUD_GENERIC = 705
CLOUD_DNS = 710  # the cloud's host name did not resolve
CLOUD_TLS = 711  # the TLS handshake with the cloud failed
CAPTIVE_PORTAL = 712  # the network wants a login page before it lets traffic through
NETWORK_NOT_FOUND = 720
NETWORK_NO_CABLE = 721
NETWORK_AUTH = 722  # wrong WiFi password
NETWORK_NO_IP = 723  # joined, but no address from DHCP
SIM_MISSING = 730
SIM_LOCKED = 731
SIM_PIN = 732

CODES = (0, 700, 701, 702, 703, 704, 705, 710, 711, 712, 720, 721, 722, 723, 730, 731, 732)


def check_error_code(code):
    """Return ``code`` if it is a known ``last_error`` code, else raise ValueError."""
    if isinstance(code, bool) or not isinstance(code, int) or code not in CODES:
        raise ValueError(
            "last_error: expected one of the Blynk.Edgent codes (0, 700-705, 710-712, 720-723, 730-732), got %r"
            % (code,)
        )
    return code

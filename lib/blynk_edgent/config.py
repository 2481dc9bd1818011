# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The device configuration: its fields and their defaults.

A running device keeps this class, so it holds the fields and nothing else (about 0.7 KB of
heap less than with its former methods, as ``make bench`` measured). What makes a value valid
is :func:`blynk_edgent.validate.validate`, loaded only when something is checked. There is no
``__repr__``: the default one shows no field, so a printed configuration never leaks the
password or the token.
"""

DEFAULT_HOST = "blynk.cloud"
DEFAULT_PORT = 443  # Blynk.Cloud over TLS
PLAIN_PORT = 80  # Blynk.Cloud over plain TCP


class Config:
    """What a device keeps in NVM: its network, its Blynk token and cloud, and its last error.

    ``provisioned`` is true once the device has logged in to the cloud with this configuration
    (or when the app asked to store it at once with ``save=1``). ``static`` is None for DHCP,
    else ``(ip, mask, gw, dns, dns2)`` as dotted-quad text ("" for an unset gw, dns or dns2).
    """

    def __init__(
        self,
        ssid="",
        password="",
        token="",
        host=DEFAULT_HOST,
        port=DEFAULT_PORT,
        static=None,
        provisioned=False,
        last_error=0,
    ):
        self.ssid = ssid
        self.password = password
        self.token = token
        self.host = host
        self.port = port
        self.static = static
        self.provisioned = provisioned
        self.last_error = last_error

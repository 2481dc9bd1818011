"""The device configuration: its fields and their defaults.

What makes a value valid is in :mod:`blynk_edgent.validate`, loaded by ``Config.validate()``
only when something is checked; a running device keeps just this small class.
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

    def replace(self, **changes):
        """Return a copy with the given fields changed."""
        fields = {}
        for name in FIELD_NAMES:
            fields[name] = getattr(self, name)
        for name in changes:
            if name not in fields:
                raise TypeError("unknown Config field: " + name)
        fields.update(changes)
        return Config(**fields)

    def validate(self, names=None):
        """Raise ValueError naming the first invalid field and its rule; return self if valid.

        A provisioned configuration needs an SSID and a token; one that is not provisioned
        may leave them empty (a device that only remembers its last error). ``names`` maps a
        field to what the user called it (a /config parameter, a settings.toml key).
        """
        from blynk_edgent.validate import validate

        validate(self, names)
        return self

    def __eq__(self, other):
        # (MicroPython and CPython both answer != from this.)
        if not isinstance(other, Config):
            return False
        for name in FIELD_NAMES:
            if getattr(self, name) != getattr(other, name):
                return False
        return True

    def __repr__(self):
        # Secrets never reach a log: the password is hidden, the token cut to 4 characters.
        return "Config(ssid=%r, password=%s, token=%s, host=%r, port=%d, static=%r, provisioned=%r, last_error=%d)" % (
            self.ssid,
            "'***'" if self.password else "''",
            self.token[:4] + "..." if self.token else "''",
            self.host,
            self.port,
            self.static,
            self.provisioned,
            self.last_error,
        )


FIELD_NAMES = ("ssid", "password", "token", "host", "port", "static", "provisioned", "last_error")

# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""Reading ``settings.toml``: the template, the firmware version, and an optional fixed configuration.

CircuitPython's ``os.getenv`` reads ``/settings.toml``; before 10.2 it returned ints for integer
values, since then always text, so every value is taken as text here. Boards whose build has no
settings support raise NotImplementedError from ``getenv``; they read as "not set".
Used once at start-up.
"""

from blynk_edgent.config import DEFAULT_HOST, Config


class SettingsError(ValueError):
    """A setting is missing or malformed; the message names it and says how to fix it."""


def get(key, default=None):
    """Return the setting ``key`` as text, or ``default`` when it is not set."""
    try:
        from os import getenv
    except ImportError:
        return default
    try:
        value = getenv(key)
    except NotImplementedError:
        return default
    if value is None or value == "":
        return default
    return str(value)


def template(template_id=None, template_name=None, firmware_version=None):
    """Return ``(template_id, template_name, firmware_version)``, arguments before settings.

    Raises SettingsError naming the setting when the template id does not start with ``TMPL``
    or the template name is empty, as Blynk's firmware refuses to start then too.
    """
    template_id = template_id or get("BLYNK_TEMPLATE_ID")
    template_name = template_name or get("BLYNK_TEMPLATE_NAME")
    firmware_version = firmware_version or get("BLYNK_FIRMWARE_VERSION", "0.1.0")
    if not template_id:
        raise SettingsError(
            "BLYNK_TEMPLATE_ID is not set: copy the template ID from Blynk.Console (it starts with TMPL) "
            'into settings.toml, e.g. BLYNK_TEMPLATE_ID = "TMPLxxxxxxxx"'
        )
    if not template_id.startswith("TMPL") or len(template_id) > 32:
        raise SettingsError(
            "BLYNK_TEMPLATE_ID must be the template ID from Blynk.Console, which starts with TMPL; "
            "got %r. Fix it in settings.toml" % template_id
        )
    if not template_name:
        raise SettingsError(
            "BLYNK_TEMPLATE_NAME is not set: copy the template name from Blynk.Console into settings.toml, "
            'e.g. BLYNK_TEMPLATE_NAME = "My Device"'
        )
    return template_id, template_name, firmware_version


def fixed_config(tls=True):
    """Return the Config that ``BLYNK_AUTH_TOKEN`` and ``CIRCUITPY_WIFI_*`` describe, or None.

    Such a configuration is used as is, not stored: provisioning and the stored record win.
    Without ``BLYNK_PORT`` the port is Blynk.Cloud's for ``tls`` (443) or plain TCP (80).
    Raises SettingsError naming the setting when a value is invalid.
    """
    token = get("BLYNK_AUTH_TOKEN")
    ssid = get("CIRCUITPY_WIFI_SSID")
    if not token or not ssid:
        return None
    # Imported here: a board refused at start (a SAMD21) must get its message before the rules load.
    from blynk_edgent.validate import default_port, validate

    port = get("BLYNK_PORT")
    try:
        port = int(port) if port is not None else default_port(tls)
    except ValueError:
        raise SettingsError("BLYNK_PORT must be a number from 1 to 65535, got %r" % port)
    config = Config(
        ssid=ssid,
        password=get("CIRCUITPY_WIFI_PASSWORD", ""),
        token=token,
        host=get("BLYNK_SERVER", DEFAULT_HOST),
        port=port,
        provisioned=True,
    )
    names = {
        "ssid": "CIRCUITPY_WIFI_SSID",
        "password": "CIRCUITPY_WIFI_PASSWORD",
        "token": "BLYNK_AUTH_TOKEN",
        "host": "BLYNK_SERVER",
        "port": "BLYNK_PORT",
    }
    try:
        return validate(config, names)
    except ValueError as error:
        raise SettingsError("settings.toml: %s" % error)


def flag(key, default):
    """Return the boolean setting ``key`` (true/false, 1/0), or ``default``."""
    value = get(key)
    if value is None:
        return default
    return value.lower() in "1 true yes on".split()


RANDOM = "random"


def ap_password():
    """Return the access point's password the setting ``BLYNK_AP_PASSWORD`` asks for: "" (none,
    as Blynk's: the Blynk app joins only an open access point), :data:`RANDOM` (a new one each
    time config mode opens, shown on the screen and in the log), or a fixed one of 8 to 63
    printable ASCII characters (WPA2's rule). Raises SettingsError for anything else."""
    value = get("BLYNK_AP_PASSWORD", "")
    if value == "" or value.lower() == RANDOM:
        return value.lower()
    if not 8 <= len(value) <= 63 or [char for char in value if not " " <= char <= "~"]:
        raise SettingsError(
            'BLYNK_AP_PASSWORD must be "random" or 8 to 63 printable ASCII characters (WPA2), got %d characters'
            % len(value)
        )
    return value

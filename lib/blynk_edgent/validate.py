# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The rules that make a configuration value valid.

The same rules serve the NVM store (nothing invalid is ever written, nothing invalid found in
flash is ever believed) and the provisioning portal (the phone's reply names the field and the
rule). Every check raises ``ValueError("<field>: <rule>, got <what>")``. Loaded only when
something is validated, so a running device does not keep it.
"""

from blynk_edgent.errors import check_error_code

SSID_MAX_BYTES = 32
PASSWORD_MAX = 63
TOKEN_LENGTH = 32
HOST_MAX = 63

# The static-IPv4 settings, in the order the record and the portal use.
STATIC_FIELDS = ("ip", "mask", "gw", "dns", "dns2")

_TOKEN_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"
_HEX_DIGITS = "0123456789abcdefABCDEF"
# "_" is not in RFC 1123 host names, but DNS serves such names and Blynk's firmware takes them.
_HOST_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_"


def _only(text, allowed):
    for char in text:
        if char not in allowed:
            return False
    return True


def check_ssid(ssid):
    """Return ``ssid`` if it is 1 to 32 bytes of UTF-8, else raise ValueError."""
    if not isinstance(ssid, str):
        raise ValueError("ssid: expected text, got " + type(ssid).__name__)
    size = len(ssid.encode("utf-8"))
    if size < 1 or size > SSID_MAX_BYTES:
        raise ValueError("ssid: expected 1 to 32 bytes of UTF-8, got %d" % size)
    return ssid


def check_password(password):
    """Return ``password`` if a network can take it: empty (open), a WEP key (5 or 13 characters,
    10 or 26 hex digits: the lengths fall in the next rule but 5), a WPA passphrase of 8 to 63
    characters, or a 64-hex-digit WPA key."""
    if not isinstance(password, str):
        raise ValueError("password: expected text, got " + type(password).__name__)
    count = len(password)
    if count in (0, 5):
        return password
    if count == 64:
        if _only(password, _HEX_DIGITS):
            return password
        raise ValueError("password: a 64-character password must be hex digits (0-9 a-f)")
    if count < 8 or count > PASSWORD_MAX:
        raise ValueError(
            "password: expected empty, a WEP key (5 or 13 characters), 8 to 63 characters or 64 hex digits, got %d"
            % count
        )
    if len(password.encode("utf-8")) > PASSWORD_MAX:
        raise ValueError("password: expected at most 63 bytes of UTF-8, got %d" % len(password.encode("utf-8")))
    return password


def check_token(token):
    """Return ``token`` if it is a Blynk auth token: 32 characters of A-Z a-z 0-9 _ -."""
    if not isinstance(token, str):
        raise ValueError("token: expected text, got " + type(token).__name__)
    if len(token) != TOKEN_LENGTH:
        raise ValueError("token: expected 32 characters of A-Z a-z 0-9 _ -, got %d" % len(token))
    if not _only(token, _TOKEN_CHARS):
        raise ValueError("token: expected 32 characters of A-Z a-z 0-9 _ -, got another character")
    return token


def check_host(host):
    """Return ``host`` if it is a host name or IPv4 address of at most 63 characters."""
    if not isinstance(host, str):
        raise ValueError("host: expected text, got " + type(host).__name__)
    if len(host) < 1 or len(host) > HOST_MAX:
        raise ValueError("host: expected 1 to 63 characters, got %d" % len(host))
    for part in host.split("."):
        if not part or not _only(part, _HOST_CHARS) or part[0] == "-" or part[-1] == "-":
            raise ValueError("host: expected a host name (letters, digits, '-', '_' and '.') or an IPv4 address")
    return host


def default_port(tls):
    """Blynk.Cloud's port for the transport: 443 over TLS, 80 over plain TCP."""
    from blynk_edgent.config import DEFAULT_PORT, PLAIN_PORT

    return DEFAULT_PORT if tls else PLAIN_PORT


def check_port(port):
    """Return ``port`` if it is an integer from 1 to 65535."""
    if not isinstance(port, int) or isinstance(port, bool):
        raise ValueError("port: expected a whole number, got " + type(port).__name__)
    if port < 1 or port > 65535:
        raise ValueError("port: expected 1 to 65535, got %d" % port)
    return port


def parse_ipv4(field, text):
    """Return the 4 bytes of the dotted-quad ``text``; the error names ``field``."""
    if not isinstance(text, str):
        raise ValueError(field + ": expected an IPv4 address, got " + type(text).__name__)
    parts = text.split(".")
    if len(parts) != 4:
        raise ValueError(field + ": expected an IPv4 address like 192.168.1.20")
    out = bytearray(4)
    for i, part in enumerate(parts):
        if not part or len(part) > 3 or not _only(part, "0123456789"):
            raise ValueError(field + ": expected an IPv4 address like 192.168.1.20")
        value = int(part)
        if value > 255:
            raise ValueError(field + ": each part of an IPv4 address is 0 to 255, got %d" % value)
        out[i] = value
    return bytes(out)


def format_ipv4(raw):
    """Return the dotted-quad text of 4 address bytes."""
    return "%d.%d.%d.%d" % (raw[0], raw[1], raw[2], raw[3])


def check_netmask(text):
    """Return ``text`` if it is a contiguous IPv4 netmask such as 255.255.255.0."""
    raw = parse_ipv4("mask", text)
    # A contiguous mask is ones then zeros. Checked byte by byte so that boards without
    # long integers never meet a 32-bit value.
    seen_partial = False
    for byte in raw:
        if seen_partial:
            if byte != 0:
                raise ValueError("mask: expected a netmask such as 255.255.255.0")
        elif byte != 255:
            if byte not in _MASK_BYTES:
                raise ValueError("mask: expected a netmask such as 255.255.255.0")
            seen_partial = True
    if raw[0] == 0:
        raise ValueError("mask: expected a netmask such as 255.255.255.0")
    return text


_MASK_BYTES = (0, 128, 192, 224, 240, 248, 252, 254)


def check_static(static):
    """Return ``static`` if it is None or a tuple (ip, mask, gw, dns, dns2) of dotted quads.

    ``ip`` and ``mask`` are required; ``gw``, ``dns`` and ``dns2`` may be empty.
    """
    if static is None:
        return None
    if not isinstance(static, tuple) or len(static) != 5:
        raise ValueError("ip: expected (ip, mask, gw, dns, dns2)")
    parse_ipv4("ip", static[0])
    check_netmask(static[1])
    for name, value in zip(STATIC_FIELDS[2:], static[2:]):
        if value != "":
            parse_ipv4(name, value)
    return static


def validate(config, names=None):
    """Return ``config`` if every field is valid, else raise ValueError naming the first invalid
    field and its rule.

    Every rule's message is ``"<field>: <rule>"``; ``names`` renames the field for the user (a
    /config parameter, a settings.toml key). A provisioned configuration needs an SSID and a
    token; one that is not provisioned may leave them empty (a device that only remembers its
    last error).
    """
    try:
        _check_fields(config)
    except ValueError as error:
        if not names:
            raise
        field, _, rule = str(error).partition(":")
        raise ValueError(names.get(field, field) + ":" + rule) from None
    return config


def _check_fields(config):
    if config.ssid != "" or config.provisioned:
        check_ssid(config.ssid)
    check_password(config.password)
    if config.token != "" or config.provisioned:
        check_token(config.token)
    check_host(config.host)
    check_port(config.port)
    check_static(config.static)
    if not isinstance(config.provisioned, bool):
        raise ValueError("provisioned: expected True or False")
    check_error_code(config.last_error)

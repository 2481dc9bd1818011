"""Joining, scanning and the access point's helpers for :class:`~blynk_edgent.radio_native.NativeRadio`.

Kept apart from the radio's core so a running device does not hold them in RAM: the core's
methods import this module when they are called.
"""

from blynk_edgent.errors import NETWORK_AUTH, NETWORK_GENERIC, NETWORK_NO_IP, NETWORK_NOT_FOUND, NETWORK_TIMEOUT


def tls_context():
    """CircuitPython's default TLS context (it holds the certificate bundle)."""
    try:
        import ssl
    except ImportError:
        # Every native-WiFi build documented so far has ssl; a custom or cut-down build may
        # not, and then the fix is a setting, which the message names.
        raise RuntimeError(
            "this CircuitPython build has no ssl module, so it cannot reach the cloud over TLS; "
            "set BLYNK_TLS = 0 in settings.toml (or Edgent(tls=False)) and provision again for plain TCP "
            "(Blynk.Cloud's plain port is 80)"
        ) from None
    return ssl.create_default_context()


def join_error(error):
    """Return the ``last_error`` code for an exception from ``wifi.radio.connect``."""
    text = str(error)
    if "Authentication" in text:
        return NETWORK_AUTH
    if "No network" in text:
        return NETWORK_NOT_FOUND
    return NETWORK_TIMEOUT


def security_name(authmodes, auth_mode_type):
    """Return Blynk's ``sec`` string for a ``wifi.Network.authmode`` sequence."""
    names = []
    for name in ("OPEN", "WEP", "WPA", "WPA2", "WPA3", "ENTERPRISE"):
        if getattr(auth_mode_type, name, None) in authmodes:
            names.append(name)
    if "ENTERPRISE" in names:
        return "WPA2-EAP"
    if "WPA2" in names and "WPA3" in names:
        return "WPA2+WPA3"
    if "WPA" in names and "WPA2" in names:
        return "WPA+WPA2"
    for name in ("WPA3", "WPA2", "WPA", "WEP", "OPEN"):
        if name in names:
            return name
    return "unknown"


def join(radio, config, timeout_s, hostname):
    """Join the network of ``config`` with ``wifi.radio``; return 0 or the ``last_error`` code."""
    if hostname:
        try:
            radio.hostname = hostname
        except (ValueError, AttributeError):
            pass
    if config.static is not None:
        from ipaddress import IPv4Address

        ip, mask, gw, dns = config.static[0], config.static[1], config.static[2], config.static[3]
        try:
            radio.stop_dhcp()
            radio.set_ipv4_address(
                ipv4=IPv4Address(ip),
                netmask=IPv4Address(mask),
                gateway=IPv4Address(gw or ip),
                ipv4_dns=IPv4Address(dns) if dns else None,
            )
        except (ValueError, OSError, RuntimeError):
            return NETWORK_NO_IP
    else:
        try:
            radio.start_dhcp()
        except (OSError, RuntimeError, AttributeError):
            pass
    try:
        radio.connect(config.ssid, config.password, timeout=timeout_s)
    except ConnectionError as error:
        return join_error(error)
    except (OSError, RuntimeError):
        return NETWORK_GENERIC
    if radio.ipv4_address is None:
        return NETWORK_NO_IP
    return 0


def scan(radio, auth_mode_type):
    """Return the networks ``wifi.radio`` sees as ``(ssid, bssid, rssi, channel, sec)``, strongest first."""
    found = []
    for network in radio.start_scanning_networks():
        found.append(
            (
                network.ssid,
                bytes(network.bssid),
                network.rssi,
                network.channel,
                security_name(network.authmode, auth_mode_type),
            )
        )
    radio.stop_scanning_networks()
    found.sort(key=lambda item: -item[2])
    return found

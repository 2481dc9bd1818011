# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""Joining, scanning and the access point's helpers for :class:`~blynk_edgent.radio_native.NativeRadio`.

Kept apart from the radio's core so a running device does not hold them in RAM: the core's
methods import this module when they are called.
"""

from blynk_edgent.clock import ticks_diff, ticks_ms
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
    """Return the ``last_error`` code for an exception from ``wifi.radio.connect``.

    "Unknown failure 1" is a Pico W's call reaching its deadline (espressif waits on instead, see
    join). The join goes on after it; if the station still has no address when the join's time is
    up, the network was found and did not refuse the password, so the likely cause is a router that
    let the station in and gave it no address (723). A router slower than the join's time looks
    the same from here (README, port matrix).
    """
    text = str(error)
    if "Authentication" in text:
        return NETWORK_AUTH
    if "No network" in text:
        return NETWORK_NOT_FOUND
    if "Unknown failure 1" in text:
        return NETWORK_NO_IP
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


# An ESP32's connect() timeout only ends its retries (hardware-truth.md section 5): with this
# one, a call is one attempt, and the next poll makes the next.
ESP_SLICE_S = 1
# The CYW43's connect() restarts the join at every call, and the join goes on after its timeout
# (ports/raspberrypi/common-hal/wifi/Radio.c): one call, as long as the port's default, hears the
# network's refusals; later slices only look at the link.
CYW43_FIRST_S = 8


def join(radio, config, timeout_s, hostname, espressif=False):
    """Join the network of ``config`` with ``wifi.radio`` in slices, within ``timeout_s``: a
    generator that yields None while the join is under way, then 0 or the ``last_error`` code.

    Python cannot run inside ``connect()``, so each slice is one call (CircuitPython has no
    non-blocking join): on an ESP32 (``espressif``) one attempt (``connect`` waits until the
    station has an address or is disconnected, whatever its timeout); on a Pico W one call of
    CYW43_FIRST_S, then looks at the link. A router that lets an ESP32 in but never answers DHCP
    would hold it for ever (hardware-truth.md section 5): the board's watchdog, in RAISE mode,
    ends that wait ``WATCHDOG_MARGIN_S`` after the join's time (it interrupts the wait as Ctrl-C
    does), which is 723. Where the program uses the watchdog itself, it is left alone.
    """
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
            yield NETWORK_NO_IP
            return
    else:
        try:
            radio.start_dhcp()
        except (OSError, RuntimeError, AttributeError):
            pass
    start = ticks_ms()
    limit = timeout_s * 1000
    while espressif:
        left_s = max(1, (limit - ticks_diff(ticks_ms(), start)) // 1000)
        code = _connect(radio, config, ESP_SLICE_S, left_s + WATCHDOG_MARGIN_S)
        if code in (0, NETWORK_NOT_FOUND, NETWORK_AUTH, NETWORK_NO_IP) or ticks_diff(ticks_ms(), start) >= limit:
            yield code
            return
        yield None  # the next attempt at the next poll
    code = _connect(radio, config, min(CYW43_FIRST_S, timeout_s), 0)
    if code == NETWORK_NO_IP:  # the call's time is up: the join goes on without it
        while ticks_diff(ticks_ms(), start) < limit:
            if _has_address(radio):
                code = 0
                break
            yield None
    yield code


def _connect(radio, config, timeout_s, watchdog_s):
    # One connect() call: 0 or the last_error code. ``watchdog_s``: how long the board's watchdog
    # lets it wait at most (0: not armed).
    dog, fired = _arm_watchdog(watchdog_s) if watchdog_s else (None, _NotArmedError)
    try:
        radio.connect(config.ssid, config.password, timeout=timeout_s)
    except ConnectionError as error:
        return join_error(error)
    except (OSError, RuntimeError):
        return NETWORK_GENERIC
    except ValueError:  # a password it cannot take (a 5-character WEP key stored by another board)
        return NETWORK_AUTH
    except fired:
        dog = None  # it has fired, and turned itself off
        try:
            radio.stop_station()  # associated, without an address: let go
        except (OSError, RuntimeError):
            pass
        return NETWORK_NO_IP
    finally:
        if dog is not None:
            dog.mode = None  # (CircuitPython 10 has no deinit())
    if not _has_address(radio):
        return NETWORK_NO_IP
    return 0


def _has_address(radio):
    # An ESP32 associated without a DHCP answer reads 0.0.0.0 rather than None.
    address = radio.ipv4_address
    return address is not None and str(address) != "0.0.0.0"


WATCHDOG_MARGIN_S = 10


class _NotArmedError(Exception):
    """What a join without the watchdog waits for: nothing raises it."""


def _arm_watchdog(timeout_s):
    # The board's watchdog in RAISE mode for ``timeout_s``, and the exception it raises then; or
    # (None, _NotArmedError) when there is none or the program uses it.
    try:
        from microcontroller import watchdog
        from watchdog import WatchDogMode, WatchDogTimeout

        if watchdog is None or watchdog.mode is not None:
            return None, _NotArmedError
        watchdog.timeout = timeout_s
        watchdog.mode = WatchDogMode.RAISE
        watchdog.feed()
        return watchdog, WatchDogTimeout
    except (ImportError, AttributeError, ValueError, NotImplementedError, RuntimeError):
        return None, _NotArmedError


def scan(radio, espressif=False):
    """Return the networks ``wifi.radio`` sees as ``(ssid, bssid, rssi, channel, sec)``, strongest
    first. A hidden network (no name) and one whose name is not UTF-8 are left out: reading such a
    name raises UnicodeError (hardware-truth.md section 9). An ESP32 scans channels 12 and 13 too,
    which its default stops short of."""
    from wifi import AuthMode

    found = []
    networks = radio.start_scanning_networks(stop_channel=13) if espressif else radio.start_scanning_networks()
    try:
        for network in networks:
            try:
                name = network.ssid
            except UnicodeError:
                continue
            if name:
                found.append(
                    (
                        name,
                        bytes(network.bssid),
                        network.rssi,
                        network.channel,
                        security_name(network.authmode, AuthMode),
                    )
                )
    finally:
        radio.stop_scanning_networks()
    found.sort(key=lambda item: -item[2])
    return found

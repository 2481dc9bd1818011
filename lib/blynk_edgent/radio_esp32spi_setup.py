# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""Joining, scanning and the access point for :class:`~blynk_edgent.radio_esp32spi.ESP32SPIRadio`.

Written against ``adafruit_esp32spi``'s lower calls rather than its ``connect_AP``,
``scan_networks`` and ``create_AP``, because those wait longer than they need to:
``connect_AP`` polls until its whole timeout even after the firmware has said "wrong password",
``scan_networks`` sleeps 2 s before it looks, and ``create_AP`` sends its channel as
``bytes(channel)`` (that many zero bytes) and, on firmware 3.x, waits for an AP status the
firmware never reports. Commands the library has no public call for go through one helper
(``_command``). Loaded when needed and dropped after.
"""

import struct
import time

from blynk_edgent.clock import ticks_diff, ticks_ms
from blynk_edgent.errors import NETWORK_AUTH, NETWORK_GENERIC, NETWORK_NO_IP, NETWORK_NOT_FOUND, NETWORK_TIMEOUT

# adafruit_esp32spi's status codes
_WL_NO_SSID_AVAIL = 1
_WL_CONNECTED = 3
_WL_CONNECT_FAILED = 4
_WL_DISCONNECTED = 6
_WL_AP_LISTENING = 7
_WL_AP_FAILED = 9


_SET_AP_NET = 0x18  # the library's create_AP sends the channel wrong (below)
_SET_AP_PASSPHRASE = 0x19
_GET_REASON_CODE = 0x1F  # NINA's last disconnect reason (2.0 and later; 1.7.x answers ERR_CMD)
_GET_CURR_SSID = 0x23
# The scan, by index (the library's get_scan_networks hands the name only through Network, whose
# ssid decodes it, and the security only as its own names, which miss WPA+WPA2)
_SCAN_NETWORKS = 0x27
_GET_IDX_RSSI = 0x32
_GET_IDX_ENCT = 0x33
_GET_IDX_BSSID = 0x3C
_GET_IDX_CHAN = 0x3D
# ESP-IDF's disconnect reasons: the network is not there; the password was refused (auth expired,
# 4-way handshake timeout, auth failed, handshake timeout: a wrong WPA2 password ends in 15).
_REASON_NO_AP = 201
_REASONS_AUTH = (2, 15, 202, 204)

# NINA's encryption numbers -> Blynk's "sec" strings. 1.x maps them to Arduino's values; 3.x
# passes ESP-IDF's wifi_auth_mode_t through (and the library's Network.authmode misreads those).
_SECURITY_1X = {7: "OPEN", 5: "WEP", 2: "WPA", 4: "WPA2", 8: "WPA+WPA2"}
_SECURITY_3X = {0: "OPEN", 1: "WEP", 2: "WPA", 3: "WPA2", 4: "WPA+WPA2", 5: "WPA2-EAP", 6: "WPA3", 7: "WPA2+WPA3"}


def firmware(esp, log):
    """Return whether the NINA firmware is 3.x or later, and log its version and the path that runs."""
    version = esp.firmware_version
    if isinstance(version, (bytes, bytearray)):
        version = bytes(version).decode("utf-8", "ignore")
    version = version.strip("\x00").strip()
    try:
        nina3 = int(version.split(".")[0]) >= 3
    except ValueError:
        nina3 = False
    log(
        "[edgent] esp32spi: NINA firmware %s, %s"
        % (
            version,
            "3.x path: AP created without waiting for AP_LISTENING, MAC in firmware order"
            if nina3
            else "1.x path: create_AP, MAC bytes reversed by the firmware, AP drops while scanning or joining",
        )
    )
    return nina3


def _answers(esp, command, params=None, count=1):
    # The answers of a NINA command the library has no call for (``count`` of them, None: any),
    # as it gives them; OSError or RuntimeError when the firmware refuses or does not answer.
    # adafruit_esp32spi's only way to send one, and the one place this backend reaches for it:
    # its public calls do not serve here (11.1.4): none asks GET_REASON_CODE; get_scan_networks
    # keeps a name's bytes only in Network._raw_ssid and Network.ssid decodes them as UTF-8 (a
    # name that is not stopped config mode); create_AP sends bytes(channel), that many zero
    # bytes, for the channel; ap_info answers only once WL_CONNECTED comes with an address.
    return esp._send_command_get_response(command, params, reply_params=count)


def _command(esp, command, params=None):
    # The first answer of such a command, as bytes; None when the firmware refuses it or does not answer.
    try:
        return bytes(_answers(esp, command, params)[0])
    except (OSError, RuntimeError, IndexError):
        return None


def _reason(esp):
    # The firmware's last disconnect reason, or None when it cannot say (1.7.x has no such command).
    answer = _command(esp, _GET_REASON_CODE)
    return answer[0] if answer else None


def _associated(esp, ssid):
    # Whether the station is on ``ssid`` (bytes), address or not: the library's ap_info needs
    # WL_CONNECTED, which comes only with an address, and decodes the name.
    return _command(esp, _GET_CURR_SSID, [b"\xff"]) == ssid


def join(esp, nina3, config, timeout_s, hostname):
    """Join ``config``'s network within ``timeout_s``, a slice per call: a generator that yields
    None while the join is under way, then 0 or the ``last_error`` code, as soon as the firmware
    knows. The firmware joins by itself once asked (``WiFi.begin`` returns at once), so a slice is
    one status query (a few ms, one every 50 ms at most); the request itself and, at the end of
    a failed join, a scan (up to 5 s) are the longest.

    The status is ambiguous (hardware-truth.md sections 12, 13): 1.x reads WL_NO_SSID_AVAIL (1)
    while any join is under way, ends an unknown network in WL_CONNECT_FAILED (4), and a wrong WPA2
    password (reason 15) in WL_DISCONNECTED (6) while it retries; 3.x ends them in 1 and 4. The
    reason code tells them apart where the firmware has it (2.0 and later): a wrong password is
    722 within seconds. 1.7.x cannot say, so after a failure the device scans for the network:
    there (it refused us, or kept refusing until the time was up) is 722, not there is 720.
    WL_CONNECTED comes only with an address, so a network whose DHCP never answers is told by
    being associated at the end (723).
    """
    ssid = config.ssid.encode("utf-8")
    try:
        if hostname:
            esp.set_hostname(hostname)
        if config.static is not None:
            ip, mask, gw, dns, dns2 = config.static
            esp.set_ip_config(ip, gw or ip, mask)
            esp.set_dns_config(dns or gw or ip, dns2 or dns or gw or ip)  # 1.x clears DNS with a static IP
        if config.password:
            esp.wifi_set_passphrase(ssid, config.password.encode("utf-8"))
        else:
            esp.wifi_set_network(ssid)
    except (OSError, RuntimeError):
        yield NETWORK_GENERIC
        return
    start = asked = ticks_ms()
    asking = True  # whether the firmware can say why (1.7.x cannot: asked once, then not again)
    refused = False  # the network dropped us at least once during this attempt
    while ticks_diff(ticks_ms(), start) < timeout_s * 1000:
        if ticks_diff(ticks_ms(), asked) < 50:
            yield None
            continue
        asked = ticks_ms()
        code = None
        try:
            status = esp.status
        except (OSError, RuntimeError):
            status = code = NETWORK_GENERIC
        if status == _WL_CONNECTED:
            code = 0
        elif status == _WL_NO_SSID_AVAIL and nina3:
            code = NETWORK_NOT_FOUND  # on 3.x this is the end of the attempt, not its start
        elif status in (_WL_CONNECT_FAILED, _WL_DISCONNECTED):
            refused = True
            reason = _reason(esp) if asking else None
            asking = reason is not None
            if reason == _REASON_NO_AP:
                code = NETWORK_NOT_FOUND
            elif reason in _REASONS_AUTH:
                code = NETWORK_AUTH
            elif status == _WL_CONNECT_FAILED:
                code = NETWORK_AUTH if _in_range(esp, nina3, ssid) else NETWORK_NOT_FOUND
        yield code
        if code is not None:
            return
    if _associated(esp, ssid):
        yield NETWORK_NO_IP
    elif not _in_range(esp, nina3, ssid):
        yield NETWORK_NOT_FOUND
    else:
        yield NETWORK_AUTH if refused else NETWORK_TIMEOUT


def _in_range(esp, nina3, ssid):
    # Whether a scan sees the network called ``ssid`` (bytes); on 1.x a scan ends any join.
    try:
        return any(name == ssid for name, _bssid, _rssi, _channel, _sec in _networks(esp, nina3))
    except (OSError, RuntimeError):
        return False


def _networks(esp, nina3):
    # What a scan found: (name as bytes, bssid, rssi, channel, sec), as the firmware gives them.
    esp.start_scan_networks()
    table = _SECURITY_3X if nina3 else _SECURITY_1X
    for _ in range(20):
        time.sleep(0.25)
        names = _answers(esp, _SCAN_NETWORKS, count=None)
        if names:
            found = []
            for index, name in enumerate(names):
                at = ((index,),)
                found.append(
                    (
                        bytes(name),
                        bytes(_answers(esp, _GET_IDX_BSSID, at)[0]),
                        struct.unpack("<i", _answers(esp, _GET_IDX_RSSI, at)[0])[0],
                        _answers(esp, _GET_IDX_CHAN, at)[0][0],
                        table.get(_answers(esp, _GET_IDX_ENCT, at)[0][0], "unknown"),
                    )
                )
            return found
    return []


def scan(esp, nina3):
    """The networks the ESP32 sees as ``(ssid, bssid, rssi, channel, sec)``, strongest first; a hidden
    network, or one whose name is not UTF-8 (hardware-truth.md section 9), is left out."""
    found = []
    for raw, bssid, rssi, channel, security in _networks(esp, nina3):
        try:
            name = raw.decode("utf-8")
        except UnicodeError:
            continue
        if name:
            found.append((name, bssid, rssi, channel, security))
    found.sort(key=lambda item: -item[2])
    return found


def start_ap(esp, nina3, ssid, password, channel):
    """Open the access point on ``channel`` (open when ``password`` is empty)."""
    name = ssid.encode("utf-8")
    chan = bytes((channel,))  # the channel itself, not create_AP's bytes(channel)
    if password:
        answer = _command(esp, _SET_AP_PASSPHRASE, [name, password.encode("utf-8"), chan])
    else:
        answer = _command(esp, _SET_AP_NET, [name, chan])
    if answer != b"\x01":
        raise OSError("the ESP32 refused the access point %r" % ssid)
    if nina3:
        return  # 3.x reports the station's status here, never AP_LISTENING: the AP is up
    start = ticks_ms()
    while ticks_diff(ticks_ms(), start) < 10000:
        status = esp.status
        if status == _WL_AP_LISTENING:
            return
        if status == _WL_AP_FAILED:
            raise ConnectionError("Failed to create AP", ssid)
        time.sleep(0.05)
    raise OSError("the access point did not start (status 0x%02x)" % status)

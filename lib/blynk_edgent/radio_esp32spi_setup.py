"""Joining, scanning and the access point for :class:`~blynk_edgent.radio_esp32spi.ESP32SPIRadio`.

Written against ``adafruit_esp32spi``'s lower calls rather than its ``connect_AP``,
``scan_networks`` and ``create_AP``, because those wait longer than they need to:
``connect_AP`` polls until its whole timeout even after the firmware has said "wrong password",
``scan_networks`` sleeps 2 s before it looks, and ``create_AP`` sends its channel as
``bytes(channel)`` (that many zero bytes) and, on firmware 3.x, waits for an AP status the
firmware never reports. Loaded when needed and dropped after.
"""

import time

from blynk_edgent.clock import ticks_diff, ticks_ms
from blynk_edgent.errors import NETWORK_AUTH, NETWORK_GENERIC, NETWORK_NO_IP, NETWORK_NOT_FOUND, NETWORK_TIMEOUT

# adafruit_esp32spi's status codes
_WL_NO_SSID_AVAIL = 1
_WL_CONNECTED = 3
_WL_CONNECT_FAILED = 4
_WL_AP_LISTENING = 7
_WL_AP_FAILED = 9


_GET_REASON_CODE = 0x1F  # NINA's last disconnect reason: 201 no AP found, 202 auth failed
_GET_CURR_SSID = 0x23

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


def _reason(esp):
    try:
        return esp._send_command_get_response(_GET_REASON_CODE)[0][0]
    except (OSError, RuntimeError, IndexError):
        return 0


def _associated(esp, ssid):
    try:
        return bytes(esp._send_command_get_response(_GET_CURR_SSID, [b"\xff"])[0]) == ssid
    except (OSError, RuntimeError, IndexError):
        return False


def join(esp, nina3, config, timeout_s, hostname):
    """Join ``config``'s network; return 0 or the ``last_error`` code, as soon as the firmware knows.

    The status is ambiguous: 1.x reads WL_NO_SSID_AVAIL (1) while any join is still under way and
    ends both an unknown network and a wrong password in WL_CONNECT_FAILED (4); the firmware's
    reason code tells them apart. WL_CONNECTED comes only with an address, so a network whose
    DHCP never answers is told by being associated at the end.
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
        return NETWORK_GENERIC
    start = ticks_ms()
    while ticks_diff(ticks_ms(), start) < timeout_s * 1000:
        try:
            status = esp.status
        except (OSError, RuntimeError):
            return NETWORK_GENERIC
        if status == _WL_CONNECTED:
            return 0
        if status == _WL_CONNECT_FAILED:
            return NETWORK_NOT_FOUND if _reason(esp) == 201 else NETWORK_AUTH
        if status == _WL_NO_SSID_AVAIL and nina3:
            return NETWORK_NOT_FOUND  # on 3.x this is the end of the attempt, not its start
        time.sleep(0.05)
    if _associated(esp, ssid):
        return NETWORK_NO_IP
    return NETWORK_NOT_FOUND if _reason(esp) == 201 else NETWORK_TIMEOUT


def scan(esp, nina3):
    """The networks the ESP32 sees as ``(ssid, bssid, rssi, channel, sec)``, strongest first."""
    esp.start_scan_networks()
    table = _SECURITY_3X if nina3 else _SECURITY_1X
    found = []
    for _ in range(20):
        time.sleep(0.25)
        networks = esp.get_scan_networks()
        if networks:
            for network in networks:
                code = network._raw_authmode[0] if network._raw_authmode else -1
                found.append(
                    (network.ssid, bytes(network.bssid), network.rssi, network.channel, table.get(code, "unknown"))
                )
            break
    found.sort(key=lambda item: -item[2])
    return found


def start_ap(esp, nina3, ssid, password, channel):
    """Open the access point on ``channel`` (open when ``password`` is empty)."""
    name = ssid.encode("utf-8")
    chan = bytes((channel,))  # the channel itself, not create_AP's bytes(channel)
    if password:
        esp._wifi_set_ap_passphrase(name, password.encode("utf-8"), chan)
    else:
        esp._wifi_set_ap_network(name, chan)
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

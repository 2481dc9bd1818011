# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""Joining, scanning, the access point and opening TLS for
:class:`~blynk_edgent.radio_rtl8720.RTL8720Radio`. Loaded when needed and dropped after.

The chip's ``wifi_connect`` blocks until it has joined or given up and says only -1 when it
fails (the Ameba driver's reason is not exported over eRPC; Seeed's own client maps every
failure to WL_CONNECT_FAILED). So after a failure the device scans: a network that is not there
is 720; one that is there refused us (722), unless it wants a security type other than the one
asked for, which is then tried once. DHCP is a blocking call of its own: no address is 723.
"""

import time
from errno import EAGAIN, ECONNRESET

from blynk_edgent.clock import ticks_diff, ticks_ms
from blynk_edgent.erpc import ERPCError
from blynk_edgent.errors import NETWORK_AUTH, NETWORK_GENERIC, NETWORK_NO_IP, NETWORK_NOT_FOUND, NETWORK_TIMEOUT

STATION = 0
# rtw_security_t (../shared/docs/rtl8720-erpc.md section 3; Ameba's WPA3 and enterprise bits)
OPEN = 0
WEP_PSK = 1
WPA2_AES_PSK = 0x00400004
_WEP_ENABLED = 0x0001
_WPA = 0x00200000
_WPA2 = 0x00400000
_WPA3 = 0x01000000
_ENTERPRISE = 0x02000000
_RECORD = 62  # rtw_scan_result_t, packed
_DHCP_MS = 20000
_AP_MS = 25000  # start_ap polls up to about 20 s for its SSID to be up
_F_SETFL = 4
_O_NONBLOCK = 1
_CONNECT_MS = 26000  # lwIP gives up on a peer that never answers after about 21 s
_TLS_HANDSHAKE_MS = 30000  # Blynk's: 30 s for TLS
_DNS_MS = 10000


def resolve(radio, host):
    """``host`` as a dotted address, through the chip's DNS when it is a name (OSError when it
    does not resolve)."""
    parts = host.split(".")
    if len(parts) == 4 and all(part.isdigit() for part in parts):
        return host
    data, result = radio.call("netconn_gethostbyname", host, timeout_ms=_DNS_MS)
    if result != 0 or len(data) < 4:
        raise OSError(-2, "Name or service not known: %s" % host)
    return "%d.%d.%d.%d" % (data[0], data[1], data[2], data[3])


def connect(sock, address):
    """Connect the chip socket ``sock`` to ``address``: plain TCP on its lwIP socket, or TLS in the
    chip's own client when ``sock.tls_host`` says so."""
    radio = sock.radio
    if sock.tls_host is None:
        result = sock.call("lwip_connect", sock.fd(), sockaddr(*address), 16, timeout_ms=_CONNECT_MS)[0]
        sock.check(result, "cannot connect to %s:%d" % address)
        return
    if sock.generation != radio.generation:
        raise OSError(ECONNRESET, "the RTL8720DN was reset")
    sock.context, sock.number = start_tls(radio, sock.tls_host, address[1], _TLS_HANDSHAKE_MS, _CONNECT_MS)


def start(radio):
    """Start the chip (its firmware checked) as a station; ``(firmware version, station MAC)``."""
    version = radio.link.start()
    radio.log("[edgent] rtl8720: eRPC firmware %s" % version)
    switch_mode(radio, 1)
    text = radio.call("wifi_get_mac_address")[0]
    return version, bytes(int(text[i : i + 2], 16) for i in range(0, 17, 3))


def switch_mode(radio, mode):
    """Turn the WiFi off and on again in ``mode`` (1 station, 2 access point): what was up goes."""
    link = radio.link
    link.call("tcpip_adapter_init")
    link.call("wifi_off")
    if link.call("wifi_on", mode, timeout_ms=5000)[0] != 0:
        raise OSError("the RTL8720DN refused wifi_on(%d)" % mode)
    radio.mode = mode
    radio.joined = None
    if mode != 2:
        radio.access_point = None


def recover(radio, error):
    """Reset the chip after ``error`` and bring back what it had: its mode and its access point;
    the station and every socket are lost (sockets of an older generation know it)."""
    radio.log("[edgent] rtl8720: %s; resetting the chip" % error)
    radio.generation += 1
    radio.joined = None
    mode, radio.mode = radio.mode, 0
    access_point = radio.access_point
    try:
        radio.link.start()
        if access_point is not None:
            start_ap(radio, *access_point)
        else:
            switch_mode(radio, mode or 1)
    except (ERPCError, RuntimeError) as again:
        raise OSError("the RTL8720DN does not start again: %s" % again)


def leave(radio):
    """Leave the joined network."""
    radio.joined = None
    try:
        if radio.mode == 1:
            radio.call("wifi_disconnect")
    except OSError:
        pass


def stop_ap(radio):
    """Stop the access point (back to a station, joined to nothing)."""
    radio.access_point = None
    try:
        switch_mode(radio, 1)
    except ERPCError as error:
        recover(radio, error)


def ap_mac(radio):
    """The access point's MAC, as the chip says (asked while it serves one), else the station's + 1."""
    if radio.mode == 2:
        mac = radio.call("tcpip_adapter_get_mac", STATION)[0]
        if len(mac) == 6:
            return mac
    mac = radio.mac
    return mac[:5] + bytes(((mac[5] + 1) & 0xFF,))


def ap_clients(radio):
    """How many phones are joined to the access point, or None when it is down."""
    if radio.mode != 2:
        return None
    data, result = radio.call("wifi_get_associated_client_list", 256)
    if result != 0 or len(data) < 4:
        return None
    return data[0] | data[1] << 8


def sockaddr(host, port):
    """lwIP's 16-byte sockaddr_in for ``host`` (dotted text) and ``port``."""
    parts = [int(part) for part in host.split(".")]
    return bytes((16, 2, port >> 8, port & 0xFF)) + bytes(parts) + bytes(8)


def bind(sock, port):
    """Bind the chip socket ``sock`` to ``port``."""
    sock.check(sock.call("lwip_bind", sock.fd(), sockaddr("0.0.0.0", port), 16)[0], "bind")
    sock.port = port


def listen(sock, backlog):
    """Listen, non-blocking on the chip: a blocking accept would hold its only server task."""
    sock.check(sock.call("lwip_listen", sock.fd(), backlog)[0], "listen")
    sock.check(sock.call("lwip_fcntl", sock.fd(), _F_SETFL, _O_NONBLOCK)[0], "fcntl")
    sock.backlog = backlog


def accept(sock, make):
    """A phone's connection to the server ``sock`` (made by ``make(radio, number)``), or
    OSError(EAGAIN). A server whose chip was reset listens again first, on its port."""
    radio = sock.radio
    if sock.generation != radio.generation and sock.backlog is not None:
        sock.generation, sock.number = radio.generation, None
        bind(sock, sock.port)
        listen(sock, sock.backlog)
    try:
        _addrlen, number = sock.call("lwip_accept", sock.fd(), bytes(16), 16)
    except OSError as error:
        if sock.generation != radio.generation:
            raise OSError(EAGAIN, "the RTL8720DN was reset: listening again at the next look")
        raise error
    if number < 0:
        raise OSError(sock.errno() or EAGAIN)
    return make(radio, number), ("0.0.0.0", 0)


def security_name(code):
    """Blynk's ``sec`` string for an rtw_security_t."""
    if code == OPEN:
        return "OPEN"
    if code & _ENTERPRISE:
        return "WPA2-EAP"
    if code & _WPA3:
        return "WPA2+WPA3" if code & _WPA2 else "WPA3"
    if code & _WPA2:
        return "WPA+WPA2" if code & _WPA else "WPA2"
    if code & _WPA:
        return "WPA"
    if code & _WEP_ENABLED:
        return "WEP"
    return "unknown"


def _security_for(password):
    # What Seeed's WiFi.begin asks for: WPA2-AES with a password; a 5- or 13-character one is a WEP key.
    if not password:
        return OPEN
    return WEP_PSK if len(password) in (5, 13) else WPA2_AES_PSK


def _wait(radio, pending):
    # Yield None until the call ``pending`` is answered; then its values (ERPCError past its deadline).
    while True:
        values = radio.link.result(pending)
        if values is not None:
            yield values
            return
        yield None


def join(radio, config, timeout_s, hostname):
    """Join ``config``'s network within ``timeout_s``, a slice per call: a generator that yields
    None while under way, then 0 or the ``last_error`` code. The chip joins in one blocking call;
    a slice is one look at the UART for its answer."""
    start = ticks_ms()
    try:
        if radio.mode != 1:
            switch_mode(radio, 1)
        link = radio.link
        if hostname:
            link.call("tcpip_adapter_set_hostname", STATION, hostname)
        static = config.static
        if static is not None:
            ip, mask, gateway, dns, dns2 = static
            link.call("tcpip_adapter_dhcpc_stop", STATION)
            link.call("tcpip_adapter_set_ip_info", STATION, _packed(ip) + _packed(mask) + _packed(gateway or ip))
            link.call("tcpip_adapter_set_dns_info", STATION, 0, _packed(dns or gateway or ip))
            link.call("tcpip_adapter_set_dns_info", STATION, 1, _packed(dns2 or dns or gateway or ip))
    except ERPCError as error:
        recover(radio, error)
        yield NETWORK_GENERIC
        return
    except OSError:
        yield NETWORK_GENERIC
        return
    password = config.password or ""
    security = _security_for(password)
    tried = []
    while True:
        tried.append(security)
        left = timeout_s * 1000 - ticks_diff(ticks_ms(), start)
        if left <= 0:
            yield NETWORK_TIMEOUT
            return
        try:
            pending = radio.link.begin(
                "wifi_connect", config.ssid, password or None, security, 0 if security == WEP_PSK else -1, 0,
                timeout_ms=left + 2000,  # a slow router may take the whole join
            )  # fmt: skip
            for values in _wait(radio, pending):
                if values is None:
                    yield None
            result = values[0]
        except ERPCError as error:
            recover(radio, error)
            yield NETWORK_TIMEOUT
            return
        if result == 0:
            break
        # Failed, and the chip does not say why: is the network there, and what does it want?
        wanted = None
        try:
            for name, _bssid, _rssi, _channel, _sec, code in _networks(radio):
                if name == config.ssid:
                    wanted = code
        except ERPCError as error:
            recover(radio, error)
            yield NETWORK_GENERIC
            return
        if wanted is None:
            yield NETWORK_NOT_FOUND
            return
        retry = _security_to_ask(wanted)
        if retry is None or retry in tried or not password:
            yield NETWORK_AUTH
            return
        security = retry
    radio.joined = config.ssid
    if static is not None:
        yield 0
        return
    try:
        pending = radio.link.begin("tcpip_adapter_dhcpc_start", STATION, timeout_ms=_DHCP_MS)
        for values in _wait(radio, pending):
            if values is None:
                yield None
    except ERPCError as error:
        recover(radio, error)
        yield NETWORK_NO_IP
        return
    yield 0 if values[0] == 0 else NETWORK_NO_IP


def _security_to_ask(code):
    # The security type to join a network that advertises ``code`` with, or None when the chip cannot.
    if code & _ENTERPRISE:
        return None
    if code & _WPA3 and not code & _WPA2:
        return code  # WPA3 alone: ask for it as it is
    if code & _WPA2:
        return WPA2_AES_PSK
    if code & _WPA:
        return 0x00200004  # WPA_AES_PSK
    if code & _WEP_ENABLED:
        return WEP_PSK
    return None


def _packed(address):
    return bytes(int(part) for part in address.split("."))


def _networks(radio):
    # A scan's records: (name as text, bssid, rssi, channel, sec, rtw security); names that are
    # empty (hidden) or not UTF-8 are left out.
    link = radio.link
    if link.call("wifi_scan_start")[0] != 0:
        return []
    start = ticks_ms()
    while ticks_diff(ticks_ms(), start) < 10000:
        time.sleep(0.1)
        if not link.call("wifi_is_scaning")[0]:
            break
    count = min(link.call("wifi_scan_get_ap_num")[0], 60)
    if not count:
        return []
    data, result = link.call("wifi_scan_get_ap_records", count, timeout_ms=3000)
    found = []  # type: list[tuple]
    if result != 0:
        return found
    for at in range(0, len(data) - _RECORD + 1, _RECORD):
        length = min(data[at], 32)
        try:
            name = bytes(data[at + 1 : at + 1 + length]).decode("utf-8")
        except UnicodeError:
            continue
        if not name:
            continue
        bssid = bytes(data[at + 34 : at + 40])
        rssi = data[at + 40] | data[at + 41] << 8
        rssi = rssi - 65536 if rssi & 0x8000 else rssi
        code = _u32(data, at + 46)
        found.append((name, bssid, rssi, _u32(data, at + 54), security_name(code), code))
    return found


def _u32(data, at):
    return data[at] | data[at + 1] << 8 | data[at + 2] << 16 | data[at + 3] << 24


def scan(radio):
    """The networks the chip sees as ``(ssid, bssid, rssi, channel, sec)``, strongest first, one
    per BSSID; kept for while the access point is up (it cannot scan then)."""
    try:
        records = _networks(radio)
    except ERPCError as error:
        recover(radio, error)
        raise OSError("the scan did not finish: %s" % error)
    seen = {}  # type: dict[bytes, tuple]
    for name, bssid, rssi, channel, sec, _code in records:
        if bssid not in seen or seen[bssid][2] < rssi:
            seen[bssid] = (name, bssid, rssi, channel, sec)
    found = sorted(seen.values(), key=lambda item: -item[2])
    radio.last_scan = found
    return found


def start_ap(radio, ssid, password, channel):
    """Start the access point at 192.168.4.1 (the chip's own default address is another), with
    DHCP for the phones."""
    link = radio.link
    switch_mode(radio, 2)
    result = link.call(
        "wifi_start_ap", ssid, password or None, WPA2_AES_PSK if password else OPEN, channel, timeout_ms=_AP_MS
    )[0]
    if result != 0:
        raise OSError("the RTL8720DN did not start the access point %r (%d)" % (ssid, result))
    address = _packed(radio.ap_ip)
    link.call("tcpip_adapter_dhcps_stop", STATION)
    link.call("tcpip_adapter_set_ip_info", STATION, address + _packed("255.255.255.0") + address)
    link.call("tcpip_adapter_dhcps_start", STATION)
    radio.access_point = (ssid, password, channel)


def start_tls(radio, host, port, handshake_ms, connect_ms):
    """Open TLS to ``host``:``port`` in the chip, with the root CA set so that it verifies the
    server and sends SNI; returns (context, socket number). OSError with mbedTLS's code on failure."""
    from blynk_edgent.rtl8720_ca import ISRG_ROOT_X1

    call = radio.call
    context = call("ssl_client_create", retry=False)[0]
    try:
        call("ssl_init", context, retry=False)
        call("ssl_set_timeout", context, handshake_ms, retry=False)
        call("ssl_set_root_ca", context, ISRG_ROOT_X1, retry=False)
        number = call(
            "start_ssl_client", context, host, port, handshake_ms,
            timeout_ms=handshake_ms + connect_ms + 10000, retry=False,
        )[0]  # fmt: skip
    except OSError:
        _destroy(radio, context)
        raise
    if number < 0:
        _destroy(radio, context)
        raise OSError(number, "TLS with %s:%d failed in the RTL8720DN (mbedTLS %d)" % (host, port, number))
    return context, number


def _destroy(radio, context):
    # Free the chip's TLS context (gone anyway when the chip was reset meanwhile).
    try:
        radio.call("ssl_client_destroy", context, retry=False)
    except OSError:
        pass

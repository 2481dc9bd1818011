# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""Getting online: joining the network, opening the link to Blynk.Cloud and logging in
(protocol doc sections 1.5 and 6.5), with capped backoff between attempts.

An :class:`Online` reports what happened and leaves the decisions (retry, config mode, RUNNING)
to :class:`~blynk_edgent.connecting.Connecting`, which makes one when the device starts to connect
and drops it once the device runs or config mode opens. Config mode alone never loads this module.
"""

from micropython import const

from blynk_edgent.apname import host_name
from blynk_edgent.backoff import Backoff
from blynk_edgent.clock import ticks_diff
from blynk_edgent.errors import CLOUD_DNS, CLOUD_TIMEOUT, CLOUD_TLS, CLOUD_TOKEN, NETWORK_GENERIC
from blynk_edgent.link import ANSWER, BUFF_IN, COMMAND, FAILED, HEARTBEAT_MS, INTERNAL, OK, REDIRECT

JOIN_TIMEOUT_S = 50  # one attempt to join the network, inside the radio (Blynk's WIFI_NET_CONNECT_TIMEOUT)
CLOUD_TIMEOUT_S = 30  # one attempt to connect to the cloud, TCP and TLS (Blynk's TLS handshake gets 30 s)
# The release of Blynk's C library whose protocol and info message this follows: the cloud reads
# the "blynk" key as that library's version.
BLYNK_LIBRARY_VERSION = "1.4.0"
# The info message (protocol doc section 6.5): Blynk's keys in Blynk's order, joined by NUL
_INFO = "mcu\0%s\0fw-type\0%s\0build\0%s\0blynk\0%s\0h-beat\0%d\0buff-in\0%d\0dev\0%s\0tmpl\0%s"
# A link up this long was a working one: the backoff starts afresh after losing it.
STABLE_MS = 60000
_MONTHS = "JanFebMarAprMayJunJulAugSepOctNovDec"
# The release as C's __DATE__ __TIME__: the build stamp where no program file has a date.
RELEASED = "Dec  6 2026 00:00:00"

# The login: its command, and the answers besides OK
_HW_LOGIN = const(29)
_ALREADY_REGISTERED = const(4)
_INVALID_TOKEN = const(9)

LOGGED_IN = "logged in"  # what reach_cloud() returns once the server accepted the login


def build_stamp():
    """The info message's ``build``, C's ``__DATE__ __TIME__`` (``"Dec  6 2026 09:30:00"``): when the
    program CircuitPython runs (code.py, or the file it runs instead) last changed, which is when
    this firmware was built; the library's release where no file says."""
    import os
    import time

    for name in ("code.txt", "code.py", "main.txt", "main.py"):  # the order CircuitPython looks in
        try:
            when = time.localtime(os.stat(name)[8])
        except (OSError, OverflowError, ValueError):
            continue
        month = _MONTHS[3 * when[1] - 3 : 3 * when[1]]
        return "%s %2d %d %02d:%02d:%02d" % (month, when[2], when[0], when[3], when[4], when[5])
    return RELEASED


class CloudError(Exception):
    """Opening the connection to the cloud failed; ``code`` is the ``last_error`` code."""

    def __init__(self, code, reason):
        super().__init__(reason)
        self.code = code


def open_socket(pool, ssl_context, host, port, timeout_s):
    """A socket connected to ``host``:``port`` (over TLS unless ``ssl_context`` is None), made
    non-blocking. Blocks at most ``timeout_s``. Raises CloudError 710 when the host name does not
    resolve, 711 when TLS fails, and 702 when the server cannot be reached."""
    try:
        where = pool.getaddrinfo(host, port)[0][4]
    except OSError as error:
        raise CloudError(CLOUD_DNS, "cannot resolve %s: %s" % (host, error))
    try:
        sock = pool.socket(pool.AF_INET, pool.SOCK_STREAM)
    except (OSError, RuntimeError) as error:
        # No socket free: NINA answers OSError(23), CircuitPython's pool RuntimeError("Out of sockets").
        raise CloudError(CLOUD_TIMEOUT, "no free socket for %s:%d: %s" % (host, port, error))
    try:
        sock.settimeout(timeout_s)
        if ssl_context is not None:
            sock = ssl_context.wrap_socket(sock, server_hostname=host)
        sock.connect(where)
        sock.settimeout(0)
    except OSError as error:
        sock.close()
        # mbedtls reports TLS failures as large negative numbers; the socket, as errno.
        errno = error.args[0] if error.args and isinstance(error.args[0], int) else 0
        if ssl_context is not None and (errno < -255 or errno == 0):
            raise CloudError(CLOUD_TLS, "TLS with %s failed: %s" % (host, error))
        raise CloudError(CLOUD_TIMEOUT, "cannot reach %s:%d: %s" % (host, port, error))
    return sock


class Online:
    """The attempts of ``device`` (an :class:`~blynk_edgent.edgent.Edgent`, whose radio, config
    and template it reads) to join its network and log in over ``link``; ``backoff_ms`` is the
    first and longest wait between attempts."""

    def __init__(self, device, link, backoff_ms, log, clock):
        self.device = device
        self._link = link
        self._backoff = Backoff(backoff_ms[0], backoff_ms[1])
        self._joining = None  # the radio's join while one is under way
        self._log = log
        self._ticks = clock

    @property
    def attempts(self):
        """How many attempts to join the network or reach the cloud have failed in a row."""
        return self._backoff.attempts

    def failed(self, now, at_most=None):
        """An attempt failed at ``now``: the next waits (``at_most`` ms if given); returns how
        long, in ms."""
        return self._backoff.failed(now, at_most)

    def lost(self, now):
        """The link (or the network under it) was lost at ``now``: the next attempt waits as if
        every link lost within :data:`STABLE_MS` of starting had been a failed attempt, so that a
        server that takes the login and then drops it is not tried every second. Returns the wait."""
        link = self._link
        link.flaps = link.flaps + 1 if ticks_diff(now, link.opened_at) < STABLE_MS else 0
        self._backoff.attempts = link.flaps
        return self._backoff.failed(now)

    def address(self):
        """The cloud the link opens to: the configuration's, unless a REDIRECT moved it."""
        config = self.device.config
        return self._link.redirect or (config.host, config.port)

    def join(self, now, afresh):
        """Join the configured network, a slice per call (the radio's join is an iterator, at most
        JOIN_TIMEOUT_S in all). Returns None while under way or until the next attempt is due,
        else 0 (joined) or the ``last_error`` code. ``afresh``: join even when the radio is on
        that network already."""
        device = self.device
        radio = device.radio
        config = device.config
        joining = self._joining
        if joining is None:
            # CircuitPython may have joined already (CIRCUITPY_WIFI_SSID); a configuration on
            # trial is always joined afresh, or a wrong password would pass unnoticed.
            if not afresh and radio.connected and radio.ssid == config.ssid:
                return self._joined(0)
            if not self._backoff.due(now):
                return None
            self._log("joining network %r" % config.ssid)
            joining = self._joining = radio.join(config, JOIN_TIMEOUT_S, host_name(device.ap_ssid))
        try:
            code = next(joining)
        except StopIteration:  # a join that ended without saying how: the radio failed
            code = NETWORK_GENERIC
        if code is None:
            return None
        self._joining = None
        return self._joined(code)

    def _joined(self, code):
        if not code:
            radio = self.device.radio
            self._log("network %r joined, address %s, signal %s dBm" % (self.device.config.ssid, radio.ip, radio.rssi))
            self._backoff.reset()
        return code

    def reach_cloud(self, now):
        """Open the link and log in, a slice at a time: None while under way (or until the next
        attempt is due), LOGGED_IN, or ``(code, reason)`` for a failure."""
        device = self.device
        link = self._link
        if not link.is_open:
            if not self._backoff.due(now):
                return None
            host, port = self.address()
            text = "connecting to %s:%d (TLS)" if device.tls else "connecting to %s:%d (plain TCP)"
            self._log(text % (host, port))
            try:
                sock = open_socket(
                    device.radio.pool, device.radio.ssl_context() if device.tls else None, host, port, CLOUD_TIMEOUT_S
                )
            except CloudError as error:
                return error.code, str(error)
            link.start(sock, now)
            link.write(_HW_LOGIN, (device.config.token,))
        event = link.poll(now)
        if event is None:
            return None
        kind, value = event
        if kind == ANSWER:
            return self._answer(value, now)
        if kind == FAILED:
            return CLOUD_TIMEOUT, value
        if kind == REDIRECT:
            return self.redirect(value)
        if kind == COMMAND:
            self._log("command from the cloud while logging in, left for later: %r" % value)
        return None

    def redirect(self, body):
        """REDIRECT ``host[\\0port]``: the next attempt goes there, at once (None), unless the host or
        port breaks the rules a provisioned cloud is held to (``(702, reason)``: the device stays
        with its own cloud). Blynk's C library falls back to port 80 even when it speaks TLS; the
        port of this link's transport is the one that can work."""
        from blynk_edgent.validate import check_host, check_port, default_port

        try:
            args = bytes(body).decode().split("\x00") if body else []
            host = check_host(args[0] if args else "")
            text = args[1] if len(args) > 1 else ""
            if text == "":
                port = default_port(self.device.tls)
            elif text.isdigit():
                port = check_port(int(text))
            else:
                raise ValueError("port: expected a whole number from 1 to 65535")
        except (ValueError, UnicodeError) as error:
            return CLOUD_TIMEOUT, "invalid redirect: %s" % error
        self._link.redirect = (host, port)
        self._backoff.reset()
        self._log("redirected to %s:%d" % (host, port))
        return None

    def _answer(self, code, now):
        # The login's answer. Accepted: the info message, and once a boot the hotspot's name
        # (Blynk's app names a new device after the hotspot it provisioned).
        link = self._link
        device = self.device
        if code in (OK, _ALREADY_REGISTERED):
            import os

            try:
                text = os.uname().machine
            except AttributeError:
                text = "CircuitPython"
            info = _INFO % (
                device.firmware_version, device.template_id, build_stamp(), BLYNK_LIBRARY_VERSION,
                HEARTBEAT_MS // 1000, BUFF_IN, text, device.template_id,
            )  # fmt: skip
            link.logged_in = True
            if link.write(INTERNAL, (info,)) and (
                link.hotspot_reported or link.write(INTERNAL, ("meta\0set\0Hotspot Name\0" + device.ap_ssid,))
            ):
                link.hotspot_reported = True
                host, port = self.address()
                self._log("logged in to %s:%d as %s..." % (host, port, device.config.token[:4]))
                self._backoff.reset()
                return LOGGED_IN
            return CLOUD_TIMEOUT, (link.poll(now) or (FAILED, "send failed"))[1]
        link.close()
        if code == _INVALID_TOKEN:
            return CLOUD_TOKEN, "the server refused the auth token"
        return CLOUD_TIMEOUT, "the server refused the login (status %d)" % code

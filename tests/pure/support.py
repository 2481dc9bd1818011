# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""Helpers for the pure tests, which run both under pytest (CPython) and under MicroPython.

Only what both have is used here: no pytest import, no typing, no f-string tricks.
"""

from blynk_edgent.config import Config


def quote(text):
    """Percent-encode ``text`` for a query string, as a phone does (what the portal decodes)."""
    safe = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~"
    out = []
    for byte in text.encode("utf-8"):
        char = chr(byte)
        out.append(char if char in safe else "%%%02X" % byte)
    return "".join(out)


def raises(kind, func, *args, **kwargs):
    """Call ``func`` and return the exception of type ``kind`` it raised; fail if it did not."""
    try:
        func(*args, **kwargs)
    except kind as error:
        return error
    raise AssertionError("expected %s from %r" % (kind.__name__, func))


# Taken from a Config itself, so a new field is compared and copied too. ``__dict__`` rather
# than ``vars()``, which MicroPython may lack.
FIELD_NAMES = tuple(sorted(Config().__dict__))


def fields(config):
    """Return a Config's fields as a tuple: what two configurations are compared by."""
    return tuple(getattr(config, name) for name in FIELD_NAMES)


def changed(config, **changes):
    """Return a copy of a Config with some fields changed."""
    values = {}
    for name in FIELD_NAMES:
        values[name] = changes.pop(name) if name in changes else getattr(config, name)
    if changes:
        raise TypeError("unknown Config field: " + ", ".join(changes))
    return Config(**values)


class PowerCut(Exception):
    """Raised by FakeNVM when the simulated power fails part-way through a write."""


class FakeNVM:
    """Stands in for ``microcontroller.nvm`` (``nvm.ByteArray``), which cannot exist here.

    As on a board: a fixed length, ``nvm[i]`` is an int, ``nvm[a:b]`` a bytearray, and a slice
    assignment must keep the length ("Slice and value different lengths."). Each assignment is
    one erase-and-write cycle and is counted in ``writes``. ``cut_after = k`` makes the next
    assignment stop after its first k bytes and raise PowerCut, as if the power failed.
    """

    def __init__(self, size=8192, fill=0xFF, data=None):
        self.data = bytearray(data) if data is not None else bytearray(bytes((fill,)) * size)
        self.writes = 0
        self.cut_after = None

    def __len__(self):
        return len(self.data)

    def _span(self, index):
        start = 0 if index.start is None else index.start
        stop = len(self.data) if index.stop is None else index.stop
        if index.step not in (None, 1):
            raise NotImplementedError("only slices with step=1 are supported")
        return max(0, start), min(len(self.data), stop)

    def __getitem__(self, index):
        if isinstance(index, slice):
            start, stop = self._span(index)
            return bytearray(self.data[start:stop])
        return self.data[index]

    def __setitem__(self, index, value):
        if not isinstance(index, slice):
            self.data[index] = value
            self.writes += 1
            return
        start, stop = self._span(index)
        if stop - start != len(value):
            raise ValueError("Slice and value different lengths.")
        self.writes += 1
        cut = self.cut_after
        self.cut_after = None
        count = len(value) if cut is None else min(cut, len(value))
        for i in range(count):
            self.data[start + i] = value[i]
        if cut is not None and cut < len(value):
            raise PowerCut()


def random_bytes(count, seed):
    """Return ``count`` deterministic pseudo-random bytes (xorshift; no ``random`` needed)."""
    state = (seed * 2654435761 + 1) & 0xFFFFFFFF or 1
    out = bytearray(count)
    for i in range(count):
        state ^= (state << 13) & 0xFFFFFFFF
        state ^= state >> 17
        state ^= (state << 5) & 0xFFFFFFFF
        out[i] = state & 0xFF
    return out


class Clock:
    """The device's millisecond ticks, moved by the test."""

    def __init__(self, now=1000):
        self.now = now

    def __call__(self):
        return self.now


EAGAIN = 11


class PhoneConnection:
    """A phone's TCP connection to the portal: its request, and what the device answered."""

    def __init__(self, request):
        self.request = request
        self.answer = b""
        self.closed = False

    def setblocking(self, flag):
        pass

    def recv_into(self, buffer, nbytes=0):
        if not self.request:
            raise OSError(EAGAIN)  # the phone waits for the answer, as CircuitPython's socket says
        count = min(len(buffer), len(self.request))
        buffer[:count] = self.request[:count]
        self.request = self.request[count:]
        return count

    def send(self, data):
        self.answer += bytes(data)
        return len(data)

    def close(self):
        self.closed = True

    def status_and_body(self):
        """The answer's status code and body (text)."""
        head, _, body = self.answer.partition(b"\r\n\r\n")
        return int(head.split(b" ")[1]), body.decode()


class Listener:
    """A server socket of the radio's pool: a non-blocking accept with nobody waiting raises
    OSError(EAGAIN), as CircuitPython's does."""

    def __init__(self, pool):
        self.pool = pool
        self.port = None
        self.closed = False

    def setsockopt(self, level, name, value):
        pass

    def bind(self, address):
        self.port = address[1]

    def listen(self, backlog):
        pass

    def setblocking(self, flag):
        pass

    def accept(self):
        if self.closed or not self.pool.waiting:
            raise OSError(EAGAIN)
        return self.pool.waiting.pop(0), ("192.168.4.2", 50000)

    def close(self):
        self.closed = True


class Pool:
    """The radio's socket pool, as far as the portal uses it; the cloud cannot be reached (no
    name resolves), so a test-join here fails at the cloud with 710."""

    AF_INET = 2
    SOCK_STREAM = 1
    SOCK_DGRAM = 2
    SOL_SOCKET = 0xFFF
    SO_REUSEADDR = 4

    def __init__(self):
        self.waiting = []  # phone connections not accepted yet
        self.listeners = []

    def socket(self, family=2, type=1, proto=0):
        listener = Listener(self)
        self.listeners.append(listener)
        return listener

    def getaddrinfo(self, host, port):
        raise OSError(-2, "Name or service not known")


class FakeRadio:
    """Stands in for a radio backend (``radio_native``/``radio_esp32spi``), which needs hardware.

    ``join_codes`` are what successive joins return (0: joined; the last one repeats). As on an
    ESP32-S2/S3 by default: the access point runs beside a join and restarts; ``ap_beside=False``
    and ``restartable=False`` make it a Pico W's CYW43.
    """

    name = "fake"
    mac = b"\x24\x0a\xc4\x12\x34\x56"  # the ESP32 test vector of test_apname: "Blynk Device-PYN6"
    ap_mac = b"\x24\x0a\xc4\x12\x34\x57"
    esp32_chip_id = True
    ap_ip = "192.168.4.1"
    captive_dns = False
    wep = False
    ip = "192.168.1.20"
    rssi = -50

    def __init__(self, join_codes=(0,), ap_beside=True, restartable=True, ap_fails=False):
        self.join_codes = list(join_codes)
        self.ap_beside_station = ap_beside
        self.ap_restartable = restartable
        self.ap_fails = ap_fails
        self.pool = Pool()
        self.connected = False
        self.ssid = None
        self.ap = None  # the access point's name while it is up
        self.ap_starts = 0
        self.ap_clients = None  # None: the radio cannot count them (NINA); else how many
        self.joins = []  # (ssid, password, hostname) of every join

    def join(self, config, timeout_s, hostname):
        self.joins.append((config.ssid, config.password, hostname))
        code = self.join_codes.pop(0) if len(self.join_codes) > 1 else self.join_codes[0]
        self.connected = code == 0
        self.ssid = config.ssid if self.connected else None
        return iter((code,))  # at once: the radio's join is an iterator of slices

    def leave(self):
        self.connected = False
        self.ssid = None

    def scan(self):
        return [("HomeNet", b"\x00\x11\x22\x33\x44\x55", -40, 6, "WPA2")]

    def start_ap(self, ssid, password=""):
        if self.ap_fails or (self.ap_starts and not self.ap_restartable):
            raise RuntimeError("AP could not be started")
        self.ap_starts += 1
        self.ap = ssid
        self.ap_password = password

    def stop_ap(self):
        self.ap = None

    def ssl_context(self):
        return None

    def phone(self, path, body="", headers="Host: 192.168.4.1\r\n"):
        """A phone on the access point asks the portal for ``path`` (a POST when there is a body)
        with ``headers`` (lines ending in CRLF); returns its connection, which holds the answer
        once the device has polled."""
        method = "POST" if body else "GET"
        request = "%s %s HTTP/1.1\r\n%sContent-Length: %d\r\n\r\n%s" % (method, path, headers, len(body), body)
        connection = PhoneConnection(request.encode())
        self.pool.waiting.append(connection)
        return connection

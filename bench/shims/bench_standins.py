# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""Stand-ins for the scenarios that run a real Edgent: a radio that joins at once, a cloud that
accepts the login, a phone on the access point, and the NVM images a board would hold.

Imported before the baseline, so only what the library itself allocates is counted.
"""

# What the library under test compares with, and how its radios join (footprint.py writes it).
from bench_errno import EAGAIN, JOIN_SLICES

LOGIN_OK = b"\x00\x00\x01\x00\xc8"  # RESPONSE to message 1: 200 OK


def log(text):
    """The serial console: the bench prints nothing of the device's."""


def _image(name):
    # footprint.py writes the images next to this module (a store the library wrote on the host).
    try:
        with open("/input/shims/" + name, "rb") as handle:
            return bytearray(handle.read())
    except OSError:
        return bytearray(b"\xff" * 512)


BLANK = bytearray(b"\xff" * 512)  # an erased NVM: the device starts in config mode
PROVISIONED = _image("nvm-provisioned.bin")  # HomeNet and a token for the bench's cloud


class Phone:
    """A phone's connection to the portal, asking for one path."""

    def __init__(self, path):
        self._request = b"GET " + path.encode() + b" HTTP/1.1\r\nHost: 192.168.4.1\r\n\r\n"
        self.answer = b""

    def setblocking(self, flag):
        pass

    def recv_into(self, buffer, nbytes=0):
        if not self._request:
            raise OSError(EAGAIN)
        count = len(self._request)
        buffer[:count] = self._request
        self._request = b""
        return count

    def send(self, data):
        self.answer += bytes(data)
        return len(data)

    def close(self):
        pass

    def status(self):
        """The status code of the answer."""
        return int(self.answer.split(b" ")[1])


class Socket:
    """A socket of the radio's pool: a server for the portal's phones, or a client to a cloud that
    accepts the login and then stays quiet."""

    def __init__(self, pool):
        self._pool = pool
        self._answer = LOGIN_OK

    def setsockopt(self, level, name, value):
        pass

    def bind(self, address):
        pass

    def listen(self, backlog):
        pass

    def setblocking(self, flag):
        pass

    def settimeout(self, value):
        pass

    def accept(self):
        if not self._pool.phones:
            raise OSError(EAGAIN)
        return self._pool.phones.pop(0), ("192.168.4.2", 50000)

    def connect(self, address):
        pass

    def send(self, data):
        return len(data)

    def recv_into(self, buffer, nbytes=0):
        if not self._answer:
            raise OSError(EAGAIN)
        count = len(self._answer)
        buffer[:count] = self._answer
        self._answer = b""
        return count

    def close(self):
        pass


class Pool:
    """The radio's socket pool."""

    AF_INET = 2
    SOCK_STREAM = 1
    SOCK_DGRAM = 2
    SOL_SOCKET = 0xFFF
    SO_REUSEADDR = 4

    def __init__(self):
        self.phones = []

    def getaddrinfo(self, host, port):
        return [(2, 1, 0, "", ("10.0.0.1", port))]

    def socket(self, family=2, type=1, proto=0):
        return Socket(self)


class Radio:
    """A radio that joins at once (an ESP32-S3's, as the library sees one)."""

    name = "bench"
    mac = b"\x24\x0a\xc4\x12\x34\x56"
    ap_mac = b"\x24\x0a\xc4\x12\x34\x57"
    esp32_chip_id = True
    ap_ip = "192.168.4.1"
    ap_beside_station = True
    ap_restartable = True
    captive_dns = False
    wep = False
    ap_clients = None
    ip = "192.168.1.20"
    rssi = -50

    def __init__(self):
        self.pool = Pool()
        self.connected = False
        self.ssid = None

    def join(self, config, timeout_s, hostname):
        self.connected = True
        self.ssid = config.ssid
        return iter((0,)) if JOIN_SLICES else 0

    def leave(self):
        self.connected = False

    def scan(self):
        return [("HomeNet", b"\x00\x11\x22\x33\x44\x55", -40, 6, "WPA2")]

    def start_ap(self, ssid, password=""):
        pass

    def stop_ap(self):
        pass

    def phone(self, path):
        """A phone on the access point asks for ``path``; its connection holds the answer."""
        phone = Phone(path)
        self.pool.phones.append(phone)
        return phone

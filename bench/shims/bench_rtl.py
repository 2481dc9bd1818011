# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""A stand-in for the Wio Terminal's RTL8720DN as its UART shows it (``busio.UART``), for the
scenarios that run the RTL8720DN backend under MicroPython: it answers every eRPC call at once,
in the frames the chip sends (CRC-16, reply = type 2, the call's ids, its sequence, the ``out``
values then the result), as ``host/edgent_host/sim/rtl8720/firmware.py`` builds them.

A network that joins at once (HomeNet, 192.168.1.20), a cloud socket that gets the login's
200 OK and then stays quiet, phones on the access point asking for one path each. Imported
before the baseline of those scenarios only (footprint.py), so only what the library allocates
is counted; its own names are unusual on purpose, so that none stands in for one of the
library's (an interned name is counted once, by whoever interns it first).
"""

from errno import EAGAIN
from struct import pack, unpack_from

_LOGIN_OK = b"\x00\x00\x01\x00\xc8"  # RESPONSE to message 1: 200 OK
_MAC_TEXT = b"2c:f7:f1:c0:ff:ee\x00"  # wifi_get_mac_address's u8[18]
_IP_INFO = bytes((192, 168, 1, 20, 255, 255, 255, 0, 192, 168, 1, 1))


def _i32(value):
    return pack("<i", value)


def _blob(data):
    return pack("<I", len(data)) + data


def _scan_record():
    # One rtw_scan_result_t (62 bytes, packed): name length and name, bssid at 34, rssi at 40,
    # security at 46 (WPA2-AES), channel at 54.
    record = bytearray(62)
    record[0] = 7
    record[1:8] = b"HomeNet"
    record[34:40] = b"\xaa\xbb\xcc\x00\x11\x22"
    record[40:42] = pack("<h", -48)
    record[46:50] = pack("<I", 0x00400004)
    record[54:58] = pack("<I", 6)
    return bytes(record)


_SCAN = _scan_record()


def _chip_crc(data):
    # CRC-16 as the chip computes it (poly 0x1021, MSB first, init 0xEF4A).
    value = 0xEF4A
    for octet in data:
        value ^= octet << 8
        for _ in range(8):
            value = ((value << 1) ^ 0x1021) & 0xFFFF if value & 0x8000 else (value << 1) & 0xFFFF
    return value


class BenchPhone:
    """A phone's connection to the portal through the chip, asking for one path."""

    def __init__(self, path):
        self.inbox = b"GET " + path.encode() + b" HTTP/1.1\r\nHost: 192.168.4.1\r\n\r\n"
        self.answer = b""
        self.keep = True  # what the device sends is kept (a cloud socket's is not)

    def status(self):
        """The status code of the answer."""
        return int(self.answer.split(b" ")[1])


class _BenchCloud:
    def __init__(self):
        self.inbox = _LOGIN_OK
        self.answer = b""
        self.keep = False


class _BenchListener:
    def __init__(self):
        self.inbox = b""
        self.keep = False


class BenchChip:
    """The UART to a chip that answers every call at once."""

    def __init__(self):
        self.baudrate = 614400
        self.outgoing = b""  # what the chip sent and the SAMD51 has not read
        self.fds = {}  # the chip's sockets: number -> BenchPhone, _BenchCloud or _BenchListener
        self.waiting_phones = []  # phones come, not yet accepted
        self.next_fd = 0
        self.station = False

    def phone(self, path):
        """A phone on the access point asks for ``path``; its connection holds the answer."""
        caller = BenchPhone(path)
        self.waiting_phones.append(caller)
        return caller

    # -- busio.UART ----------------------------------------------------------------------------

    @property
    def in_waiting(self):
        return len(self.outgoing)

    def readinto(self, buffer):
        count = min(len(buffer), len(self.outgoing))
        if not count:
            return None
        buffer[:count] = self.outgoing[:count]
        self.outgoing = self.outgoing[count:]
        return count

    def reset_input_buffer(self):
        self.outgoing = b""

    def write(self, data):
        body = bytes(data[4:])
        head = bytes((2, body[1], body[2], 1)) + body[4:8]
        values = self._answer(body[2], body[1], body[8:])
        if values is not None:
            message = head + values
            self.outgoing += pack("<HH", len(message), _chip_crc(message)) + message
        return len(data)

    # -- the firmware --------------------------------------------------------------------------

    def _new_fd(self, what):
        self.next_fd += 1
        self.fds[self.next_fd] = what
        return self.next_fd

    def _answer(self, service, function, args):
        # The reply's values (out parameters, then the result) for one call.
        key = service * 256 + function
        if key == 0x101:  # system_version
            return _blob(b"2.1.3")
        if key == 0x102:  # system_ack
            return args[:1]
        if key == 0xE08:  # wifi_get_mac_address
            return _MAC_TEXT + _i32(0)
        if key in (0xE01, 0xF0D):  # wifi_connect, dhcpc_start
            self.station = True
        elif key in (0xE1C, 0xE03):  # wifi_off, wifi_disconnect
            self.station = False
        elif key == 0xE04:  # wifi_is_connected_to_ap
            return _i32(0 if self.station else -1)
        elif key == 0xF07:  # tcpip_adapter_get_ip_info
            return _blob(_IP_INFO if self.station else bytes(12)) + _i32(0)
        elif key == 0xF11:  # tcpip_adapter_get_mac
            return _blob(b"\x2c\xf7\xf1\xc0\xff\xef") + _i32(0)
        elif key == 0xE13:  # wifi_get_rssi
            return _i32(-48) + _i32(0)
        elif key == 0xE0E:  # wifi_get_associated_client_list: one phone
            return _blob(b"\x01\x00\x00\x00") + _i32(0)
        elif key == 0xE41:  # wifi_is_scaning
            return b"\x00"
        elif key == 0xE43:  # wifi_scan_get_ap_num
            return pack("<H", 1)
        elif key == 0xE42:  # wifi_scan_get_ap_records
            return _blob(_SCAN) + _i32(0)
        elif key == 0x1019:  # netconn_gethostbyname
            return _blob(bytes((10, 0, 0, 1))) + b"\x00"
        elif key == 0x1012:  # lwip_socket
            return _i32(self._new_fd(_BenchListener()))
        elif key == 0x1009:  # lwip_connect: the cloud
            self.fds[unpack_from("<i", args, 0)[0]] = _BenchCloud()
        elif key == 0x1001:  # lwip_accept
            if not self.waiting_phones:
                return pack("<I", 16) + _i32(-1)
            return pack("<I", 16) + _i32(self._new_fd(self.waiting_phones.pop(0)))
        elif key == 0x1018:  # lwip_errno: "nothing yet" is the only error here
            return _i32(EAGAIN)
        elif key == 0x100C:  # lwip_recv
            fd, wanted = unpack_from("<iI", args, 0)
            other = self.fds.get(fd)
            if other is None or not other.inbox:
                return _blob(b"\x00") + _i32(-1)
            data = other.inbox[:wanted]
            other.inbox = other.inbox[wanted:]
            return _blob(data) + _i32(len(data))
        elif key == 0x100F:  # lwip_send
            fd, count = unpack_from("<iI", args, 0)
            other = self.fds.get(fd)
            if other is not None and other.keep:
                other.answer += args[8 : 8 + count]
            return _i32(count)
        elif key == 0x1008:  # lwip_close
            self.fds.pop(unpack_from("<i", args, 0)[0], None)
        elif service not in (14, 15, 16):
            print("bench_rtl: no answer to service", service, "function", function)
            return None
        return _i32(0)  # every other call here returns an i32 0


CHIP = BenchChip()  # the scenarios' chip, made before the baseline

# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The SPI framing between ``adafruit_esp32spi`` and NINA firmware, and the numbers both sides use.

A command (``ESP_SPIcontrol._send_command``): START ``0xE0``, the command code with the reply
flag clear, the parameter count, then for each parameter its length and its bytes, then END
``0xEE``. Lengths are one byte, except for the commands that carry data (SEND_DATA_TCP 0x44,
GET_DATABUF_TCP 0x45, INSERT_DATABUF 0x46), whose lengths are two bytes, high byte first. The
library pads the frame to a multiple of 4 with whatever its reused send buffer held from earlier
commands, so padding is not zero (nina-fw 3.x's availDataTcp reads one such byte: firmware.py).

A reply (nina-fw ``CommandHandlerClass::handle``): START, the code with the reply flag ``0x80``,
the count, for each parameter a one-byte length (two bytes, high first, for GET_DATABUF_TCP) and
its bytes, END, then zeros up to a multiple of 4 (``ALIGN_UP(responseLength, 4)``). A command the
firmware has no handler for, or whose handler gives up, is answered ``0xEF 0x00 0xEE``, which the
library reports as ``BrokenPipeError("Error response to command")``. A handler may also answer
with no parameter at all (a failed START_CLIENT_TCP): the library, which expects one, then raises
``BrokenPipeError("Expected 01 but got 00")``.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import IntEnum

START_CMD = 0xE0
END_CMD = 0xEE
ERR_CMD = 0xEF
REPLY_FLAG = 0x80

# The firmware's command and reply buffers: SPI_MAX_DMA_LEN (4096 - 4) in sketch.ino.cpp.
SPI_BUFFER_LEN = 4092


class Cmd(IntEnum):
    """The command codes (``adafruit_esp32spi`` names, nina-fw ``commandHandlers`` table)."""

    SET_NET = 0x10
    SET_PASSPHRASE = 0x11
    SET_KEY = 0x12
    SET_IP_CONFIG = 0x14
    SET_DNS_CONFIG = 0x15
    SET_HOSTNAME = 0x16
    SET_POWER_MODE = 0x17
    SET_AP_NET = 0x18
    SET_AP_PASSPHRASE = 0x19
    SET_DEBUG = 0x1A
    GET_TEMPERATURE = 0x1B
    GET_DNS_CONFIG = 0x1E
    GET_REASON_CODE = 0x1F
    GET_CONN_STATUS = 0x20
    GET_IPADDR = 0x21
    GET_MACADDR = 0x22
    GET_CURR_SSID = 0x23
    GET_CURR_BSSID = 0x24
    GET_CURR_RSSI = 0x25
    GET_CURR_ENCT = 0x26
    SCAN_NETWORKS = 0x27
    START_SERVER_TCP = 0x28
    GET_STATE_TCP = 0x29
    DATA_SENT_TCP = 0x2A
    AVAIL_DATA_TCP = 0x2B
    GET_DATA_TCP = 0x2C
    START_CLIENT_TCP = 0x2D
    STOP_CLIENT_TCP = 0x2E
    GET_CLIENT_STATE_TCP = 0x2F
    DISCONNECT = 0x30
    GET_IDX_RSSI = 0x32
    GET_IDX_ENCT = 0x33
    REQ_HOST_BY_NAME = 0x34
    GET_HOST_BY_NAME = 0x35
    START_SCAN_NETWORKS = 0x36
    GET_FW_VERSION = 0x37
    SEND_UDP_DATA = 0x39
    GET_REMOTE_DATA = 0x3A
    GET_TIME = 0x3B
    GET_IDX_BSSID = 0x3C
    GET_IDX_CHAN = 0x3D
    PING = 0x3E
    GET_SOCKET = 0x3F
    SET_CLI_CERT = 0x40
    SET_PK = 0x41
    SEND_DATA_TCP = 0x44
    GET_DATABUF_TCP = 0x45
    INSERT_DATABUF = 0x46
    SET_ENT_IDENT = 0x4A
    SET_ENT_UNAME = 0x4B
    SET_ENT_PASSWD = 0x4C
    SET_ENT_CA_CERT = 0x4D
    SET_ENT_CERT_KEY = 0x4E
    SET_ENT_ENABLE = 0x4F
    SET_PIN_MODE = 0x50
    SET_DIGITAL_WRITE = 0x51
    SET_ANALOG_WRITE = 0x52
    GET_DIGITAL_READ = 0x53
    GET_ANALOG_READ = 0x54


# Commands whose parameter lengths are two bytes (the library's sent_param_len_16=True).
WIDE_PARAMS = frozenset({Cmd.SEND_DATA_TCP, Cmd.GET_DATABUF_TCP, Cmd.INSERT_DATABUF})
# Replies whose parameter lengths are two bytes (the library's recv_param_len_16=True).
WIDE_REPLIES = frozenset({Cmd.GET_DATABUF_TCP})

# Connection status (WiFi.status(); adafruit_esp32spi's WL_* constants).
WL_IDLE_STATUS = 0
WL_NO_SSID_AVAIL = 1
WL_SCAN_COMPLETED = 2
WL_CONNECTED = 3
WL_CONNECT_FAILED = 4
WL_CONNECTION_LOST = 5
WL_DISCONNECTED = 6
WL_AP_LISTENING = 7
WL_AP_CONNECTED = 8
WL_AP_FAILED = 9
WL_STOPPED = 0xFE

# Socket modes (socketTypes[] in CommandHandler.cpp).
TCP_MODE = 0x00
UDP_MODE = 0x01
TLS_MODE = 0x02
UDP_MULTICAST_MODE = 0x03
NO_MODE = 0xFF

NO_SOCKET = 255  # getSocket's answer when every slot is taken; availDataTcp's "nobody waits"
SOCKET_ESTABLISHED = 4  # getClientStateTcp's only non-zero answer

ERROR_REPLY = bytes((ERR_CMD, 0x00, END_CMD, 0x00))


def parse(frame: bytes, wide: bool) -> tuple[int, list[bytes]]:
    """Return the command code and parameters of a command frame.

    Bytes past the end of what was clocked in read as zeros: the firmware clears its command
    buffer before every transfer (``memset(commandBuffer, 0x00, SPI_BUFFER_LEN)``).
    """

    def at(index: int) -> int:
        return frame[index] if index < len(frame) else 0

    code, count = at(1), at(2)
    params: list[bytes] = []
    pos = 3
    for _ in range(count):
        if wide:
            length = (at(pos) << 8) | at(pos + 1)
            pos += 2
        else:
            length = at(pos)
            pos += 1
        params.append(bytes(frame[pos : pos + length]).ljust(length, b"\0"))
        pos += length
    return code, params


def reply(code: int, params: Sequence[bytes], wide: bool = False) -> bytes:
    """Build the reply frame to command ``code``, padded with zeros to a multiple of 4."""
    out = bytearray((START_CMD, code | REPLY_FLAG, len(params)))
    for param in params:
        if wide:
            out += bytes(((len(param) >> 8) & 0xFF, len(param) & 0xFF))
        else:
            out.append(len(param) & 0xFF)
        out += param
    out.append(END_CMD)
    while len(out) % 4:
        out.append(0)
    return bytes(out)

# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""Blynk's device protocol for the lite edition (blynk-edgent-protocol.md section 6): a frame is a
5-byte big-endian header (command, message id, length) and a body of arguments joined by NUL; a
RESPONSE carries its status in the length field. Arguments are bytes (a SAMD21 build has no
``str.encode``); numbers go through ``str``. The same frames as the full package's
``blynk_edgent.link`` (tests hold one against the other).
"""

RESPONSE = 0
PING = 6
INTERNAL = 17
HARDWARE = 20
HW_LOGIN = 29
REDIRECT = 41
OK = 200
HEADER = 5


def _bytes(arg):
    if isinstance(arg, (bytes, bytearray)):
        return bytes(arg)
    return bytes(str(arg), "utf-8")


def header(command, msg_id, length):
    """The 5 bytes that head a frame (``length``: its body's, or a RESPONSE's status)."""
    return bytes((command, msg_id >> 8, msg_id & 0xFF, length >> 8, length & 0xFF))


def frame(command, msg_id, args=()):
    """The bytes of one frame carrying ``args`` (bytes or numbers); for a RESPONSE (command 0),
    ``args`` is its status."""
    if command == RESPONSE:
        return header(command, msg_id, args)
    body = b"\0".join(_bytes(arg) for arg in args)
    return header(command, msg_id, len(body)) + body


def next_frame(buf, fill):
    """The first frame of ``buf[:fill]``: None while incomplete, else ``(command, msg_id, body,
    size)`` (the status for a RESPONSE); ValueError for a length past ``buf``."""
    if fill < HEADER:
        return None
    command = buf[0]
    msg_id = buf[1] << 8 | buf[2]
    length = buf[3] << 8 | buf[4]
    if command == RESPONSE:
        return command, msg_id, length, HEADER
    if length > len(buf) - HEADER:
        raise ValueError("a frame of %d bytes, past the buffer" % length)
    if fill < HEADER + length:
        return None
    return command, msg_id, bytes(buf[HEADER : HEADER + length]), HEADER + length


def virtual_write(body):
    """``(pin, values)`` of a HARDWARE body ``vw\\0pin\\0value...``, or None for anything else."""
    parts = body.split(b"\0")
    if len(parts) < 3 or parts[0] != b"vw" or not parts[1].isdigit():
        return None
    return int(parts[1]), parts[2:]

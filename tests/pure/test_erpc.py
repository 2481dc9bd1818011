# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The RTL8720DN's eRPC 1.7.4 codec against the worked frames of ../shared/docs/rtl8720-erpc.md
section 2 (computed there with the firmware's own CRC code), and the firmware's receive rules."""

from blynk_edgent.erpc import (
    FUNCTIONS,
    ONEWAY,
    ERPCError,
    FrameReader,
    crc16,
    decode_reply,
    encode_call,
    frame,
    message_head,
    row,
)
from support import raises


def hexbytes(text):
    return bytes([int(part, 16) for part in text.replace("|", " ").split()])


def test_the_crc_is_the_firmwares():
    assert crc16(b"123456789") == 0x89AC  # init 0xEF4A (CCITT-FALSE's 0xFFFF would give 0x29B1)


def test_requests_match_the_worked_frames_byte_for_byte():
    assert encode_call("system_version", 1) == hexbytes("08 00 7d a6 | 00 01 01 01 | 01 00 00 00")
    assert encode_call("system_ack", 2, 0x0F) == hexbytes("09 00 64 7f 00 02 01 01 02 00 00 00 0f")
    assert encode_call("wifi_on", 3, 1) == hexbytes("0c 00 15 af 00 1b 0e 01 03 00 00 00 01 00 00 00")
    assert encode_call("lwip_socket", 4, 2, 1, 6) == hexbytes(
        "14 00 e8 51 00 12 10 01 04 00 00 00 02 00 00 00 01 00 00 00 06 00 00 00"
    )
    assert encode_call("wifi_connect", 6, "ssid", None, 0, -1, 0) == hexbytes(
        "1d 00 8d b2 00 01 0e 01 06 00 00 00 04 00 00 00 73 73 69 64 01 00 00 00 00 ff ff ff ff 00 00 00 00"
    )


def test_the_version_reply_decodes():
    reply = hexbytes("11 00 93 fe | 02 01 01 01 | 01 00 00 00 | 05 00 00 00 32 2e 31 2e 33")
    reader = FrameReader()
    reader.feed(reply)
    message = reader.next_message()
    assert message_head(message) == (2, 1, 1, 1)
    assert decode_reply("system_version", message) == (b"2.1.3",)
    assert reader.next_message() is None and reader.dropped == 0


def test_out_parameters_come_before_the_result_and_nullables_say_so():
    body = b"\x02\x08\x0e\x01\x07\x00\x00\x00" + b"24:0a:c4:12:34:56\x00" + b"\x00\x00\x00\x00"
    assert decode_reply("wifi_get_mac_address", body) == (b"24:0a:c4:12:34:56\x00", 0)
    body = b"\x02\x0c\x10\x01\x09\x00\x00\x00" + b"\x03\x00\x00\x00abc" + b"\x03\x00\x00\x00"
    assert decode_reply("lwip_recv", body) == (b"abc", 3)
    assert decode_reply("wifi_is_scaning", b"\x02\x41\x0e\x01\x00\x00\x00\x00\x01") == (True,)
    call = encode_call("start_ssl_client", 9, 0x20001000, "blynk.cloud", 443, 30000)
    assert call[4 + 8 + 4] == 0 and call[4 + 8 + 5 : 4 + 8 + 9] == b"\x0b\x00\x00\x00"  # present, 11 bytes


def test_a_reply_to_another_call_or_cut_short_is_refused():
    version = hexbytes("02 01 01 01 01 00 00 00 05 00 00 00 32 2e 31")  # 3 of the 5 bytes
    assert raises(ERPCError, decode_reply, "system_version", version)
    assert raises(ERPCError, decode_reply, "system_ack", hexbytes("02 01 01 01 01 00 00 00 00"))
    assert raises(ERPCError, decode_reply, "system_version", b"\x02\x01\x01\x02\x01\x00\x00\x00")  # version 2
    assert raises(ValueError, encode_call, "wifi_on", 1)  # an argument missing


def test_a_bad_crc_is_dropped_and_the_next_frame_still_read():
    good = encode_call("system_ack", 5, 7)
    bad = bytearray(good)
    bad[-1] ^= 0xFF
    reader = FrameReader()
    reader.feed(bytes(bad) + good[:3])
    assert reader.next_message() is None and reader.dropped == 1
    reader.feed(good[3:])
    assert reader.next_message() == good[4:]


def test_an_event_between_request_and_reply_is_its_own_message():
    # rpc_wifi_event_callback: oneway, service 19, id 1, one binary (STA_START before wifi_on's reply)
    event = frame(bytes((ONEWAY, 1, 19, 1)) + b"\x01\x00\x00\x00" + b"\x04\x00\x00\x00\x00\x00\x00\x00")
    reply = frame(b"\x02\x1b\x0e\x01\x03\x00\x00\x00" + b"\x00\x00\x00\x00")
    reader = FrameReader()
    reader.feed(event + reply)
    first, second = reader.next_message(), reader.next_message()
    assert message_head(first)[:2] == (ONEWAY, 19)
    assert decode_reply("wifi_on", second) == (0,)


def test_a_length_past_the_firmwares_buffer_means_out_of_step():
    reader = FrameReader()
    reader.feed(b"\x01\x10\x00\x00")  # 4097
    assert raises(ERPCError, reader.next_message)
    reader.clear()
    assert reader.next_message() is None


def names():
    return [line.split(" ")[0] for line in FUNCTIONS.split("\n") if line]


def test_every_row_has_known_letters_and_unique_ids():
    seen = set()
    for name in names():
        service, function, types_in, types_out = row(name)
        assert (service, function) not in seen, name
        seen.add((service, function))
        for letter in types_in + types_out:
            assert letter in "BcbHIisynNM", (name, letter)

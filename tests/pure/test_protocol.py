"""Blynk frames: the byte layouts of blynk-edgent-protocol.md section 6, and cutting a stream into frames."""

from blynk_edgent import protocol as p
from support import raises

TOKEN = "TOKEN1234567890abcdefghijklmnopq"


def test_device_virtual_write_bytes():
    data = p.frame(p.HARDWARE, 4, ("vw", 5, 23.5))
    assert data == bytes.fromhex("1400040009") + b"vw\x005\x0023.5"


def test_login_ping_and_response_bytes():
    assert p.frame(p.HW_LOGIN, 1, (TOKEN,)) == bytes.fromhex("1d00010020") + TOKEN.encode()
    assert p.frame(p.PING, 5) == bytes.fromhex("0600050000")
    assert p.response(1, p.STATUS_OK) == bytes.fromhex("00000100c8")
    assert p.response(0x1234, 9) == bytes.fromhex("0012340009")


def test_floats_and_ints_as_blynk_writes_them():
    assert p.frame(p.HARDWARE, 1, ("vw", 1, 42))[5:] == b"vw\x001\x0042"
    assert p.frame(p.HARDWARE, 1, ("vw", 1, 0.1))[5:] == b"vw\x001\x000.1"
    assert p.frame(p.HARDWARE, 1, ("vw", 1, 2.0))[5:] == b"vw\x001\x002"


def test_info_message_example_length():
    info = (
        "mcu", "0.1.0", "fw-type", "TMPL4abcd123", "build", "Jan  1 2025 12:00:00", "blynk", "1.4.0",
        "h-beat", 40, "buff-in", 1024, "dev", "ESP32", "tmpl", "TMPL4abcd123",
    )  # fmt: skip
    data = p.frame(p.INTERNAL, 2, info)
    assert data[:5] == bytes.fromhex("1100020078")


def test_reader_cuts_frames_from_bytes_fed_one_at_a_time():
    stream = p.response(1, 200) + p.frame(p.HARDWARE, 7, ("vw", 3, "on")) + p.frame(p.PING, 8)
    reader = p.FrameReader(64)
    frames = []
    for i in range(len(stream)):
        assert reader.feed(stream[i : i + 1]) == 1
        item = reader.next_frame()
        if item is not None:
            frames.append(item)
    assert frames == [(p.RESPONSE, 1, 200), (p.HARDWARE, 7, b"vw\x003\x00on"), (p.PING, 8, b"")]
    assert reader.next_frame() is None


def test_reader_cuts_several_frames_from_one_read():
    stream = p.frame(p.HARDWARE, 2, ("vw", 1, "a")) + p.frame(p.HARDWARE, 3, ("vw", 2, "b"))
    reader = p.FrameReader(64)
    view = reader.free()
    view[: len(stream)] = stream
    reader.received(len(stream))
    assert reader.next_frame()[1] == 2
    assert reader.next_frame()[1] == 3
    assert reader.next_frame() is None


def test_reader_refuses_oversized_zero_id_and_unknown_commands():
    too_big = bytes((p.HARDWARE, 0, 1, 0x04, 0x01))  # 1025 bytes announced, buff-in 1024
    reader = p.FrameReader(1024)
    reader.feed(too_big)
    assert "packet too big" in str(raises(p.ProtocolError, reader.next_frame))
    for header in (bytes((p.HARDWARE, 0, 0, 0, 0)), bytes((p.HW_LOGIN, 0, 1, 0, 0)), bytes((99, 0, 1, 0, 0))):
        reader = p.FrameReader(64)
        reader.feed(header)
        raises(p.ProtocolError, reader.next_frame)


def test_split_body():
    assert p.split_body(b"") == []
    assert p.split_body(b"vw\x005\x00") == ["vw", "5", ""]
    assert p.split_body(b"vw\x005\x00\xff\xfe") == ["vw", "5", b"\xff\xfe"]


def test_body_limit():
    raises(ValueError, p.frame, p.HARDWARE, 1, ("x" * 70000,))

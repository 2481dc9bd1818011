# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The RTL8720DN's UART link (lib/blynk_edgent/rtl8720_link.py) against the chip's emulator
(host/edgent_host/sim/rtl8720), byte for byte: start-up and the firmware check, events before a
reply, and each fault the issue names (a dropped byte, a bad CRC, a reply that never comes, an
overflowing ring) ending in a clear error the caller recovers from by resetting the chip."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from blynk_edgent.erpc import EVENTS, ONEWAY, REPLY, ERPCError, FrameReader, encode_call, message_head
from blynk_edgent.rtl8720_link import RTLLink
from blynk_edgent.rtl8720_start import reset
from edgent_host.sim import boards, runtime
from edgent_host.sim.rtl8720 import EmulatedUART, Firmware, Power
from edgent_host.sim.world import World


def chip(tmp_path: Path, version: str | None = "2.1.3") -> Firmware:
    """A chip in a simulated world of its own (the default networks; nothing answers as a cloud)."""
    world = runtime.Runtime(
        board=boards.get("seeeduino_wio_terminal"),
        state_dir=tmp_path,
        code_dir=tmp_path,
        cloud=("127.0.0.1", 9),
        world=World(None),
        portal=("127.0.0.1", 0),
    )
    return Firmware(version, runtime=world)


def answer_to(firmware: Firmware, data: bytes) -> list[bytes]:
    """The messages the chip sends back for ``data`` (it answers in its own time)."""
    firmware.receive(data, 614400)
    time.sleep(0.01)
    reader = FrameReader()
    for sent in firmware.transmit(614400):
        reader.feed(sent)
    messages = []
    while (message := reader.next_message()) is not None:
        messages.append(message)
    return messages


def link_to(firmware: Firmware, ring: int = 8192) -> tuple[RTLLink, EmulatedUART]:
    uart = EmulatedUART(firmware, receiver_buffer_size=ring)
    return RTLLink(uart, Power(firmware)), uart  # real time: the chip answers in its own


def test_a_current_chip_starts_and_says_its_version(tmp_path: Path) -> None:
    firmware = chip(tmp_path)
    link, _ = link_to(firmware)
    assert link.start() == "2.1.3"
    assert firmware.received[-2:] == [(1, 2), (1, 1)]  # ack, then version
    assert link.call("wifi_get_mac_address") == (b"2c:f7:f1:c0:ff:ee\x00", 0)


@pytest.mark.parametrize(
    ("version", "found"),
    [("2.1.1", "firmware 2.1.1"), ("2.0.0", "firmware 2.0.0"), (None, "no eRPC answer (the AT firmware")],
)
def test_old_or_at_firmware_is_refused_with_what_was_found_and_how_to_update(
    tmp_path: Path, version: str | None, found: str
) -> None:
    link, uart = link_to(chip(tmp_path, version))
    with pytest.raises(RuntimeError) as refused:
        link.start()
    assert found in str(refused.value) and "ambd_flash_tool" in str(refused.value)
    assert uart.baudrate == 614400


def test_the_event_sent_before_a_reply_is_kept_and_the_reply_read(tmp_path: Path) -> None:
    link, _ = link_to(chip(tmp_path))
    link.start()
    assert link.call("tcpip_adapter_init") == (0,)
    assert link.call("wifi_on", 1) == (0,)  # STA_START comes first, as the firmware sends it
    assert [message_head(event)[:2] for event in link.events] == [(ONEWAY, EVENTS)]


def test_a_call_the_firmware_does_not_have_times_out_and_the_link_goes_on() -> None:
    link, _ = link_to(Firmware())  # no world: the system functions only
    link.start()
    with pytest.raises(ERPCError, match="no reply to wifi_scan_start within 200 ms"):
        link.call("wifi_scan_start", timeout_ms=200)
    assert link.call("system_ack", 7) == (7,)


def test_a_dropped_byte_costs_a_timeout_and_a_reset_mends_it() -> None:
    firmware = Firmware()
    link, uart = link_to(firmware)
    link.start()
    request = encode_call("system_ack", 99, 3)
    uart.write(request[:-1])  # a byte lost on the wire: the chip waits for it
    with pytest.raises(ERPCError):
        link.call("system_ack", 4, timeout_ms=200)  # its frame is read as the rest of the last
    reset(link)
    assert link.call("system_ack", 5) == (5,)


def test_a_corrupted_frame_gets_no_reply() -> None:
    firmware = Firmware()
    link, _ = link_to(firmware)
    link.start()
    bad = bytearray(encode_call("system_ack", 50, 1))
    bad[6] ^= 0x40
    assert answer_to(firmware, bytes(bad)) == []
    assert link.call("system_ack", 2) == (2,)


def test_an_overflowing_receive_ring_loses_bytes_and_the_call_says_so() -> None:
    firmware = Firmware()
    link, uart = link_to(firmware, ring=16)
    with pytest.raises(ERPCError, match="no reply to system_version"):  # its 21 bytes do not fit
        link.start()
    assert uart.lost > 0


def test_a_length_past_the_buffer_consumes_the_header_alone() -> None:
    firmware = Firmware()
    (answer,) = answer_to(firmware, b"\x01\x10\x00\x00" + encode_call("system_ack", 1, 9))
    assert answer.endswith(b"\x09") and message_head(answer)[0] == REPLY

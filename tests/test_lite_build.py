# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The lite edition (lib/blynk_edgent_lite) uses nothing a SAMD21 CircuitPython build lacks.

What the ``arduino_nano_33_iot`` build lacks (issue 17's feasibility study, from CircuitPython's
``ports/atmel-samd/boards/arduino_nano_33_iot/mpconfigboard.mk`` and ``CIRCUITPY_FULL_BUILD = 0``):
the modules ``json``, ``re``, ``errno``, ``warnings``, ``select``, ``zlib``, ``binascii``,
``adafruit_bus_device``; ``os.getenv`` (raises NotImplementedError); ``time.monotonic_ns``
(raises) and ``time.monotonic`` (loses milliseconds after about 1.2 h: ``supervisor.ticks_ms``
instead); long integers (past 2**30: "small int overflow"); ``bytes.decode``, ``str.encode``,
``str.partition`` and ``splitlines``. Plus what no CircuitPython has at run time (``typing``,
``dataclasses``, ``enum``, ``abc``, ``functools``). Found statically: imports, attribute names,
integer literals and arithmetic on literals past 2**30.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LITE = ROOT / "lib" / "blynk_edgent_lite"
MISSING_MODULES = {
    "json", "re", "errno", "warnings", "select", "zlib", "binascii", "adafruit_bus_device",
    "typing", "dataclasses", "enum", "abc", "functools",
}  # fmt: skip
MISSING_ATTRIBUTES = {
    "getenv": "os.getenv raises NotImplementedError",
    "monotonic_ns": "time.monotonic_ns raises",
    "monotonic": "time.monotonic loses milliseconds after about 1.2 h: use supervisor.ticks_ms",
    "decode": "no bytes.decode on a non-full build",
    "encode": "no str.encode on a non-full build",
    "partition": "no str.partition on a non-full build",
    "rpartition": "no str.rpartition on a non-full build",
    "splitlines": "no str.splitlines on a non-full build",
}
SMALL_INT = 1 << 30  # MicroPython's small ints on a 32-bit build without long integers


def _constant(node: ast.AST) -> int | None:
    """The integer a literal expression folds to, or None when it is not one."""
    if isinstance(node, ast.Constant) and isinstance(node.value, int) and not isinstance(node.value, bool):
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        inner = _constant(node.operand)
        return None if inner is None else -inner
    if isinstance(node, ast.BinOp):
        left, right = _constant(node.left), _constant(node.right)
        if left is None or right is None:
            return None
        operations = {
            ast.Add: lambda: left + right,
            ast.Sub: lambda: left - right,
            ast.Mult: lambda: left * right,
            ast.LShift: lambda: left << right if 0 <= right < 128 else None,
            ast.Pow: lambda: left**right if 0 <= right < 64 else None,
            ast.BitOr: lambda: left | right,
        }
        operation = operations.get(type(node.op))
        return operation() if operation is not None else None
    return None


def problems(source: str) -> list[str]:
    """What in ``source`` a SAMD21 build cannot run, one line each."""
    found = []
    for node in ast.walk(ast.parse(source)):
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
        else:
            names = []
        for name in names:
            if name.split(".")[0] in MISSING_MODULES:
                found.append(f"line {line}: import {name}: not in the build")
        if isinstance(node, ast.Attribute) and node.attr in MISSING_ATTRIBUTES:
            found.append(f"line {line}: .{node.attr}: {MISSING_ATTRIBUTES[node.attr]}")
        if isinstance(node, ast.ImportFrom) and any(alias.name in MISSING_ATTRIBUTES for alias in node.names):
            found.append(f"line {line}: from {node.module} import a name the build lacks")
        if isinstance(node, (ast.Constant, ast.BinOp, ast.UnaryOp)):
            value = _constant(node)
            if value is not None and not -SMALL_INT <= value < SMALL_INT:
                found.append(f"line {line}: {value:#x} is past 2**30 (no long integers)")
    return sorted(set(found))


@pytest.mark.parametrize("path", sorted(LITE.rglob("*.py")), ids=lambda p: p.name)
def test_the_lite_edition_uses_only_what_a_samd21_build_has(path: Path) -> None:
    assert problems(path.read_text()) == [], path


def test_the_lite_edition_is_there() -> None:
    assert (LITE / "__init__.py").is_file() and (LITE / "apname.py").is_file()


def test_the_check_finds_each_kind_of_problem() -> None:
    bad = (
        "import json\nfrom binascii import crc32\nimport os\nimport time\n"
        "x = os.getenv('A')\nt = time.monotonic()\nu = time.monotonic_ns()\n"
        "s = b'a'.decode()\nb = 'a'.encode()\nh, _, t = 'a=b'.partition('=')\nlines = 'a'.splitlines()\n"
        "big = 0xEDB88320\nalso = 1 << 31\nfine = 0xFFFF * 16384\nfar = -(1 << 30) - 1\n"
    )
    found = problems(bad)
    for expected in (
        "line 1: import json",
        "line 2: import binascii",
        "line 5: .getenv",
        "line 6: .monotonic:",
        "line 7: .monotonic_ns",
        "line 8: .decode",
        "line 9: .encode",
        "line 10: .partition",
        "line 11: .splitlines",
        "line 12: 0xedb88320",
        "line 13: 0x80000000",
        "line 15: -0x40000001",
    ):
        assert any(item.startswith(expected) for item in found), (expected, found)
    assert not any(item.startswith("line 14") for item in found)  # 0x3fffc000 fits

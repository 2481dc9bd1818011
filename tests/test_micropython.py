# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The pure tests again, under real MicroPython 1.27 (the WebAssembly build from npm, run by Node.js).

Every test function pytest finds in tests/pure must have passed there too, so nothing is skipped
quietly on the board's interpreter.
"""

from __future__ import annotations

import ast
import re
import subprocess
from pathlib import Path

from edgent_host.nodejs import node_executable

ROOT = Path(__file__).resolve().parent.parent
HERE = ROOT / "tests"


def _cpython_test_names() -> set[str]:
    names = set()
    for path in (HERE / "pure").glob("test_*.py"):
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
                names.add(f"{path.stem}.{node.name}")
    return names


def test_pure_tests_pass_under_micropython() -> None:
    mp = HERE / "micropython"
    result = subprocess.run(
        [
            node_executable(),
            str(mp / "run.mjs"),
            str(mp / "runner.py"),
            f"{HERE / 'pure'}=/t",
            f"{HERE / 'shims'}=/shims",
            f"{mp}=/mp",
            f"{ROOT / 'lib'}=/lib",
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    output = result.stdout + result.stderr
    passed = set(re.findall(r"^PASS (\S+)$", result.stdout, re.M))
    failed = re.findall(r"^FAIL (.*)$", result.stdout, re.M)
    assert result.returncode == 0, output[-4000:]
    assert not failed, "\n".join(failed) + "\n" + output[-4000:]
    assert passed == _cpython_test_names()


def test_runner_reports_micropython_itself(tmp_path: Path) -> None:
    script = tmp_path / "which.py"
    script.write_text("import sys\nprint(sys.implementation.name, sys.implementation.version[:2])\n")
    result = subprocess.run(
        [node_executable(), str(HERE / "micropython" / "run.mjs"), str(script)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip() == "micropython (1, 27)"

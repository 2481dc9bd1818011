# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""`make demo` (`edgent demo`): the whole story end to end, exit 0, screens and a log left behind."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def test_demo_runs_every_step_and_leaves_the_screens(tmp_path: Path) -> None:
    edgent = Path(sys.executable).parent / "edgent"
    out = tmp_path / "demo"
    result = subprocess.run([str(edgent), "demo", "--out", str(out)], capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    log = (out / "demo.log").read_text()
    for step in range(1, 11):
        assert f"] {step}. " in log, f"step {step} missing from the log"
    assert "the device printed: V1 = 42" in log
    shots = sorted(p.name for p in out.glob("*.png"))
    assert shots == [
        "01-config-mode.png",
        "02-running.png",
        "03-hold-3s.png",
        "04-hold-10s.png",
        "05-config-mode-again.png",
    ]


def test_a_failed_step_is_named_and_exits_non_zero(tmp_path: Path) -> None:
    edgent = Path(sys.executable).parent / "edgent"
    broken = tmp_path / "code.py"
    broken.write_text("raise RuntimeError('this board never starts')\n")
    result = subprocess.run(
        [str(edgent), "demo", "--out", str(tmp_path / "demo"), "--code", str(broken)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "demo FAILED at: config mode: the device stopped" in result.stdout
    assert "this board never starts" in result.stdout


def test_an_out_folder_that_is_not_the_demos_is_left_alone(tmp_path: Path) -> None:
    edgent = Path(sys.executable).parent / "edgent"
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "thesis.tex").write_text("years of work\n")
    result = subprocess.run([str(edgent), "demo", "--out", str(mine)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "not a demo's folder, left alone" in result.stderr
    assert (mine / "thesis.tex").read_text() == "years of work\n"

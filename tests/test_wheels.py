# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
# SPDX-License-Identifier: MIT
"""The two wheels (issue 16): the device library and the host tools, built apart, offline.

scripts/build-wheels.py builds both into a temporary folder; they must pass ``twine check``, hold
what each is for and nothing of the other's, name the same version, and install into a fresh venv
where ``blynk_edgent`` and ``edgent_host.cli`` import from the wheels and ``edgent --help`` runs.
Offline there is no index to resolve dependencies from, so the wheels go in with ``--no-deps`` and
the venv sees this one's packages after its own (a .pth line); every ``Requires-Dist`` of both must
be met by what it then finds.
"""

from __future__ import annotations

import email.parser
import re
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "scripts" / "build-wheels.py"

pytestmark = pytest.mark.slow


class Wheel:
    """A built wheel: its file names, its metadata and its version."""

    def __init__(self, path: Path) -> None:
        self.path = path
        with zipfile.ZipFile(path) as archive:
            self.names = set(archive.namelist())
            dist_info = next(n.split("/")[0] for n in self.names if n.endswith(".dist-info/METADATA"))
            self.metadata = email.parser.Parser().parsestr(archive.read(f"{dist_info}/METADATA").decode())
            self.entry_points = (
                archive.read(f"{dist_info}/entry_points.txt").decode()
                if f"{dist_info}/entry_points.txt" in self.names
                else ""
            )
            self.version_py = (
                archive.read("blynk_edgent/version.py").decode() if "blynk_edgent/version.py" in self.names else ""
            )
        self.dist_info = dist_info
        self.files = {n for n in self.names if not n.startswith(dist_info + "/")}
        self.version = self.metadata["Version"]
        self.requires = [Requirement(r) for r in self.metadata.get_all("Requires-Dist") or []]


@pytest.fixture(scope="module")
def wheels(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Wheel]:
    out = tmp_path_factory.mktemp("wheels")
    result = subprocess.run([sys.executable, str(BUILD), "--out", str(out)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    built = {Wheel(p).metadata["Name"]: Wheel(p) for p in out.glob("*.whl")}
    assert sorted(built) == ["circuitpython-blynk-edgent", "edgent"], built
    return built


def _device_files() -> set[str]:
    # Every file of lib/blynk_edgent: its modules and what it reads at run time (portal.html).
    folder = ROOT / "lib" / "blynk_edgent"
    library = {f"blynk_edgent/{p.name}" for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")}
    profiles = {f"blynk_edgent/boards/{p.name}" for p in (ROOT / "boards").glob("*.py")}
    return library | profiles | {"blynk_edgent/boards/__init__.py"}


def test_twine_check_passes(wheels: dict[str, Wheel]) -> None:
    paths = [str(w.path) for w in wheels.values()]
    command = [sys.executable, "-m", "twine", "check", "--strict", *paths]
    result = subprocess.run(command, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_device_wheel_is_the_library_its_page_and_the_profiles(wheels: dict[str, Wheel]) -> None:
    device = wheels["circuitpython-blynk-edgent"]
    assert device.files == _device_files()
    assert "blynk_edgent/portal.html" in device.files
    assert "blynk_edgent/boards/seeeduino_wio_terminal.py" in device.files
    assert not [n for n in device.names if "edgent_host" in n]
    classifiers = device.metadata.get_all("Classifier") or []
    assert "Programming Language :: Python :: Implementation :: CircuitPython" in classifiers
    assert device.metadata["License-Expression"] == "MIT"
    assert any(n.endswith("/licenses/LICENSE") for n in device.names) == (ROOT / "LICENSE").is_file()
    assert device.entry_points == ""


def test_device_wheel_needs_what_a_board_needs(wheels: dict[str, Wheel]) -> None:
    # requirements-device.txt says what a board needs at the versions tested: the wheel asks for
    # those at least, and for Blinka (the modules behind the type hints, on CPython).
    requires = {r.name.lower(): str(r.specifier) for r in wheels["circuitpython-blynk-edgent"].requires}
    lines = (ROOT / "requirements-device.txt").read_text().splitlines()
    pins = [re.match(r"\s*([A-Za-z0-9._-]+)==(\S+)", line.partition("#")[0]) for line in lines]
    tested = {pin[1].lower(): f">={pin[2]}" for pin in pins if pin}
    assert tested
    assert {name: requires.get(name) for name in tested} == tested
    assert set(requires) - set(tested) == {"adafruit-blinka"}


def test_host_wheel_is_the_host_tools_alone(wheels: dict[str, Wheel]) -> None:
    host = wheels["edgent"]
    package = ROOT / "host" / "edgent_host"
    expected = {
        p.relative_to(package.parent).as_posix()
        for p in package.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    }
    assert host.files == expected
    assert not [n for n in host.files if not n.startswith("edgent_host/")]
    # No copy of a device file under another name either (deploy takes them from the repository).
    device = {p.read_bytes() for d in ("lib", "boards", "examples") for p in (ROOT / d).rglob("*") if p.is_file()}
    with zipfile.ZipFile(host.path) as archive:
        copies = [n for n in host.files if archive.read(n) in device and archive.read(n).strip()]
    assert not copies
    assert "edgent = edgent_host.cli:main" in host.entry_points
    assert host.metadata["License-Expression"] == "MIT"


def test_both_have_one_version_and_the_host_needs_that_library(wheels: dict[str, Wheel]) -> None:
    device, host = wheels["circuitpython-blynk-edgent"], wheels["edgent"]
    assert device.version == host.version
    assert f'__version__ = "{device.version}"' in device.version_py
    library = [r for r in host.requires if r.name == "circuitpython-blynk-edgent"]
    assert [str(r.specifier) for r in library] == [f"=={device.version}"]


CHECK = """
import importlib.metadata as metadata, importlib.resources as resources, sys
from packaging.requirements import Requirement
import blynk_edgent, blynk_edgent.boards, edgent_host.cli
for module in (blynk_edgent, blynk_edgent.boards, edgent_host.cli):
    assert module.__file__.startswith(sys.prefix), module.__file__
assert resources.files("blynk_edgent").joinpath("portal.html").is_file()
assert blynk_edgent.__version__ == metadata.version("circuitpython-blynk-edgent") == metadata.version("edgent")
unmet = []
for dist in ("circuitpython-blynk-edgent", "edgent"):
    for line in metadata.requires(dist) or []:
        requirement = Requirement(line)
        if requirement.marker is not None and not requirement.marker.evaluate({"extra": ""}):
            continue
        try:
            version = metadata.version(requirement.name)
        except metadata.PackageNotFoundError:
            version = None
        if version is None or not requirement.specifier.contains(version, prereleases=True):
            unmet.append("%s needs %s, found %s" % (dist, line, version))
assert not unmet, unmet
print("ok", blynk_edgent.__version__)
"""


def test_wheels_install_into_a_fresh_venv_and_edgent_runs(wheels: dict[str, Wheel], tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    paths = [str(w.path) for w in wheels.values()]
    install = [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps", "--no-index"]
    result = subprocess.run([*install, *paths], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    # The dependencies: this venv's packages, after the fresh venv's own (a path line in a .pth adds a
    # folder, not a site: this venv's editable installs of the repository stay out).
    site = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            capture_output=True, text=True, check=True,
        ).stdout.strip()
    )  # fmt: skip
    (site / "zz-test-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    result = subprocess.run([str(python), "-c", CHECK], capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == f"ok {wheels['edgent'].version}"
    result = subprocess.run([str(venv / "bin" / "edgent"), "--help"], capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "deploy" in result.stdout and "provision" in result.stdout
    assert not re.search(r"error", result.stderr, re.IGNORECASE), result.stderr

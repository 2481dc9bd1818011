# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The device libraries blynk_edgent needs (``requirements-device.txt``), installed with circup.

Online, circup takes them from Adafruit's current bundle; when github.com cannot be reached, deploy
says so and goes offline by itself. Offline, circup gets a bundle made here
from the pinned PyPI packages (``../shared/docs/host-tooling.md`` section 7): their files come from
this venv, where they are installed at those versions and checked against pip's RECORD hashes, or
else from ``pip download``; the bundle sits in a private circup data folder (``XDG_DATA_HOME``)
whose bundle_config.json names only the Adafruit bundle, so circup never asks GitHub.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from edgent_host.boardstubs import board_stub
from edgent_host.deploy import REQUIREMENTS, DeployError
from edgent_host.deploy.drive import Profile
from edgent_host.deploy.files import MpyCross

# Libraries frozen into a board's CircuitPython (circuitpython-platform.md sections 0.7 and 1.4, read in
# each board's mpconfigboard.mk; circuitpython-stubs 10.3.1 lists the same under "Frozen libraries", which
# tests/test_deploy.py checks). sys.path is ['', '/', '.frozen', '/lib'], so a copy in /lib is never imported.
_PORTAL_FROZEN = {"adafruit_connection_manager", "adafruit_esp32spi", "adafruit_portalbase", "adafruit_requests"}
FROZEN: dict[str, frozenset[str]] = {
    "pyportal": frozenset(_PORTAL_FROZEN | {"adafruit_display_text", "adafruit_fakerequests", "neopixel"}),
    "pyportal_titano": frozenset(_PORTAL_FROZEN | {"adafruit_display_text", "adafruit_fakerequests", "neopixel"}),
    "matrixportal_m4": frozenset(_PORTAL_FROZEN | {"neopixel"}),
}
# Native modules of the firmware, which an import finds before any file: every full build (SAMD51, Espressif,
# RP2) has adafruit_bus_device (CIRCUITPY_BUSDEVICE = CIRCUITPY_FULL_BUILD, platform doc sections 2.1 and
# 8.1); the SAMD21 small builds do not. Boards with a profile only; checked against circuitpython-stubs.
_FULL_BUILDS = (
    "adafruit_feather_esp32s3_4mbflash_2mbpsram",
    "adafruit_feather_esp32s3_tft",
    "arduino_nano_rp2040_connect",
    "matrixportal_m4",
    "metro_m4_airlift_lite",
    "pyportal",
    "pyportal_titano",
    "raspberry_pi_pico2_w",
    "raspberry_pi_pico_w",
    "seeeduino_wio_terminal",
)
BUILT_IN: dict[str, frozenset[str]] = {board: frozenset({"adafruit_bus_device"}) for board in _FULL_BUILDS}
# circup's names for the PyPI packages whose module is not simply adafruit_<rest> (clean_library_name in
# circup/command_utils.py).
_MODULE_NAMES = {
    "adafruit_busdevice": "adafruit_bus_device",
    "adafruit_connectionmanager": "adafruit_connection_manager",
}
# The bundle this module builds: circup wants a version tag, any semver will do in a data folder of its own.
OFFLINE_TAG = "1.0.0+edgent"
BUNDLE_REPO = "adafruit/Adafruit_CircuitPython_Bundle"
STAMP = "edgent-bundle.json"
CIRCUP_TIMEOUT = 600
# Online, circup asks GitHub for the latest CircuitPython and bundle releases before anything else, and ends in
# a traceback when it cannot: deploy asks first, the same way (HTTPS, through HTTPS_PROXY when set).
GITHUB = f"https://github.com/{BUNDLE_REPO}/releases/latest"
REACH_TIMEOUT = 10.0


@dataclass(frozen=True)
class Requirement:
    """One line of requirements-device.txt: a PyPI package at the version tested, and which boards need it."""

    pypi: str
    version: str
    needed_for: str | None  # "esp32spi" (RADIO), "display" (DISPLAY = True), None: every board

    @property
    def module(self) -> str:
        """The module's name on the device and in circup."""
        return module_name(self.pypi)

    @property
    def pin(self) -> str:
        """``name==version``."""
        return f"{self.pypi}=={self.version}"


def module_name(pypi: str) -> str:
    """The CircuitPython module a PyPI package installs, as circup derives it from the package's name."""
    name = pypi.lower().replace("-circuitpython-", "_").replace("_circuitpython_", "_").replace("-", "_")
    return _MODULE_NAMES.get(name, name)


def read_requirements(path: Path = REQUIREMENTS) -> list[Requirement]:
    """Parse ``path``: ``package==version``, optionally followed by ``# for: esp32spi`` or ``# for: display``."""
    requirements = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line, _, comment = raw.partition("#")
        if not line.strip():
            continue
        found = re.fullmatch(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)==([0-9][^\s;]*)\s*", line)
        if found is None:
            raise DeployError(f"{path.name} line {number}: expected package==version, got {raw.strip()!r}")
        tag = re.search(r"for:\s*(\w+)", comment)
        requirements.append(Requirement(found.group(1), found.group(2), tag.group(1) if tag else None))
    return requirements


def board_has_display(board_id: str) -> bool | None:
    """Whether ``board_id`` has a ``board.DISPLAY``, from circuitpython-stubs' board definitions; None: unknown."""
    stub = board_stub(board_id)
    if stub is None:
        return None
    return re.search(r"^DISPLAY\s*:", stub, re.MULTILINE) is not None


def needed(requirements: list[Requirement], profile: Profile, board_id: str) -> list[Requirement]:
    """The requirements the board needs: the radio's, and the screen's when it has one (a profile that
    decides on the board, like generic_native, has one when the board's stub says so, or when unknown)."""
    display = profile.display
    if display is None:
        display = board_has_display(board_id) is not False
    wanted = {None, profile.radio} | ({"display"} if display else set())
    return [requirement for requirement in requirements if requirement.needed_for in wanted]


def in_firmware(requirements: list[Requirement], board_id: str) -> tuple[list[Requirement], dict[str, str]]:
    """Split ``requirements`` into those to install and those the board's firmware has (module: why)."""
    install, skipped = [], {}
    for requirement in requirements:
        if requirement.module in FROZEN.get(board_id, ()):
            skipped[requirement.module] = "frozen"
        elif requirement.module in BUILT_IN.get(board_id, ()):
            skipped[requirement.module] = "built in"
        else:
            install.append(requirement)
    return install, skipped


def _version_in(path: Path) -> str | None:
    """The ``__version__`` in a .py or .mpy file (as circup finds it), or None."""
    data = path.read_bytes()
    if path.suffix == ".py":
        found = re.search(rb"""__version__\s*=\s*['"]([^'"]+)['"]""", data)
    else:
        found = re.search(rb"(\d+\.\d+\.\d+)\x00", data)  # a 'C' v6 .mpy keeps its strings as bytes
    return found.group(1).decode("ascii", "replace") if found else None


def on_drive(drive: Path, module: str) -> str | None:
    """The version of ``module`` in the drive's lib/ ("" when it has none), or None when it is not there."""
    lib = drive / "lib"
    if (lib / module).is_dir():
        for path in sorted((lib / module).rglob("*")):
            if path.suffix in (".py", ".mpy") and (version := _version_in(path)):
                return version
        return ""
    for suffix in (".py", ".mpy"):
        if (lib / f"{module}{suffix}").is_file():
            return _version_in(lib / f"{module}{suffix}") or ""
    return None


def _why_unreachable(reason: object, timeout: float) -> str:
    """A network failure in a few words."""
    if isinstance(reason, socket.gaierror):
        return "its name does not resolve: no DNS, or no network"
    if isinstance(reason, TimeoutError):  # socket.timeout too
        return f"no answer within {timeout:g} s"
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused"
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror[0].lower() + reason.strerror[1:]
    return str(reason) or type(reason).__name__


def github_unreachable(url: str = GITHUB, timeout: float = REACH_TIMEOUT) -> str | None:
    """None when ``url`` answers at all (any HTTP status will do), else why not, in a few words."""
    request = urllib.request.Request(url, method="HEAD", headers={"User-Agent": "edgent-deploy"})
    try:
        with urllib.request.urlopen(request, timeout=timeout):
            return None
    except urllib.error.HTTPError:
        return None  # it answered
    except urllib.error.URLError as error:
        why = _why_unreachable(error.reason, timeout)
    except (OSError, ValueError) as error:  # a timeout or a reset after connecting
        why = _why_unreachable(error, timeout)
    parts = urllib.parse.urlsplit(url)
    proxy = urllib.request.getproxies().get(parts.scheme)
    return (
        f"{why}, through the proxy {proxy}" if proxy and not urllib.request.proxy_bypass(parts.hostname or "") else why
    )


def console_script(name: str) -> str | None:
    """The command ``name`` installed beside this Python (the venv's), else the one on PATH, or None."""
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.is_file() else shutil.which(name)


def circup_command() -> list[str]:
    """How to run circup (:func:`console_script`)."""
    found = console_script("circup")
    if not found:
        raise DeployError("circup is not installed: .venv/bin/pip install -r requirements-dev.txt -c constraints.txt")
    return [found]


# The offline bundle.


def _record_hash(data: bytes) -> str:
    """A file's hash as pip's RECORD writes it."""
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def _from_venv(requirement: Requirement) -> dict[str, bytes] | None:
    """The module files of ``requirement`` as installed in this venv, when it is installed at the pinned
    version and every file still matches its RECORD hash (then they are the wheel's bytes); else None."""
    try:
        distribution = metadata.distribution(requirement.pypi)
    except metadata.PackageNotFoundError:
        return None
    if distribution.version != requirement.version or distribution.files is None:
        return None
    files = {}
    for entry in distribution.files:
        parts = entry.parts
        if parts[0] == ".." or parts[0].endswith(".dist-info") or "__pycache__" in parts or entry.suffix == ".pyc":
            continue
        data = Path(str(entry.locate())).read_bytes()
        if entry.hash is None or _record_hash(data) != f"{entry.hash.mode}={entry.hash.value}":
            return None  # changed since pip installed it: not the wheel any more
        files[entry.as_posix()] = data
    return files or None


def _from_pip(requirements: list[Requirement], wheels: Path, otherwise: str) -> dict[str, dict[str, bytes]]:
    """The module files of ``requirements`` from their wheels, fetched by ``pip download`` (pip's cache first);
    ``otherwise`` ends the message when that fails: what else the user may do."""
    wheels.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:", "--quiet"]
    command += ["--disable-pip-version-check", "--timeout", "15", "--retries", "1", "--dest", str(wheels)]
    result = subprocess.run(command + [r.pin for r in requirements], capture_output=True, text=True)
    if result.returncode != 0:
        last = (result.stderr or result.stdout).strip().splitlines()
        raise DeployError(
            f"cannot build the offline bundle: {', '.join(r.pin for r in requirements)} not installed in this venv "
            f"and pip download failed ({last[-1] if last else result.returncode}): run .venv/bin/pip install -r "
            f"requirements-dev.txt -c constraints.txt once while online{otherwise}"
        )
    found = {}
    for requirement in requirements:
        prefix = re.sub(r"[-_.]+", "_", requirement.pypi).lower() + "-" + requirement.version + "-"
        wheel = next((w for w in sorted(wheels.glob("*.whl")) if w.name.lower().startswith(prefix)), None)
        if wheel is None:
            raise DeployError(
                f"pip download gave no wheel for {requirement.pin} in {wheels}: is it a pure-Python wheel?"
            )
        with zipfile.ZipFile(wheel) as archive:
            found[requirement.pin] = {
                name: archive.read(name)
                for name in archive.namelist()
                if not name.endswith("/") and ".dist-info/" not in name
            }
    return found


def _bundle_lib(circup_data: Path, platform: str) -> Path:
    """Where circup looks for a bundle's modules: ``platform`` is "py" or "<major>mpy"."""
    folder = "py" if platform == "py" else f"{platform[:-3]}.x-mpy"
    name = "adafruit-circuitpython-bundle"
    return circup_data / "adafruit" / f"{name}-{platform}" / f"{name}-{folder}-{OFFLINE_TAG}" / "lib"


def offline_bundle(
    data_dir: Path,
    requirements: list[Requirement],
    major: int,
    mpy: MpyCross | None,
    otherwise: str = ", or deploy without --offline",
) -> str:
    """Make ``data_dir`` (circup's XDG_DATA_HOME) hold a bundle of ``requirements``, compiled for CircuitPython
    ``major`` too when there is a CircuitPython ``mpy`` (else circup falls back to the .py files); return
    where its files came from. A bundle already built for the same pins is kept as it is. ``otherwise`` ends
    the message of a failure to fetch what this venv lacks."""
    stamp = {"requirements": [r.pin for r in requirements], "mpy": [major, mpy.version] if mpy else None}
    circup_data = data_dir / "circup"
    try:
        if json.loads((circup_data / STAMP).read_text()) == stamp:
            return "already built"
    except (OSError, ValueError):
        pass
    sources: dict[str, dict[str, bytes]] = {}
    for requirement in requirements:
        files = _from_venv(requirement)
        if files is not None:
            sources[requirement.pin] = files
    missing = [r for r in requirements if r.pin not in sources]
    if missing:
        sources.update(_from_pip(missing, data_dir / "wheels", otherwise))
    data_dir.mkdir(parents=True, exist_ok=True)
    # Built beside and swapped in whole, so an interrupted build never leaves a half bundle behind.
    building = Path(tempfile.mkdtemp(prefix=".circup-", dir=data_dir))
    try:
        py_lib = _bundle_lib(building, "py")
        for files in sources.values():
            for name, data in files.items():
                (py_lib / name).parent.mkdir(parents=True, exist_ok=True)
                (py_lib / name).write_bytes(data)
        if mpy is not None:
            mpy_lib = _bundle_lib(building, f"{major}mpy")
            with tempfile.TemporaryDirectory(prefix="edgent-mpy-") as work:
                for path in sorted(p for p in py_lib.rglob("*") if p.is_file()):
                    name = path.relative_to(py_lib).as_posix()
                    target = mpy_lib / (name[: -len(".py")] + ".mpy" if path.suffix == ".py" else name)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    data = mpy.compile(path, name, Path(work)) if path.suffix == ".py" else path.read_bytes()
                    target.write_bytes(data)
        (building / "circup.json").write_text(json.dumps({BUNDLE_REPO: [OFFLINE_TAG]}))
        # Only the Adafruit bundle: with the community bundle listed too, circup would look it up on GitHub.
        (building / "bundle_config.json").write_text(json.dumps({"adafruit": BUNDLE_REPO}))
        (building / STAMP).write_text(json.dumps(stamp))
        if circup_data.exists():
            shutil.rmtree(circup_data)
        building.rename(circup_data)
    finally:
        shutil.rmtree(building, ignore_errors=True)
    if not missing:
        return "built from the packages installed in this venv"
    downloaded = ", ".join(r.pin for r in missing)
    if len(missing) == len(requirements):
        return f"built from PyPI wheels: {downloaded}"
    return f"built from the packages installed in this venv, and PyPI wheels for {downloaded}"


def install(drive: Path, requirements: list[Requirement], offline: bool, data_dir: Path) -> list[str]:
    """Run ``circup --path DRIVE [--offline] install -r FILE`` for ``requirements``; return circup's output
    lines. Raise :class:`DeployError` when circup fails or a module is still missing afterwards."""
    with tempfile.TemporaryDirectory(prefix="edgent-circup-") as work:
        listing = Path(work) / "requirements.txt"
        listing.write_text("".join(r.pin + "\n" for r in requirements))
        command = circup_command() + ["--path", str(drive.resolve())] + (["--offline"] if offline else [])
        command += ["install", "-r", str(listing)]
        env = dict(os.environ)
        if offline:
            env["XDG_DATA_HOME"] = str(data_dir.resolve())
        # circup reads bundle pins from a pyproject.toml in its working folder or the one above: run it
        # where there is none.
        try:
            result = subprocess.run(
                command,
                cwd=work,
                env=env,
                capture_output=True,
                text=True,
                timeout=CIRCUP_TIMEOUT,
                stdin=subprocess.DEVNULL,
            )
        except subprocess.TimeoutExpired:
            raise DeployError(f"circup did not finish in {CIRCUP_TIMEOUT} s: try again, or with --offline") from None
    output = [line for line in (result.stdout + result.stderr).splitlines() if line.strip()]
    missing = [r.module for r in requirements if on_drive(drive, r.module) is None]
    if result.returncode != 0 or missing:
        detail = output[-1].strip() if output else f"exit status {result.returncode}"  # a traceback's last line
        hint = "" if offline else "; without the network, deploy with --offline"
        lost = re.match(r"requests\.exceptions\.(\w+)", detail)
        if lost and not offline:  # the network went after deploy found GitHub there
            detail = f"it lost GitHub: {lost.group(1)}"
            hint = "; deploy again, or with --offline"
        raise DeployError(f"circup did not install {', '.join(missing) or 'everything'} ({detail}){hint}")
    return output

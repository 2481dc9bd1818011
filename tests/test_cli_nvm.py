# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The `edgent` command's NVM and AP-name tools, and the file-backed NVM the simulator uses."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from blynk_edgent.store import ConfigStore
from edgent_host.cli import main
from edgent_host.nvmfile import NVMFile

TOKEN = "abcdefghijklmnopqrstuvwxyzAB12_-"


def test_edgent_help_runs_from_the_venv() -> None:
    edgent = Path(sys.executable).parent / "edgent"
    result = subprocess.run([str(edgent), "--help"], capture_output=True, text=True)
    assert result.returncode == 0
    assert "usage: edgent" in result.stdout


def test_nvm_write_then_show(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    image = tmp_path / "nvm.bin"
    assert main(["nvm", "write", str(image), "--ssid", "HomeNet", "--password", "secret-pass", "--token", TOKEN]) == 0
    assert image.stat().st_size == 8192
    config = ConfigStore(NVMFile(image)).load()
    assert (config.ssid, config.password, config.token, config.provisioned) == ("HomeNet", "secret-pass", TOKEN, True)
    assert main(["nvm", "write", str(image), "--ssid", "HomeNet", "--password", "secret-pass", "--token", TOKEN]) == 0
    assert "unchanged" in capsys.readouterr().out
    assert main(["nvm", "show", str(image)]) == 0
    shown = capsys.readouterr().out
    assert "HomeNet" in shown and "secret-pass" not in shown and TOKEN not in shown


def test_values_beginning_with_a_dash_are_values(tmp_path: Path) -> None:
    # a WiFi password or a token may begin with "-": argparse alone takes it for an option
    image = tmp_path / "nvm.bin"
    token = "-" + TOKEN[1:]
    assert main(["nvm", "write", str(image), "--ssid", "-Net", "--password", "-secret-pass", "--token", token]) == 0
    config = ConfigStore(NVMFile(image)).load()
    assert (config.ssid, config.password, config.token) == ("-Net", "-secret-pass", token)
    with pytest.raises(SystemExit):  # an option after an option still is one: no value given
        main(["nvm", "write", str(image), "--ssid", "Net", "--token", "--password"])


def test_nvm_write_refuses_bad_token_and_names_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    image = tmp_path / "nvm.bin"
    assert main(["nvm", "write", str(image), "--ssid", "x", "--token", TOKEN[:31]]) == 2
    assert "token: expected 32 characters" in capsys.readouterr().err
    assert not ConfigStore(NVMFile(image)).load().provisioned


def test_nvm_show_and_erase_refuse_a_missing_image_and_create_none(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    image = tmp_path / "missing.bin"
    for action in ("show", "erase"):
        assert main(["nvm", action, str(image)]) == 2
        captured = capsys.readouterr()
        assert captured.out == ""
        assert f"edgent nvm {action}: {image}: no such image" in captured.err
    assert not image.exists()


def test_nvm_wrong_size_is_named_not_a_traceback(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    image = tmp_path / "nvm.bin"
    assert main(["nvm", "write", str(image), "--ssid", "HomeNet", "--token", TOKEN]) == 0
    capsys.readouterr()
    assert main(["nvm", "show", str(image), "--size", "4096"]) == 2
    assert "holds 8192 bytes" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_info:  # argparse: too small for one record
        main(["nvm", "show", str(image), "--size", "16"])
    assert exit_info.value.code == 2
    assert "--size: expected a number of bytes from 256" in capsys.readouterr().err


def test_nvm_erase(tmp_path: Path) -> None:
    image = tmp_path / "nvm.bin"
    main(["nvm", "write", str(image), "--ssid", "HomeNet", "--token", TOKEN])
    assert main(["nvm", "erase", str(image)]) == 0
    assert not ConfigStore(NVMFile(image)).load().provisioned


def test_apname_vector(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["apname", "--template-name", "Device", "--mac", "24:0A:C4:12:34:56", "--esp32"]) == 0
    assert capsys.readouterr().out.strip() == "Blynk Device-PYN6"


def test_nvm_file_behaves_like_the_board(tmp_path: Path) -> None:
    nvm = NVMFile(tmp_path / "n.bin", size=256)
    assert len(nvm) == 256 and nvm[0] == 0xFF
    with pytest.raises(ValueError, match="different lengths"):
        nvm[0:4] = b"abc"
    nvm[0:3] = b"abc"
    assert NVMFile(tmp_path / "n.bin", size=256)[0:3] == bytearray(b"abc")
    with pytest.raises(ValueError, match="holds 256 bytes"):
        NVMFile(tmp_path / "n.bin", size=8192)
    fresh = NVMFile(tmp_path / "r.bin", size=8192, new_fill="random")
    assert fresh.image() != b"\xff" * 8192
    assert not ConfigStore(fresh).load().provisioned


def test_a_refused_configuration_creates_no_image(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    image = tmp_path / "new.bin"
    assert main(["nvm", "write", str(image), "--ssid", "HomeNet", "--token", TOKEN[:31]]) == 2
    assert "token: expected 32 characters" in capsys.readouterr().err
    assert not image.exists()


@pytest.mark.parametrize("mac", ["24:0A:C4:12:34", "zz:0A:C4:12:34:56"])
def test_apname_names_a_bad_mac_instead_of_a_traceback(mac: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["apname", "--template-name", "Device", "--mac", mac])
    assert exit_info.value.code == 2
    assert "--mac: expected six bytes in hex" in capsys.readouterr().err

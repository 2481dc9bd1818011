# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""Config mode end to end: a simulated board running an example's code.py (a native ESP32-S3, and
a PyPortal whose ESP32 runs NINA 1.7.7 or 3.3.0 under the real adafruit_esp32spi), the local
cloud, and the phone played by `edgent provision` and by plain HTTP requests to the portal.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from devices import ALL, HOME_PASSWORD, NATIVE, NINA1, NINA3, WIO, Device

from blynk_edgent import memory
from blynk_edgent.config import Config
from blynk_edgent.connecting import TRIAL_CLOUD_MS
from blynk_edgent.online import JOIN_TIMEOUT_S
from blynk_edgent.store import ConfigStore
from edgent_host.cloud.testing import RunningCloud, running_cloud
from edgent_host.deploy.files import EXAMPLE_BOARDS
from edgent_host.nvmfile import NVMFile
from edgent_host.sim.supervisor import Simulator
from edgent_host.sim.testing import running_sim
from edgent_host.sim.world import DEFAULT_WORLD
from support import fields

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow

OLD_TOKEN = "OLDtoken0123456789abcdefghijklmn"


def portal(sim: Simulator) -> str:
    return "http://" + sim.options.portal


# A phone dropped from the access point (it follows the station's channel during a test-join) is
# back within a few seconds (sim.world.PHONE_REJOIN_S); until then its requests fail, and it retries.
PHONE_RETRY_S = 10.0


def get(url: str, timeout: float = 10, retry: bool = True) -> tuple[int, Any]:
    """GET ``url`` as a phone on the access point: its status and its JSON (or bytes). Refused or
    reset connections are retried for PHONE_RETRY_S unless ``retry`` is False."""
    give_up = time.monotonic() + (PHONE_RETRY_S if retry else 0)
    while True:
        try:
            request = urllib.request.Request(url, headers={"Host": "192.168.4.1"})  # as a phone names it
            with urllib.request.urlopen(request, timeout=timeout) as answer:
                body = answer.read()
                status = answer.status
            break
        except urllib.error.HTTPError as error:
            body = error.read()
            status = error.code
            break
        except (urllib.error.URLError, ConnectionError) as error:
            reason = getattr(error, "reason", error)
            if not isinstance(reason, ConnectionError) or time.monotonic() > give_up:
                raise
            time.sleep(0.3)
    try:
        return status, json.loads(body)
    except ValueError:
        return status, body


def config_url(sim: Simulator, **params: str) -> str:
    return portal(sim) + "/config?" + "&".join(f"{k}={quote(v, safe='')}" for k, v in params.items())


def stored(sim: Simulator) -> Config:
    return ConfigStore(NVMFile(sim.options.state_dir / "nvm.bin", sim.board.nvm_size or 0)).load()


def wait_state(sim: Simulator, state: str, timeout: float = 40) -> None:
    # NINA cannot say whether a phone is on its access point, so an AirLift board that was asked
    # for its board info stays CONFIGURING until 2 quiet minutes have passed: both are config mode.
    states = ("WAIT_CONFIG", "CONFIGURING") if state == "WAIT_CONFIG" else (state,)
    assert sim.wait_for(lambda s: s["state"] in states and s["running"], timeout), "\n".join(sim.log_lines()[-30:])


def wait_portal(sim: Simulator, timeout: float = 20) -> dict[str, Any]:
    sim.wait_for(lambda s: s["ap"] is not None, timeout)
    status, info = get(portal(sim) + "/board_info.json")
    assert status == 200
    return dict(info)


def provision(sim: Simulator, cloud: RunningCloud, *extra: str) -> subprocess.CompletedProcess[str]:
    edgent = Path(sys.executable).parent / "edgent"
    return subprocess.run(
        [str(edgent), "provision", "--device", portal(sim), "--cloud-api", cloud.http_url, "--timeout", "40", *extra],
        capture_output=True,
        text=True,
        timeout=90,
    )


@pytest.mark.parametrize("device", ALL, ids=lambda d: d.name)
def test_blank_device_is_provisioned_by_edgent_provision(tmp_path: Path, device: Device) -> None:
    with (
        running_cloud(tls=True) as cloud,
        running_sim(device.code, tmp_path / "state", cloud, **device.sim_options()) as sim,
    ):
        wait_state(sim, "WAIT_CONFIG")
        info = wait_portal(sim)
        assert info["ssid"] == device.ap_ssid and info["tmpl_id"] == "TMPL4abcd123" and info["last_error"] == 0
        if device.native:
            assert info["mac"] == "24:0A:C4:12:34:56"
        assert list(info)[:10] == [
            "board", "tmpl_id", "fw_type", "fw_ver", "ssid", "bssid", "mac", "last_error", "wifi_scan", "static_ip",
        ]  # fmt: skip

        result = provision(sim, cloud, "--ssid", "HomeNet", "--password", HOME_PASSWORD, "--name", "Kitchen")
        assert result.returncode == 0, result.stdout + result.stderr
        assert "online" in result.stdout

        wait_state(sim, "RUNNING")
        # it runs on what it just proved: no reboot, and the access point and its portal close
        assert sim.wait_for(lambda s: s["state"] == "RUNNING" and not s["ap"], 20)
        assert sim.snapshot()["boots"] == 1
        created = next(d for d in cloud.devices() if d["name"] == "Kitchen")
        config = stored(sim)
        assert (config.ssid, config.password, config.token) == ("HomeNet", HOME_PASSWORD, created["token"])
        assert config.provisioned and config.last_error == 0
        # the hotspot's name follows the login on the same connection (the cloud may read it a moment later)
        metadata = cloud.wait_until(lambda: cloud.device(created["token"])["metadata"], what="the device's metadata")
        assert metadata["Hotspot Name"] == device.ap_ssid
        with pytest.raises(OSError):  # the portal is gone
            socket.create_connection(tuple(sim.options.portal.split(":")), timeout=2).close()  # type: ignore[arg-type]
        assert cloud.is_online(created["token"])
        logins = [line for line in sim.log_lines() if "logged in to" in line]
        assert len(logins) == 1, logins  # the cloud never saw it go offline and back


# Every other board the simulator knows, with the example written for it (the ones above are in
# ALL; the Wio Terminal's AirLift example is another board here).
_SHARED_EXAMPLES = [("pico_w", "raspberry_pi_pico2_w"), ("esp32s3", "espressif_esp32s3_devkitc_1_n8r8")]
OTHER_BOARDS = [
    Device(folder if folder.startswith("wio") else board, folder, board)
    for folder, board in [*EXAMPLE_BOARDS.items(), *_SHARED_EXAMPLES]
    if folder not in {device.example for device in ALL} or board not in {device.board for device in ALL}
]


@pytest.mark.parametrize("device", OTHER_BOARDS, ids=lambda d: d.name)
def test_every_simulated_board_is_provisioned_from_blank(tmp_path: Path, device: Device) -> None:
    with (
        running_cloud(tls=True) as cloud,
        running_sim(device.code, tmp_path / "state", cloud, board=device.board) as sim,
    ):
        wait_state(sim, "WAIT_CONFIG")
        info = wait_portal(sim)
        assert info["ssid"] == sim.snapshot()["ap"] and info["ssid"].startswith("Blynk Device-")
        result = provision(sim, cloud, "--ssid", "HomeNet", "--password", HOME_PASSWORD, "--name", device.board)
        assert result.returncode == 0, result.stdout + result.stderr + "\n".join(sim.log_lines()[-20:])
        assert sim.wait_for(lambda s: s["state"] == "RUNNING" and not s["ap"], 30), "\n".join(sim.log_lines()[-20:])
        assert sim.snapshot()["boots"] == 1
        created = next(d for d in cloud.devices() if d["name"] == device.board)
        cloud.wait_online(created["token"])
        assert stored(sim).token == created["token"]


def _provisioned_device_in_config_mode(tmp_path: Path, cloud: RunningCloud, device: Device) -> Any:
    """A device running with OLD_TOKEN on HomeNet, then asked by the cloud to enter config mode."""
    sim_cm = running_sim(
        device.code,
        tmp_path / "state",
        cloud,
        nvm={"ssid": "HomeNet", "password": HOME_PASSWORD, "token": OLD_TOKEN},
        **device.sim_options(),
    )
    sim = sim_cm.__enter__()
    wait_state(sim, "RUNNING")
    cloud.wait_online(OLD_TOKEN)
    cloud.send_internal(OLD_TOKEN, "dbg", "config start")
    wait_state(sim, "WAIT_CONFIG")
    wait_portal(sim)
    return sim_cm, sim


@pytest.mark.parametrize("device", ALL, ids=lambda d: d.name)
def test_wrong_password_is_722_keeps_the_earlier_configuration_and_a_retry_succeeds(
    tmp_path: Path, device: Device
) -> None:
    with running_cloud(tls=True, tokens=[OLD_TOKEN]) as cloud:
        sim_cm, sim = _provisioned_device_in_config_mode(tmp_path, cloud, device)
        try:
            new_token = cloud.new_device(name="Renamed")
            status, answer = get(config_url(sim, ssid="HomeNet", **{"pass": "not the password"}, blynk=new_token))
            assert (status, answer) == (200, {"status": "ok", "msg": "Trying to connect..."})
            # NINA 1.7.x cannot say why a join fails: it waits out the join timeout, then scans (720 or 722)
            waited = JOIN_TIMEOUT_S + 20 if device is NINA1 else 30
            assert sim.wait_for(
                lambda s: s["last_error"] == 722 and s["state"] in ("WAIT_CONFIG", "CONFIGURING"), waited
            ), "\n".join(sim.log_lines()[-20:])
            wait_portal(sim)
            _, info = get(portal(sim) + "/board_info.json")
            assert info["last_error"] == 722 and info["last_error_msg"] == "Wrong WiFi password."
            assert info["attempt"] == {"phase": "failed", "ssid": "HomeNet", "last_error": 722}
            kept = stored(sim)
            assert (kept.ssid, kept.token, kept.provisioned, kept.last_error) == ("HomeNet", OLD_TOKEN, True, 722)

            status, _ = get(config_url(sim, ssid="HomeNet", **{"pass": HOME_PASSWORD}, blynk=new_token))
            assert status == 200
            cloud.wait_online(new_token, timeout=30)
            assert sim.wait_for(lambda s: s["state"] == "RUNNING" and not s["ap"], 30)
            assert sim.snapshot()["boots"] == 1
            now = stored(sim)
            assert (now.token, now.last_error) == (new_token, 0)
        finally:
            sim_cm.__exit__(None, None, None)


@pytest.mark.parametrize(
    ("ssid", "password", "token_known", "code"),
    [("Nowhere", HOME_PASSWORD, True, 720), ("HomeNet", HOME_PASSWORD, False, 703), ("CoffeeShop", "", True, 710)],
    ids=["unknown-network-720", "unknown-token-703", "no-internet-710"],
)
def test_failures_are_reported_precisely(
    tmp_path: Path, ssid: str, password: str, token_known: bool, code: int
) -> None:
    with running_cloud(tls=True) as cloud, running_sim(NATIVE.code, tmp_path / "state", cloud) as sim:
        wait_state(sim, "WAIT_CONFIG")
        wait_portal(sim)
        token = cloud.new_device() if token_known else "Unknown0123456789abcdefghijklmno"
        status, _ = get(config_url(sim, ssid=ssid, **{"pass": password}, blynk=token))
        assert status == 200
        # the cloud gets TRIAL_CLOUD_MS of attempts before a test-join gives up (Blynk's 50 s)
        waited = 40 + (TRIAL_CLOUD_MS // 1000 if code == 710 else 0)
        assert sim.wait_for(
            lambda s: s["last_error"] == code and s["state"] in ("WAIT_CONFIG", "CONFIGURING"), waited
        ), "\n".join(sim.log_lines()[-20:])
        wait_portal(sim)
        _, info = get(portal(sim) + "/board_info.json")
        assert info["last_error"] == code and info["attempt"]["phase"] == "failed"
        assert fields(stored(sim)) == fields(Config(last_error=code))


def test_bad_input_gets_clear_answers_and_changes_nothing(tmp_path: Path) -> None:
    with running_cloud() as cloud, running_sim(NATIVE.code, tmp_path / "state", cloud) as sim:
        wait_state(sim, "WAIT_CONFIG")
        wait_portal(sim)
        before = (sim.options.state_dir / "nvm.bin").read_bytes()
        token = "T" * 32
        cases = [
            (config_url(sim, ssid="HomeNet", blynk=token[:31]), 500, "blynk: expected 32 characters"),
            (config_url(sim, ssid="", blynk=token), 500, "ssid:"),
            (config_url(sim, ssid="x" * 33, blynk=token), 500, "ssid: expected 1 to 32 bytes"),
            (config_url(sim, ssid="HomeNet", blynk=token, **{"pass": "short"}), 500, "pass:"),
            (config_url(sim, ssid="HomeNet", blynk=token, port_ssl="99999"), 500, "port_ssl:"),
            (config_url(sim, ssid="HomeNet", blynk=token, ip="10.0.0.300", mask="255.0.0.0"), 500, "ip:"),
            (config_url(sim, ssid="HomeNet", blynk=token, ip="10.0.0.3"), 500, "mask: required"),
            (config_url(sim, ssid="HomeNet", blynk=token, **{"if": "cell"}), 500, "if:"),
            (portal(sim) + "/config?ssid=%ZZ&blynk=" + token, 400, "bad percent-encoding"),
            (portal(sim) + "/config?ssid=%FF%FE&blynk=" + token, 400, "not valid UTF-8"),
        ]
        for url, status, message in cases:
            got_status, answer = get(url)
            assert got_status == status, (url, answer)
            assert answer["status"] == "error", (url, answer)
            if status == 500:  # Blynk's answer, with the reason beside it
                assert answer["msg"] == "Configuration invalid" and message in answer["reason"], (url, answer)
            else:
                assert message in answer["msg"], (url, answer)
        assert get(portal(sim) + "/nope")[0] == 404
        for probe in PROBES:  # not a captive portal (the default, as Blynk's): probes are not ours
            assert get(portal(sim) + probe)[0] == 404
        page = urllib.request.urlopen(portal(sim) + "/", timeout=5).read().decode()
        assert "<form" in page and "wifi_scan.json" in page and "http" not in page.split("<script>")[0].lower()
        assert (sim.options.state_dir / "nvm.bin").read_bytes() == before
        assert sim.snapshot()["state"] in ("WAIT_CONFIG", "CONFIGURING")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def test_json_is_escaped_for_network_names_with_quotes(tmp_path: Path) -> None:
    world = tmp_path / "world.json"
    odd = {**DEFAULT_WORLD["networks"][0], "ssid": 'Say "hi" \\ é', "bssid": "AA:BB:CC:00:77:88"}
    world.write_text(json.dumps({"networks": [*DEFAULT_WORLD["networks"], odd]}))
    with running_cloud() as cloud, running_sim(NATIVE.code, tmp_path / "state", cloud, world=world) as sim:
        wait_state(sim, "WAIT_CONFIG")
        wait_portal(sim)
        status, networks = get(portal(sim) + "/wifi_scan.json")
        assert status == 200
        assert 'Say "hi" \\ é' in [n["ssid"] for n in networks]
        assert [n["rssi"] for n in networks] == sorted((n["rssi"] for n in networks), reverse=True)


@pytest.mark.parametrize("device", [NATIVE, NINA3, WIO], ids=lambda d: d.name)
def test_reset_erases_and_config_erase_from_the_cloud_enters_config_mode(tmp_path: Path, device: Device) -> None:
    with (
        running_cloud(tls=True, tokens=[OLD_TOKEN]) as cloud,
        running_sim(
            device.code,
            tmp_path / "state",
            cloud,
            nvm={"ssid": "HomeNet", "password": HOME_PASSWORD, "token": OLD_TOKEN},
            **device.sim_options(),
        ) as sim,
    ):
        wait_state(sim, "RUNNING")
        cloud.wait_online(OLD_TOKEN)
        cloud.send_internal(OLD_TOKEN, "dbg", "config erase")
        wait_state(sim, "WAIT_CONFIG")
        assert not stored(sim).provisioned
        wait_portal(sim)
        assert get(portal(sim) + "/reset") == (200, {"status": "ok", "msg": "Configuration reset"})
        # the answer leaves first, then the device erases (as Blynk's firmware does)
        deadline = time.monotonic() + 5
        while fields(stored(sim)) != fields(Config()) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert fields(stored(sim)) == fields(Config())
        boots = sim.snapshot()["boots"]
        with pytest.raises((urllib.error.URLError, ConnectionError)):  # /reboot answers nothing
            for _ in range(50):  # 503 while the reset is still under way
                assert get(portal(sim) + "/reboot", timeout=5, retry=False)[0] == 503
                time.sleep(0.1)
        assert sim.wait_for(lambda s: s["boots"] == boots + 1 and s["state"] == "WAIT_CONFIG", 40)


def test_provisioned_device_copes_with_settings_copy(tmp_path: Path) -> None:
    """A CIRCUITPY copy with the token in settings.toml runs without provisioning."""
    code = NATIVE.circuitpy(
        tmp_path,
        tls=False,
        settings=f'BLYNK_AUTH_TOKEN = "{OLD_TOKEN}"\nCIRCUITPY_WIFI_SSID = "HomeNet"\n'
        f'CIRCUITPY_WIFI_PASSWORD = "{HOME_PASSWORD}"\nBLYNK_PORT = 80\n',
    )
    with running_cloud(tokens=[OLD_TOKEN]) as cloud:
        with running_sim(code, tmp_path / "state", cloud) as sim:
            wait_state(sim, "RUNNING")
            cloud.wait_online(OLD_TOKEN)
            assert not stored(sim).provisioned  # settings are used, not stored


@pytest.mark.parametrize("device", [NATIVE, NINA1], ids=lambda d: d.name)
def test_running_after_provisioning_holds_what_a_cold_boot_holds(tmp_path: Path, device: Device) -> None:
    with (
        running_cloud(tls=True) as cloud,
        running_sim(device.code, tmp_path / "state", cloud, dns=device.native, **device.sim_options()) as sim,
    ):
        wait_state(sim, "WAIT_CONFIG")
        wait_portal(sim)
        in_config_mode = sim.modules()
        held = {"blynk_edgent.connecting", "blynk_edgent.configmode", "blynk_edgent.portal", "blynk_edgent.httpd"}
        assert held <= set(in_config_mode) <= set(memory.RESIDENT) | set(memory.CONNECTING)
        assert not {"blynk_edgent.settings", "blynk_edgent.profile", "blynk_edgent.store"} & set(in_config_mode)
        assert not [m for m in in_config_mode if m.startswith("blynk_edgent_boards")]  # the profile went too
        if device.native:
            assert _dns_answer(sim, "Blynk.Setup")[-4:] == bytes((192, 168, 4, 1))
            assert _dns_answer(sim, "example.com")[3] & 0x0F == 2  # SERVFAIL, as Blynk's firmware

        result = provision(sim, cloud, "--ssid", "HomeNet", "--password", HOME_PASSWORD)
        assert result.returncode == 0, result.stdout + result.stderr
        assert sim.wait_for(lambda s: s["state"] == "RUNNING" and not s["ap"], 30)
        after_provisioning = settled_modules(sim)
        sim.power_cycle()
        assert sim.wait_for(lambda s: s["boots"] == 2 and s["state"] == "RUNNING", 40)
        after_cold_boot = settled_modules(sim)
        assert after_provisioning == after_cold_boot
        assert set(after_cold_boot) <= set(memory.RESIDENT)


def settled_modules(sim: Simulator) -> list[str]:
    """The modules once the device has nothing left to connect: at the poll after it entered
    RUNNING, or once config mode has closed (after a phone read that the test-join worked)."""
    deadline = time.monotonic() + 10
    modules = sim.modules()
    while "blynk_edgent.connecting" in modules and time.monotonic() < deadline:
        time.sleep(0.1)
        modules = sim.modules()
    return modules


def _dns_answer(sim: Simulator, name: str) -> bytes:
    """The answer of the device's DNS to an A question for ``name``."""
    query = b"\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00"
    for label in name.split("."):
        query += bytes((len(label),)) + label.encode()
    query += b"\x00\x00\x01\x00\x01"
    host, port = sim.options.dns.split(":")  # type: ignore[union-attr]
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
        udp.settimeout(5)
        udp.sendto(query, (host, int(port)))
        answer = udp.recv(512)
    assert answer[:2] == b"\x12\x34"
    return answer


PROBES = ("/generate_204", "/hotspot-detect.html", "/connecttest.txt", "/success.txt")


def test_as_a_captive_portal_every_name_and_probe_leads_to_the_page(tmp_path: Path) -> None:
    """BLYNK_CAPTIVE_PORTAL = 1: what Blynk's firmware does with WIFI_CAPTIVE_PORTAL_ENABLE."""
    code = NATIVE.circuitpy(tmp_path, tls=False, settings="BLYNK_CAPTIVE_PORTAL = 1\n")
    with running_cloud() as cloud, running_sim(code, tmp_path / "state", cloud, dns=True) as sim:
        wait_state(sim, "WAIT_CONFIG")
        wait_portal(sim)
        for name in ("example.com", "connectivitycheck.gstatic.com", "blynk.setup"):
            assert _dns_answer(sim, name)[-4:] == bytes((192, 168, 4, 1)), name
        for probe in PROBES:
            opener = urllib.request.build_opener(_NoRedirect)
            with pytest.raises(urllib.error.HTTPError) as redirect:
                opener.open(urllib.request.Request(portal(sim) + probe), timeout=5)
            assert redirect.value.code == 302 and redirect.value.headers["Location"] == "http://192.168.4.1/"
        page = urllib.request.urlopen(portal(sim) + "/any/other/path", timeout=5).read().decode()
        assert "<form" in page  # as Blynk's captive portal: every other path is the page


def test_an_unsupported_board_stops_at_start_with_one_clear_message(tmp_path: Path) -> None:
    drive = tmp_path / "nano33"
    drive.mkdir()
    (drive / "code.py").write_text("from blynk_edgent import Edgent\n\nedgent = Edgent()\nedgent.run()\n")
    (drive / "settings.toml").write_text('BLYNK_TEMPLATE_ID = "TMPL4abcd123"\nBLYNK_TEMPLATE_NAME = "Device"\n')
    with (
        running_cloud() as cloud,
        running_sim(drive / "code.py", tmp_path / "state", cloud, board="arduino_nano_33_iot") as sim,
    ):
        assert sim.wait_for(lambda s: not s["running"], 20)
        log = "\n".join(sim.log_lines())
        assert "RuntimeError: blynk_edgent cannot run on the Arduino Nano 33 IoT with stock CircuitPython" in log
        assert "microcontroller.nvm" in log and "Nano RP2040 Connect" in log
        assert "from blynk_edgent_lite.edgent import Edgent" in log  # the edition that fits
        assert "adafruit_esp32spi/" not in log  # nothing got as far as a driver
        with pytest.raises(RuntimeError, match="the device is off"):
            sim.modules()  # a stopped board answers nothing, and the panel says so


@pytest.mark.parametrize(
    ("firmware", "found"),
    [("2.1.1", "has firmware 2.1.1;"), ("AT", "has no eRPC answer (the AT firmware, or no firmware);")],
    ids=["erpc-2.1.1", "at-firmware"],
)
def test_a_wio_whose_rtl8720_firmware_is_too_old_stops_at_start_saying_how_to_update(
    tmp_path: Path, firmware: str, found: str
) -> None:
    """2.1.1 and before talk at 1843200 baud and number the scan functions otherwise; the AT
    firmware speaks no eRPC at all: the Wio stops at start with one message naming what it found
    and how to update (../shared/docs/rtl8720-erpc.md section 4)."""
    with (
        running_cloud() as cloud,
        running_sim(WIO.code, tmp_path / "state", cloud, board=WIO.board, rtl_firmware=firmware) as sim,
    ):
        assert sim.wait_for(lambda s: not s["running"], 40), "\n".join(sim.log_lines()[-20:])
        log = "\n".join(sim.log_lines())
        assert "RuntimeError: blynk_edgent: the Wio Terminal's RTL8720DN " + found in log, log
        assert "ambd_flash_tool" in log and "2.1.2 or later" in log


@pytest.mark.parametrize(
    "device", [NATIVE, NINA1, Device("pico-w", "pico_w", "raspberry_pi_pico_w")], ids=lambda d: d.name
)
def test_the_simpletest_runs_unchanged_on_every_kind_of_board(tmp_path: Path, device: Device) -> None:
    """examples/blynk_edgent_simpletest.py, copied as code.py beside a board's settings.toml, is
    provisioned and trades V1 on a native ESP32-S3, an AirLift board and a Pico W."""
    drive = tmp_path / "drive"
    shutil.copytree(ROOT / "examples" / device.example, drive)
    shutil.copy(ROOT / "examples" / "blynk_edgent_simpletest.py", drive / "code.py")
    with (
        running_cloud(tls=True) as cloud,
        running_sim(drive / "code.py", tmp_path / "state", cloud, dns=device.native, **device.sim_options()) as sim,
    ):
        wait_state(sim, "WAIT_CONFIG")
        wait_portal(sim)
        token = cloud.new_device()
        result = provision(sim, cloud, "--ssid", "HomeNet", "--password", HOME_PASSWORD, "--token=" + token)
        assert result.returncode == 0, result.stdout + result.stderr
        cloud.wait_online(token, timeout=40)
        cloud.update(token, "V1", "42")
        assert device.v1_reached(sim, "42")

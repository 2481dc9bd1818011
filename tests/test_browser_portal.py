# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The page for browsers, in real headless Chromium (Debian's, driven by Playwright), against a
simulated device in config mode: pick a network from the list, submit, read the outcome.

Screenshots are kept in out/test-artifacts/.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from devices import NATIVE, WIO, Device

from blynk_edgent.store import ConfigStore
from edgent_host.cloud.testing import running_cloud
from edgent_host.nvmfile import NVMFile
from edgent_host.sim.testing import running_sim

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
CODE = ROOT / "examples" / "esp32s3" / "code.py"
ARTIFACTS = ROOT / "out" / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


PHONE_URL = "http://192.168.4.1/"  # what a phone on the access point opens


@pytest.fixture(scope="module")
def playwright() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: `make setup` installs it (scripts/ensure-chromium.sh)")
    with sync_playwright() as running:
        yield running


@pytest.fixture(scope="module")
def browser(playwright: object) -> Iterator[object]:
    """Chromium on the host, for pages the host serves (the virtual board's panel)."""
    chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)  # type: ignore[attr-defined]
    yield chromium
    chromium.close()


@contextmanager
def phone_browser(playwright: object, portal: str, *names: str) -> Iterator[object]:
    """Chromium as a phone on the device's access point: 192.168.4.1 (and ``names``, as a DNS
    rebinding would make them) reach the simulated device's portal at ``portal``."""
    rules = ",".join(f"MAP {name}:80 {portal}" for name in ("192.168.4.1", *names))
    chromium = playwright.chromium.launch(  # type: ignore[attr-defined]
        executable_path=CHROMIUM, args=[*CHROMIUM_FLAGS, f"--host-resolver-rules={rules}"]
    )
    try:
        yield chromium
    finally:
        chromium.close()


@pytest.mark.parametrize(
    "device", [Device("esp32s3", "esp32s3", "adafruit_feather_esp32s3_4mbflash_2mbpsram"), WIO], ids=lambda d: d.name
)
def test_page_provisions_the_device_and_shows_each_outcome(tmp_path: Path, playwright: object, device: Device) -> None:
    """On an ESP32-S3 the access point stays up during the attempt; the Wio Terminal's RTL8720DN
    closes it and opens it again after a failure: the page finds the outcome either way."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with (
        running_cloud(tls=True) as cloud,
        running_sim(device.code, tmp_path / "state", cloud, **device.sim_options()) as sim,
        phone_browser(playwright, sim.options.portal) as browser,
    ):
        assert sim.wait_for(lambda s: s["state"] == "WAIT_CONFIG" and s["ap"], 20)
        token = cloud.new_device(name="From the browser")
        page = browser.new_page(viewport={"width": 420, "height": 900})  # type: ignore[attr-defined]
        page.goto(PHONE_URL)
        page.wait_for_selector('#nets div[data-ssid="HomeNet"]')
        assert page.text_content("#title") == "Set up Device"
        assert device.ap_ssid in page.text_content("#sub")
        assert page.locator("#nets div").count() == 3
        page.screenshot(path=str(ARTIFACTS / f"portal-networks-{device.name}.png"), full_page=True)

        # A wrong password: the page says so, in words, while the phone is still on the AP.
        page.click('#nets div[data-ssid="HomeNet"]')
        assert page.input_value("#ssid") == "HomeNet"
        page.fill("#pass", "not the password")
        page.fill("#blynk", token)
        page.click("#show")
        assert page.get_attribute("#pass", "type") == "text"
        page.click("#go")
        page.wait_for_selector("#status.bad", timeout=30000)
        assert "Wrong WiFi password." in page.text_content("#status")
        page.screenshot(path=str(ARTIFACTS / f"portal-wrong-password-{device.name}.png"), full_page=True)

        # The right one: joined, logged in, stored.
        page.fill("#pass", "correct horse battery")
        page.click("#go")
        if device.native:  # the access point stayed up through the attempt: the page sees the outcome
            page.wait_for_selector("#status.good", timeout=30000)
            assert "Connected to HomeNet" in page.text_content("#status")
        else:  # it closed for the attempt and a success does not reopen it: the page says where it went
            page.wait_for_function(
                "document.getElementById('status').textContent.includes('left its access point')", timeout=30000
            )
        page.screenshot(path=str(ARTIFACTS / f"portal-connected-{device.name}.png"), full_page=True)
        page.close()
        cloud.wait_online(token, timeout=20)
        assert sim.wait_for(lambda s: s["state"] == "RUNNING" and not s["ap"], 20)
        assert sim.snapshot()["boots"] == 1  # it runs on what it proved, without a reboot


def test_on_a_plain_tcp_device_the_port_asked_for_is_the_one_stored(tmp_path: Path, playwright: object) -> None:
    code = NATIVE.circuitpy(tmp_path, tls=False)
    with (
        running_cloud(tls=False) as cloud,
        running_sim(code, tmp_path / "state", cloud) as sim,
        phone_browser(playwright, sim.options.portal) as browser,
    ):
        assert sim.wait_for(lambda s: s["state"] == "WAIT_CONFIG" and s["ap"], 20)
        token = cloud.new_device(name="Plain")
        page = browser.new_page()  # type: ignore[attr-defined]
        page.goto(PHONE_URL)
        page.wait_for_selector('#port_ssl[name="port"]', state="attached")  # board_info said plain TCP
        assert page.input_value("#port_ssl") == "80"
        page.fill("#ssid", "HomeNet")
        page.fill("#pass", "correct horse battery")
        page.fill("#blynk", token)
        page.click("summary")
        page.fill("#port_ssl", "8080")
        page.click("#go")
        page.wait_for_selector("#status.good", timeout=30000)
        page.close()
        assert sim.wait_for(lambda s: s["state"] == "RUNNING" and not s["ap"], 20)
        assert sim.snapshot()["boots"] == 1  # it runs on what it proved, without a reboot
    stored = ConfigStore(NVMFile(tmp_path / "state" / "nvm.bin")).load()
    assert (stored.provisioned, stored.port) == (True, 8080)


def test_a_page_of_another_site_cannot_change_the_device(tmp_path: Path, playwright: object) -> None:
    """Issue 14: a page served under another name that resolves to the device (DNS rebinding),
    or any site's page sending requests to 192.168.4.1, could reconfigure, erase or reboot it."""
    token = "Stored0123456789abcdefghijklmnop"
    nvm = {"ssid": "HomeNet", "password": "correct horse battery", "token": token}
    with (
        running_cloud(tls=True, tokens=[token]) as cloud,
        running_sim(CODE, tmp_path / "state", cloud, nvm=nvm) as sim,
        phone_browser(playwright, sim.options.portal, "rebound.example", "evil.example") as browser,
    ):
        assert sim.wait_for(lambda s: s["state"] == "RUNNING", 20)
        cloud.wait_online(token)
        cloud.send_internal(token, "dbg", "config start")  # config mode, with something to lose
        assert sim.wait_for(lambda s: s["state"] == "WAIT_CONFIG" and s["ap"], 20)
        stored = (tmp_path / "state" / "nvm.bin").read_bytes()
        page = browser.new_page()  # type: ignore[attr-defined]
        # The attacker's name now resolves to the device: its script reads its own origin.
        page.goto("http://rebound.example/")
        answers = page.evaluate(
            """async () => {
                const out = [];
                for (const path of ["/reset", "/reboot", "/config?ssid=Evil&pass=12345678&blynk=" + "E".repeat(32)]) {
                    const answer = await fetch(path);
                    out.push([answer.status, (await answer.json()).reason]);
                }
                return out;
            }"""
        )
        assert [status for status, _ in answers] == [403, 403, 403], answers
        assert all("rebound.example" in reason for _, reason in answers), answers
        # Another site's page sends to the device's own address (a form, an image, no-cors).
        page.goto("http://evil.example/")
        page.evaluate(
            """async () => {
                for (const path of ["/reset", "/reboot"]) {
                    await fetch("http://192.168.4.1" + path, {mode: "no-cors"}).catch(() => null);
                }
            }"""
        )
        page.close()
        assert (tmp_path / "state" / "nvm.bin").read_bytes() == stored
        snapshot = sim.snapshot()
        assert snapshot["boots"] == 1 and snapshot["state"] in ("WAIT_CONFIG", "CONFIGURING")
        assert "RESET_CONFIG" not in "\n".join(sim.log_lines())


@pytest.mark.parametrize(
    ("board", "example", "heap"),
    [
        ("arduino_nano_33_iot", "nano_33_iot_lite", None),
        ("arduino_nano_33_iot", "nano_33_iot_lite", 17 * 1024),
        ("arduino_mkrzero", "mkr1010_lite", None),
        ("arduino_mkrzero", "mkr1010_lite", 17 * 1024),
    ],
    ids=["nano_33_iot-cpython", "nano_33_iot-micropython", "mkr1010-cpython", "mkr1010-micropython"],
)
def test_the_lite_edition_s_page_provisions_the_board(
    tmp_path: Path, playwright: object, board: str, example: str, heap: int | None
) -> None:
    """Issue 17: the lite edition's own page (lib/blynk_edgent_lite/page.py), on a Nano 33 IoT and
    an MKR WiFi 1010, each under CPython and under 32-bit MicroPython with a SAMD21's 17 KB, among
    sixteen networks: the list, a refusal in words, then the configuration saved; the device
    resets into running mode and logs in."""
    import json

    from edgent_host.sim.world import CROWDED_WORLD

    world = tmp_path / "world.json"
    world.write_text(json.dumps(CROWDED_WORLD))
    code = ROOT / "examples" / example / "code.py"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with (
        running_cloud() as cloud,
        running_sim(code, tmp_path / "state", cloud, board=board, world=world, micropython=heap) as sim,
        phone_browser(playwright, sim.options.portal) as browser,
    ):
        assert sim.wait_for(lambda s: any("portal http" in line for line in sim.log_lines()), 30), "\n".join(
            sim.log_lines()
        )
        token = cloud.new_device(name="Lite from the browser")
        page = browser.new_page(viewport={"width": 420, "height": 800})  # type: ignore[attr-defined]
        page.goto(PHONE_URL)
        page.wait_for_selector('#nets option[value="HomeNet"]', state="attached")
        page.wait_for_function("document.getElementById('title').textContent == 'Set up Device'")
        assert page.text_content("#sub") == sim.snapshot()["ap"]
        assert page.locator("#nets option").count() == 1 + 8  # the strongest eight of sixteen
        page.select_option("#nets", "HomeNet")
        page.fill("#pass", "correct horse battery")
        page.fill("#blynk", "too-short")
        page.click("#go")
        page.wait_for_selector("#out.bad", timeout=20000)
        assert "Configuration invalid: blynk:" in page.text_content("#out")
        page.fill("#blynk", token)
        page.click("#go")
        page.wait_for_selector("#out.good", timeout=20000)
        assert "joins HomeNet" in page.text_content("#out")
        page.screenshot(path=str(ARTIFACTS / f"portal-lite-saved-{example}.png"), full_page=True)
        page.close()
        cloud.wait_online(token, timeout=30)
        assert sim.snapshot()["boots"] == 2  # stored, then reset into running mode

"""The page for browsers, in real headless Chromium (Debian's, driven by Playwright), against a
simulated device in config mode: pick a network from the list, submit, read the outcome.

Screenshots are kept in out/test-artifacts/.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from devices import NATIVE

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


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: `make setup` installs it (scripts/ensure-chromium.sh)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


def test_page_provisions_the_device_and_shows_each_outcome(tmp_path: Path, browser: object) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with running_cloud(tls=True) as cloud, running_sim(CODE, tmp_path / "state", cloud) as sim:
        assert sim.wait_for(lambda s: s["state"] == "WAIT_CONFIG" and s["ap"], 20)
        token = cloud.new_device(name="From the browser")
        page = browser.new_page(viewport={"width": 420, "height": 900})  # type: ignore[attr-defined]
        page.goto("http://%s/" % sim.options.portal)
        page.wait_for_selector('#nets div[data-ssid="HomeNet"]')
        assert page.text_content("#title") == "Set up Device"
        assert "Blynk Device-PYN6" in page.text_content("#sub")
        assert page.locator("#nets div").count() == 3
        page.screenshot(path=str(ARTIFACTS / "portal-networks.png"), full_page=True)

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
        page.screenshot(path=str(ARTIFACTS / "portal-wrong-password.png"), full_page=True)

        # The right one: joined, logged in, stored.
        page.fill("#pass", "correct horse battery")
        page.click("#go")
        page.wait_for_selector("#status.good", timeout=30000)
        assert "Connected to HomeNet" in page.text_content("#status")
        page.screenshot(path=str(ARTIFACTS / "portal-connected.png"), full_page=True)
        page.close()
        cloud.wait_online(token, timeout=20)
        assert sim.wait_for(lambda s: s["state"] == "RUNNING" and not s["ap"], 20)
        assert sim.snapshot()["boots"] == 1  # it runs on what it proved, without a reboot


def test_on_a_plain_tcp_device_the_port_asked_for_is_the_one_stored(tmp_path: Path, browser: object) -> None:
    code = NATIVE.circuitpy(tmp_path, tls=False)
    with running_cloud(tls=False) as cloud, running_sim(code, tmp_path / "state", cloud) as sim:
        assert sim.wait_for(lambda s: s["state"] == "WAIT_CONFIG" and s["ap"], 20)
        token = cloud.new_device(name="Plain")
        page = browser.new_page()  # type: ignore[attr-defined]
        page.goto("http://%s/" % sim.options.portal)
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

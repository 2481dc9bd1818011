# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The virtual board in a real browser (Debian's Chromium driven by Playwright): hold the reset
button on the page for 10 s and watch the device's screen change to config mode.

Screenshots are kept in out/test-artifacts/.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from edgent_host.cloud.testing import running_cloud
from edgent_host.sim.testing import running_sim

pytestmark = pytest.mark.slow

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from test_browser_portal import ARTIFACTS  # noqa: E402
from test_browser_portal import browser as browser  # noqa: E402 - the shared Chromium fixtures
from test_browser_portal import playwright as playwright  # noqa: E402

TOKEN = "PANELtoken0123456789abcdefghijkl"
CODE = HERE.parent / "examples" / "wio_terminal" / "code.py"


def qr_text(png: bytes) -> list[str]:
    import zxingcpp
    from PIL import Image

    return [code.text for code in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))]


def test_holding_the_reset_button_on_the_page_brings_back_config_mode(tmp_path: Path, browser: object) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    home = {"ssid": "HomeNet", "password": "correct horse battery", "token": TOKEN}
    with (
        running_cloud(tls=True, tokens=[TOKEN]) as cloud,
        running_sim(CODE, tmp_path / "state", cloud, nvm=home) as sim,
    ):
        assert sim.panel_address is not None
        page = browser.new_page(viewport={"width": 1100, "height": 700})  # type: ignore[attr-defined]
        page.goto("http://%s:%d/" % sim.panel_address)
        page.wait_for_function("document.getElementById('state').textContent.startsWith('RUNNING')", timeout=40000)
        page.wait_for_selector("#screen:not([hidden])")
        page.wait_for_function("document.getElementById('screen').naturalWidth === 320")
        assert page.text_content("#board") == "seeeduino_wio_terminal"
        assert page.locator("#buttons button").count() == 3
        page.screenshot(path=str(ARTIFACTS / "panel-running.png"))
        running_frame = page.get_attribute("#screen", "src")

        page.hover("#button-BUTTON_3")
        page.mouse.down()
        page.wait_for_timeout(4000)
        assert page.get_attribute("#button-BUTTON_3", "class") == "held"
        page.screenshot(path=str(ARTIFACTS / "panel-holding.png"))
        page.wait_for_timeout(6500)  # past 10 s in all
        page.mouse.up()

        page.wait_for_function(
            "['WAIT_CONFIG', 'CONFIGURING'].includes(document.getElementById('state').textContent)", timeout=20000
        )
        page.wait_for_function(
            "(src) => document.getElementById('screen').getAttribute('src') !== src", arg=running_frame
        )
        page.wait_for_timeout(800)  # the new picture loads
        shown = page.locator("#screen").screenshot()
        page.screenshot(path=str(ARTIFACTS / "panel-config-mode.png"))
        ap = sim.snapshot()["ap"]
        assert ap and qr_text(shown) == [f"WIFI:T:nopass;S:{ap};;"]
        page.close()

# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""Every screen, in the three layouts, compared pixel for pixel with the reference pictures in
tests/screens/ (rendered by Blinka's displayio, as the simulator does).

After a deliberate change to the screens: `.venv/bin/python tests/test_screens.py` writes new
references; look at them before committing. A mismatch leaves the picture that was drawn in
out/test-artifacts/screens/.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from screen_views import LAYOUTS, VIEWS  # noqa: E402

REFERENCES = HERE / "screens"
ARTIFACTS = HERE.parent / "out" / "test-artifacts" / "screens"


def render(layout: str, name: str):  # type: ignore[no-untyped-def]
    import displayio

    from blynk_edgent import screen
    from edgent_host.sim.display import VirtualDisplay

    displayio.release_displays()
    width, height = LAYOUTS[layout]
    display = VirtualDisplay(width, height)
    view = dict(VIEWS[name])
    Screen = screen.Screen  # noqa: N806
    drawn = Screen(display, view.get("button"))
    drawn.show(screen.content(view))
    return display.image()


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
@pytest.mark.parametrize("name", sorted(VIEWS))
def test_screen_matches_its_reference(layout: str, name: str) -> None:
    from PIL import Image, ImageChops

    image = render(layout, name)
    reference = REFERENCES / f"{layout}-{name}.png"
    assert reference.exists(), f"no reference {reference.name}: run `.venv/bin/python tests/test_screens.py`"
    expected = Image.open(reference).convert("RGB")
    if expected.size != image.size or ImageChops.difference(expected, image).getbbox() is not None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        image.save(ARTIFACTS / reference.name)
        pytest.fail(f"{reference.name} differs from what was drawn (see {ARTIFACTS / reference.name})")


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_the_qr_code_on_screen_joins_the_access_point(layout: str) -> None:
    import zxingcpp

    found = zxingcpp.read_barcodes(render(layout, "config-failed"))
    assert [code.text for code in found] == ["WIFI:T:nopass;S:Blynk Device-PYN6;;"]


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_an_access_point_password_is_on_screen_and_in_the_qr_code(layout: str) -> None:
    import zxingcpp

    from blynk_edgent.screen import content

    found = zxingcpp.read_barcodes(render(layout, "config-password"))
    assert [code.text for code in found] == ["WIFI:T:WPA;S:Blynk Device-PYN6;P:k7m2x9qh4d;;"]
    lines = [text for text, _ in content(VIEWS["config-password"])[2]]
    assert "Password: k7m2x9qh4d" in lines and not [line for line in lines if "Blynk app" in line]


def test_qr_payload_escapes_the_network_name() -> None:
    from blynk_edgent.screen import wifi_qr_payload

    assert wifi_qr_payload('My;Net:"a,b\\') == 'WIFI:T:nopass;S:My\\;Net\\:\\"a\\,b\\\\;;'


def test_a_failure_says_what_to_do_with_the_button() -> None:
    from blynk_edgent.screen import content

    lines = [text for text, _ in content(VIEWS["joining-failed"])[2]]
    assert "WiFi network not found." in lines and "Hold button A for 10 s to set up again." in lines


if __name__ == "__main__":
    REFERENCES.mkdir(exist_ok=True)
    for layout in LAYOUTS:
        for name in VIEWS:
            render(layout, name).save(REFERENCES / f"{layout}-{name}.png")
            print("wrote", f"{layout}-{name}.png")

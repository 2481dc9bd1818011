# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""``edgent demo`` (``make demo``): the whole story on loopback, in under a minute.

A local Blynk cloud and a simulated Wio Terminal (its own RTL8720DN, emulated down to the eRPC
bytes on its UART) running examples/wio_terminal/code.py: the device starts in config mode; the
demo provisions it as the Blynk app would (board info, scan, a token from the cloud, /config);
the device reaches RUNNING; a virtual-pin value goes each way; the reset button is held for 10 s
and the device is back in config mode. Each step is printed; the screens are saved as PNGs and
the log in out/demo/. Exit status 0 on success, else 1 with the step that failed.
``--code examples/wio_terminal_airlift/code.py`` tells the same story over an AirLift on the
Wio's 40-pin header (the real adafruit_esp32spi on an emulated ESP32).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from blynk_edgent.button import HOLD_ACTION_MS, HOLD_FEEDBACK_MS
from edgent_host.cloud.devices import redact
from edgent_host.deploy import EXAMPLES, ROOT
from edgent_host.sim.command import add_nina_firmware, add_rtl_firmware
from edgent_host.sim.world import World

LED_LOOK_S = 1.2  # how long the LED is watched: long enough for a blink or a breath
SCREEN_SETTLE_S = 0.8  # the simulated display refreshes a few times a second, as a board's does
# A little past the marks of a held button: its feedback starts at 3 s, its action needs 10 s.
HOLD_FEEDBACK_S = HOLD_FEEDBACK_MS / 1000 + 0.2
HOLD_RELEASE_S = HOLD_ACTION_MS / 1000 + 0.3


class StepFailedError(Exception):
    """A step of the demo did not happen; the message says which and why."""


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``demo`` to the ``edgent`` command."""
    demo = commands.add_parser("demo", help="provision a simulated Wio Terminal end to end (make demo)")
    demo.add_argument("--out", type=Path, default=ROOT / "out" / "demo", help="where the PNGs and the log go")
    demo.add_argument("--board", default="seeeduino_wio_terminal")
    demo.add_argument("--code", type=Path, default=EXAMPLES / "wio_terminal" / "code.py")
    add_nina_firmware(demo)
    add_rtl_firmware(demo)
    demo.set_defaults(run=run)


class Demo:
    """The demo's steps, sharing the cloud, the simulator and the output folder."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.out: Path = args.out
        self.started = time.monotonic()
        self.log = open(self.out / "demo.log", "w", encoding="utf-8")  # closed in run()
        self.shots = 0
        self.sim: Any = None

    def say(self, text: str) -> None:
        line = f"[{time.monotonic() - self.started:5.1f} s] {text}"
        print(line, flush=True)
        self.log.write(line + "\n")
        self.log.flush()

    def step(self, name: str, action: Callable[[], Any]) -> Any:
        self.say(name)
        try:
            result = action()
        except StepFailedError:
            raise
        except Exception as error:  # any failure names its step
            raise StepFailedError(f"{name}: {error!r}") from error
        return result

    def wait(self, what: str, predicate: Callable[[], Any], timeout: float) -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            result = predicate()
            if result:
                return result
            if self.sim is not None and not self.sim.snapshot()["running"]:
                raise StepFailedError(f"{what}: the device stopped (its code.py ended or raised)")
            time.sleep(0.1)
        raise StepFailedError(f"{what}: not within {timeout:g} s")

    def led(self, sim: Any, seconds: float = LED_LOOK_S) -> str:
        """What the status LED did for a moment: the colours it showed (it blinks and breathes)."""
        seen: list[str] = []
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            colour = sim.snapshot()["led"]
            if colour not in seen:
                seen.append(colour)
            time.sleep(0.02)
        lit = [c for c in seen if c != "#000000"]
        if not lit:
            return "dark"
        return ("blinking " if "#000000" in seen else "lit ") + ", ".join(lit[:3]) + (" ..." if len(lit) > 3 else "")

    def screenshot(self, sim: Any, name: str) -> None:
        """Copy the device's screen, once it has caught up with what just happened."""
        time.sleep(SCREEN_SETTLE_S)
        screen = sim.options.state_dir / "screen.png"
        if screen.exists():
            self.shots += 1
            target = self.out / f"{self.shots:02d}-{name}.png"
            shutil.copy(screen, target)
            self.say(f"  screen saved: {target}")


def http(url: str, timeout: float = 15) -> Any:
    """GET ``url`` as a phone on the device's access point names it, and parse its JSON."""
    request = urllib.request.Request(url, headers={"Host": "192.168.4.1"})
    with urllib.request.urlopen(request, timeout=timeout) as answer:
        return json.loads(answer.read())


def fresh_output(out: Path) -> None:
    """Empty ``out`` for a new run; refuse a folder that holds anything but an earlier demo's files."""
    if out.exists():
        if not (out / "demo.log").exists() and any(out.iterdir()):
            raise StepFailedError(f"{out} is not empty and holds no demo.log: not a demo's folder, left alone")
        shutil.rmtree(out)
    out.mkdir(parents=True)


def run(args: argparse.Namespace) -> int:
    """Run the demo; 0 on success, 1 when a step failed, 2 when ``--out`` is not the demo's to clear."""
    from edgent_host.address import format_address
    from edgent_host.cloud.testing import running_cloud
    from edgent_host.sim.testing import running_sim

    try:
        fresh_output(args.out)
    except StepFailedError as refusal:
        print(f"edgent demo: {refusal}", file=sys.stderr)
        return 2
    demo = Demo(args)
    try:
        with running_cloud(tls=True, ca_dir=args.out / "ca") as cloud:
            address = format_address(cloud.device_address)
            demo.say(f"local Blynk cloud: devices on {address} (TLS), API on {cloud.http_url}")
            state_dir = args.out / "device"
            # running_sim stops the device before the cloud goes.
            with running_sim(
                args.code,
                state_dir,
                cloud,
                board=args.board,
                nina_firmware=args.nina_firmware,
                rtl_firmware=args.rtl_firmware,
            ) as sim:
                demo.sim = sim
                demo.say(f"simulated {sim.options.board}: serial log {state_dir / 'serial.log'}")
                try:
                    _story(demo, sim, cloud, "http://" + sim.options.portal)
                except StepFailedError as failure:
                    demo.say(f"demo FAILED at: {failure}")
                    demo.say("last lines of the device's serial output:")
                    for line in sim.log_lines()[-15:]:
                        demo.say("  | " + line)
                    return 1
    finally:
        demo.log.close()
    return 0


def _story(demo: Demo, sim: Any, cloud: Any, portal: str) -> None:
    state = sim.snapshot
    demo.step(
        "1. the device boots with nothing stored and opens its access point",
        lambda: demo.wait("config mode", lambda: in_config_mode(state()), 40),
    )
    demo.say(f"  access point {state()['ap']!r}; LED {demo.led(sim)}")
    demo.screenshot(sim, "config-mode")

    info = demo.step("2. the phone reads /board_info.json", lambda: http(portal + "/board_info.json"))
    demo.say(f"  board {info['board']!r}, template {info['tmpl_id']}, firmware {info['fw_ver']}, MAC {info['mac']}")
    networks = demo.step("3. ... and /wifi_scan.json", lambda: http(portal + "/wifi_scan.json"))
    for network in networks:
        demo.say(f"  {network['ssid']!r:14} {network['rssi']} dBm {network['sec']}")
    token = demo.step(
        "4. the app creates the device in the cloud and gets its token",
        lambda: cloud.new_device(template_id=info["tmpl_id"], name="Demo Wio Terminal"),
    )
    demo.say(f"  token {redact(token)}")
    home = World().find("HomeNet")  # the simulator's default world, which the device sees
    assert home is not None
    query = urlencode(
        {"ssid": home.ssid, "pass": home.password, "blynk": token, "host": "blynk.cloud", "port_ssl": "443"}
    )
    answer = demo.step("5. the phone sends /config", lambda: http(portal + "/config?" + query))
    demo.say(f"  device: {answer['msg']}")

    def running_and_online() -> None:
        demo.wait("RUNNING on the new configuration", lambda: running_on(state()), 60)
        cloud.wait_online(token, timeout=20)

    demo.step("6. the device joins HomeNet, logs in, stores the configuration and runs on it", running_and_online)
    demo.say(f"  online in the cloud; LED {demo.led(sim, 2.5)}")
    demo.screenshot(sim, "running")

    uptime = demo.step(
        "7. device -> cloud: the uptime on V0",
        lambda: demo.wait("V0 in the cloud", lambda: _pin(cloud, token, "V0"), 20),
    )
    demo.say(f"  GET /external/api/get?token=...&V0 -> {uptime}")
    demo.step("8. cloud -> device: V1 = 42", lambda: cloud.update(token, "V1", "42"))
    demo.wait("V1 printed by the device", lambda: any("V1 = 42" in line for line in sim.log_lines()), 10)
    demo.say("  the device printed: V1 = 42")

    button = "BUTTON_3"
    demo.step("9. hold button A (BUTTON_3) for 10 s", lambda: sim.button(button, True))
    pressed = time.monotonic()
    # Timed from the press, so that watching the LED and taking screenshots does not move the marks.
    time.sleep(max(0.0, pressed + HOLD_FEEDBACK_S - time.monotonic()))
    demo.say(f"  after 3 s: LED {demo.led(sim)} (breathing)")
    demo.screenshot(sim, "hold-3s")
    time.sleep(max(0.0, pressed + HOLD_RELEASE_S - time.monotonic()))
    demo.say(f"  after 10 s: LED {demo.led(sim, 0.6)} (fast blink: release now)")
    demo.screenshot(sim, "hold-10s")

    def release_and_wait() -> None:
        sim.button(button, False)
        demo.wait("config mode again", lambda: in_config_mode(state()), 20)

    demo.step("10. released: the configuration is erased and the device is back in config mode", release_and_wait)
    demo.screenshot(sim, "config-mode-again")
    demo.say(f"done in {time.monotonic() - demo.started:.0f} s: screens and demo.log in {demo.out}")


def in_config_mode(snapshot: dict[str, Any]) -> bool:
    """Waiting for a phone, with the access point up."""
    return snapshot["state"] == "WAIT_CONFIG" and bool(snapshot["ap"])


def running_on(snapshot: dict[str, Any]) -> bool:
    """RUNNING on what was provisioned, without a reboot, the access point closed."""
    return snapshot["state"] == "RUNNING" and snapshot["boots"] == 1 and not snapshot["ap"]


def _pin(cloud: Any, token: str, pin: str) -> str | None:
    answer = cloud.api("get", token, (pin, ""))
    return answer.text if answer.status == 200 else None

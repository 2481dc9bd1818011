# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The lite edition against a SAMD21's 17 KB heap (issue 17, item 6), on the real device.

A simulated Arduino Nano 33 IoT (and for the whole device's figure, an MKR WiFi 1010 on the MKR
Zero's build) runs the lite example under 32-bit MicroPython (the unix port for
i386, its SPI and pins bridged to the simulator: edgent_host.sim.mpbridge), among sixteen
networks (``CROWDED_WORLD``: its scan page is as long as config mode makes it), provisioned by
``edgent provision`` and logged in to a local cloud, as tests/test_lite_e2e.py does. Two kinds of
figure, the bridge's own share always left out:

- **held**: what the board's code holds in each state (``gc.mem_alloc()`` after a collection,
  logged with each state change; code.py's own code and the interpreter's start included);
- **smallest heap**: the least heap (256-byte steps) with which config mode opens, and with which
  the whole device (config mode serving the app, the save, running mode logging in and trading a
  pin) works. With a non-moving collector the heap fragments: the smallest heap is
  held bytes plus the largest block some step needs in the holes the earlier ones left.

``python bench/lite.py`` writes bench/lite.json (``make bench`` runs it after footprint.py).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from edgent_host.cloud.testing import running_cloud
from edgent_host.sim.testing import running_sim
from edgent_host.sim.world import CROWDED_WORLD, DEFAULT_WORLD

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "lite.json"
BUDGET = 17 * 1024  # a SAMD21 build's heap for code.py (issue 17's feasibility study)
PASSWORD = next(n["password"] for n in DEFAULT_WORLD["networks"] if n["ssid"] == "HomeNet")

# The lite example with a log that also says what the heap holds at each state change.
CODE = """
import gc
import board
from blynk_edgent_lite.edgent import Edgent

def log(line):
    gc.collect()
    print(line, "| held", gc.mem_alloc())

edgent = Edgent("TMPL4abcd123", "Device", "0.1.0", button=board.D2, led=board.LED, log=log)

@edgent.on_virtual_write(1)
def show(value):
    print("V1 =", value)

edgent.run()
"""


def _provision(sim, cloud) -> str:  # type: ignore[no-untyped-def]
    token = str(cloud.new_device(name="Lite"))
    edgent = Path(sys.executable).parent / "edgent"
    subprocess.run(
        [str(edgent), "provision", "--device", "http://" + sim.options.portal, "--cloud-api",
         f"http://{cloud.host}:{cloud.http_port}", "--ssid", "HomeNet", "--password", PASSWORD, "--token=" + token],
        capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    return token


# The boards, by the name the figures give them: (board id, example).
BOARDS = {
    "Nano 33 IoT": ("arduino_nano_33_iot", ROOT / "examples" / "nano_33_iot_lite" / "code.py"),
    "MKR WiFi 1010": ("arduino_mkrzero", ROOT / "examples" / "mkr1010_lite" / "code.py"),
}


def run(heap: int, whole: bool, code: Path | None = None, name: str = "Nano 33 IoT") -> tuple[bool, list[str]]:
    """Run board ``name`` with ``heap`` bytes for its code: config mode opening only, or ``whole``
    (provisioned, logged in, a pin traded). Returns whether it did, and what it printed."""
    state = Path(tempfile.mkdtemp(prefix="edgent-lite-bench-"))
    try:
        board, example = BOARDS[name]
        code = code or example
        world = state / "world.json"
        world.write_text(json.dumps(CROWDED_WORLD))
        with (
            running_cloud() as cloud,
            running_sim(code, state / "board", cloud, board=board, world=world, micropython=heap) as sim,
        ):

            def portal_or_stop(status: dict[str, object]) -> bool:
                return any("portal http" in line for line in sim.log_lines()) or not status["running"]

            opened = sim.wait_for(portal_or_stop, 60)
            ok = opened and sim.snapshot()["running"]
            if ok and whole:
                try:
                    token = _provision(sim, cloud)
                    cloud.wait_online(token, timeout=30)
                    cloud.update(token, "V1", "1")
                    ok = sim.wait_for(lambda s: any("V1 = 1" in line for line in sim.log_lines()), 10)
                except (subprocess.CalledProcessError, TimeoutError, AssertionError):
                    ok = False
                ok = ok and sim.snapshot()["running"]
            return ok, sim.log_lines()
    finally:
        shutil.rmtree(state, ignore_errors=True)


def smallest(whole: bool, name: str = "Nano 33 IoT", low: int = 12 * 1024, high: int = 32 * 1024) -> int:
    """The least heap (256-byte steps) with which board ``name`` does its work (bisection)."""
    if not run(high, whole, name=name)[0]:
        raise RuntimeError(f"the lite device does not work even with {high} bytes")
    while high - low > 256:
        middle = (low + high) // 2 // 128 * 128
        if run(middle, whole, name=name)[0]:
            high = middle
        else:
            low = middle
    return high


def held() -> dict[str, int]:
    """What the board's code holds at each state change, config mode then running mode."""
    scratch = Path(tempfile.mkdtemp(prefix="edgent-lite-code-"))
    try:
        (scratch / "code.py").write_text(CODE)
        _, lines = run(64 * 1024, True, scratch / "code.py")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    bridge = [int(m.group(1)) for line in lines if (m := re.search(r"\+ (\d+) B the bridge holds", line))]
    figures: dict[str, int] = {}
    boot = 0
    for line in lines:
        if "the bridge holds" in line:
            boot += 1
        found = re.search(r"\[edgent\] (.*?) \| held (\d+)", line)
        if found:
            label = "config mode" if boot == 1 else "running mode"
            text = re.sub(r"b'[^']*'|'[^']*'", "…", found.group(1))
            figures[f"{label}: {text}"] = int(found.group(2)) - bridge[min(boot, len(bridge)) - 1]
    return figures


def main() -> int:
    """Measure, print, write bench/lite.json."""
    results = {
        "budget": BUDGET,
        "held": held(),
        "smallest heap, config mode opens": smallest(False),
        "smallest heap, the whole device": smallest(True),
        "smallest heap, the whole device, MKR WiFi 1010": smallest(True, "MKR WiFi 1010"),
    }
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(f"lite edition against a {BUDGET} B heap (the bridge's share left out):")
    for name, value in results["held"].items():  # type: ignore[attr-defined]
        print(f"  held, {name}: {value} B")
    for name in [key for key in results if key.startswith("smallest")]:
        value = int(results[name])  # type: ignore[call-overload]
        print(f"  {name}: {value} B ({value - BUDGET:+d} B against the budget)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

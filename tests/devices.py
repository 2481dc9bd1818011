# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The simulated devices the end-to-end tests run on: a native-WiFi ESP32-S3, an AirLift board
(the real adafruit_esp32spi on the emulated ESP32) with each NINA firmware line, and a Wio
Terminal on its own RTL8720DN."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from edgent_host.sim.world import DEFAULT_WORLD

ROOT = Path(__file__).resolve().parent.parent
# HomeNet's password in the simulator's default world: what a device is given to join it.
HOME_PASSWORD: str = next(n["password"] for n in DEFAULT_WORLD["networks"] if n["ssid"] == "HomeNet")


@dataclass(frozen=True)
class Device:
    """A board and the example it runs."""

    name: str
    example: str
    board: str
    nina_firmware: str | None = None
    rtl_firmware: str | None = None  # the board's own RTL8720DN (Wio Terminal): its eRPC firmware

    @property
    def code(self) -> Path:
        """The example's code.py, as it is in the repository."""
        return ROOT / "examples" / self.example / "code.py"

    @property
    def native(self) -> bool:
        """True for WiFi in the chip, False for a co-processor (an ESP32, the Wio's RTL8720DN)."""
        return self.nina_firmware is None and self.rtl_firmware is None

    @property
    def ap_ssid(self) -> str:
        """The access point the device opens (the classic Blynk name from its MAC)."""
        from blynk_edgent.apname import ap_ssid, chip_id
        from edgent_host.sim import boards
        from edgent_host.sim.rtl8720.firmware import DEFAULT_MAC

        mac = DEFAULT_MAC if self.rtl_firmware else boards.get(self.board).mac
        return ap_ssid("Device", chip_id(mac, esp32=self.native))

    def circuitpy(self, tmp_path: Path, tls: bool = True, settings: str = "") -> Path:
        """A copy of the example as it would sit on CIRCUITPY; returns its code.py."""
        drive = tmp_path / self.example
        shutil.copytree(ROOT / "examples" / self.example, drive)
        extra = ("" if tls else "\nBLYNK_TLS = 0\n") + settings
        if extra:
            with open(drive / "settings.toml", "a") as handle:
                handle.write(extra)
        return drive / "code.py"

    def sim_options(self) -> dict[str, Any]:
        """Keywords for running_sim."""
        return {"board": self.board, "nina_firmware": self.nina_firmware, "rtl_firmware": self.rtl_firmware}

    def v1_reached(self, sim: Any, value: str) -> bool:
        """Whether a write of ``value`` to V1 reached the example's handler (it prints it)."""
        return bool(sim.wait_for(lambda s: any(f"V1 = {value}" in line for line in sim.log_lines()), 5))


NATIVE = Device("native-esp32s3", "esp32s3", "adafruit_feather_esp32s3_4mbflash_2mbpsram")
NINA1 = Device("airlift-nina-1.7.7", "pyportal", "pyportal", "1.7.7")
NINA3 = Device("airlift-nina-3.3.0", "pyportal", "pyportal", "3.3.0")
# The Wio Terminal on its own RTL8720DN (the chip's emulator, sim/rtl8720), with its screen.
WIO = Device("wio-rtl8720", "wio_terminal", "seeeduino_wio_terminal", rtl_firmware="2.1.3")
ALL = [NATIVE, NINA1, NINA3, WIO]

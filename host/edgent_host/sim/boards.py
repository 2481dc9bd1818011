"""The boards the simulator can be: their pins (from circuitpython-stubs), NVM, radio, LED and buttons.

Pin names come from the per-board stubs that ship in ``circuitpython-stubs``, so a simulated
``board`` has exactly the names the real one has and a misspelt pin fails here as on the board.
The rest (NVM size, chip, which radio, which pins are LEDs and buttons) is written down per board
from ../shared/docs/circuitpython-platform.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path


@dataclass(frozen=True)
class SimBoard:
    """What the simulator needs to know to be one board."""

    board_id: str
    name: str
    chip: str  # os.uname().sysname, e.g. ESP32S3
    port: str  # espressif, atmel-samd, raspberrypi
    nvm_size: int | None
    radio: str  # "native" or "esp32spi"
    mac: bytes
    display: tuple[int, int] | None = None
    led_pins: tuple[str, ...] = ("LED",)  # digital or PWM LEDs
    neopixel_pin: str | None = None
    led_colour: int = 0xFF0000  # what a plain LED looks like when fully on
    buttons: dict[str, bool] = field(default_factory=dict)  # pin name -> active low
    machine: str = ""  # os.uname().machine

    @property
    def new_nvm_fill(self) -> str:
        """ESP32 NVM that was never written holds random bytes; flash elsewhere reads 0xFF."""
        return "random" if self.port == "espressif" else "erased"


def _stubs_dir() -> Path:
    import board_definitions  # type: ignore[import-not-found]  # shipped inside circuitpython-stubs

    return Path(next(iter(board_definitions.__path__)))


@cache
def stub_pins(board_id: str) -> tuple[str, ...]:
    """Return the pin names of ``board_id``'s ``board`` module, from its stub."""
    text = (_stubs_dir() / board_id / "__init__.pyi").read_text()
    return tuple(re.findall(r"^(\w+): microcontroller\.Pin", text, re.M))


_ESP_MAC = bytes.fromhex("240AC4123456")  # the protocol doc's test-vector MAC

BOARDS: dict[str, SimBoard] = {
    board.board_id: board
    for board in (
        SimBoard(
            "adafruit_feather_esp32s3_4mbflash_2mbpsram",
            "Adafruit Feather ESP32S3 4MB Flash 2MB PSRAM",
            "ESP32S3",
            "espressif",
            8192,
            "native",
            _ESP_MAC,
            neopixel_pin="NEOPIXEL",
            buttons={"BUTTON": True},
        ),
        SimBoard(
            "adafruit_feather_esp32s3_tft",
            "Adafruit Feather ESP32-S3 TFT",
            "ESP32S3",
            "espressif",
            8192,
            "native",
            _ESP_MAC,
            display=(240, 135),
            neopixel_pin="NEOPIXEL",
            buttons={"BUTTON": True},
        ),
        SimBoard(
            "espressif_esp32s3_devkitc_1_n8r8",
            "ESP32-S3-DevKitC-1-N8R8",
            "ESP32S3",
            "espressif",
            8192,
            "native",
            _ESP_MAC,
            led_pins=(),
            neopixel_pin="NEOPIXEL",
        ),
        SimBoard(
            "raspberry_pi_pico_w",
            "Raspberry Pi Pico W",
            "RP2040",
            "raspberrypi",
            4096,
            "native",
            bytes.fromhex("28CDC1012345"),
            led_colour=0x00FF00,
        ),
        SimBoard(
            "raspberry_pi_pico2_w",
            "Raspberry Pi Pico 2 W",
            "RP2350",
            "raspberrypi",
            4096,
            "native",
            bytes.fromhex("28CDC1056789"),
            led_colour=0x00FF00,
        ),
    )
}


def get(board_id: str) -> SimBoard:
    """Return the simulated board ``board_id``; the error lists the ones there are."""
    try:
        board = BOARDS[board_id]
    except KeyError:
        raise ValueError(f"unknown board {board_id!r}; the simulator knows {', '.join(sorted(BOARDS))}") from None
    if not board.machine:
        object.__setattr__(board, "machine", f"{board.name} with {board.chip}")
    return board

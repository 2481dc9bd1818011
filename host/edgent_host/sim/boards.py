# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The boards the simulator can be: their pins (from circuitpython-stubs), NVM, radio, LED and buttons.

Pin names come from the per-board stubs that ship in ``circuitpython-stubs``, so a simulated
``board`` has exactly the names the real one has and a misspelt pin fails here as on the board.
The rest (NVM size, chip, which radio, which pins are LEDs and buttons) is written down per board
from ../shared/docs/circuitpython-platform.md. Boards whose WiFi is an ESP32 co-processor running
NINA firmware (``radio="esp32spi"``, platform doc sections 1.1 and 1.4) name the pins it is wired to
in ``esp32`` and the firmware it runs in ``nina_firmware`` (``sim/nina`` emulates it; ``edgent sim
--nina-firmware`` overrides the version). The defaults give each firmware line some boards.

The Wio Terminal's WiFi is its own RTL8720DN (``radio="rtl8720"``), reached over a UART
(``RTL_MOSI``/``RTL_MISO``, enable pin ``RTL_PWR``) and running Seeed's eRPC firmware, whose version
is ``rtl8720`` (``sim/rtl8720`` emulates it; ``edgent sim --rtl-firmware`` overrides the version).
It keeps its ``esp32`` wiring too: an AirLift on its 40-pin header, which the board's second
profile (``boards/seeeduino_wio_terminal_airlift.py``) drives, answers there as on any AirLift board.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from edgent_host.boardstubs import board_stub


@dataclass(frozen=True)
class SimBoard:
    """What the simulator needs to know to be one board."""

    board_id: str
    name: str
    chip: str  # os.uname().sysname, e.g. ESP32S3
    port: str  # espressif, atmel-samd, raspberrypi
    nvm_size: int | None
    radio: str  # "native", "esp32spi" (an ESP32 co-processor) or "rtl8720" (the Wio Terminal's RTL8720DN)
    mac: bytes
    display: tuple[int, int] | None = None
    led_pins: tuple[str, ...] = ("LED",)  # digital or PWM LEDs
    neopixel_pin: str | None = None
    led_colour: int = 0xFF0000  # what a plain LED looks like when fully on
    buttons: dict[str, bool] = field(default_factory=dict)  # pin name -> active low
    machine: str = ""  # os.uname().machine
    # radio="esp32spi": role (sck, mosi, miso, cs, busy, reset, gpio0) -> board pin name
    esp32: dict[str, str] | None = None
    nina_firmware: str = ""  # the NINA version the ESP32 runs: "1.7.7" or "3.3.0" (sim/nina/personality.py)
    nina_reset_inverted: bool = False  # its reset pin high holds the ESP32 in reset (the MKR WiFi 1010)
    # the eRPC firmware version an on-board RTL8720DN runs: "2.1.3" (sim/rtl8720); "" for none
    rtl8720: str = ""

    def __post_init__(self) -> None:
        if not self.machine:  # as CircuitPython builds it: "<board name> with <chip>"
            object.__setattr__(self, "machine", f"{self.name} with {self.chip}")

    @property
    def mcu_pins(self) -> tuple[str, ...]:
        """The names ``microcontroller.pin`` has on this board: the chip's pins behind its
        ``board`` names (its stub says which) and those its ESP32 is wired to."""
        wired = [name for name in (self.esp32 or {}).values() if re.fullmatch(r"P[A-D]\d\d", name)]
        named = re.findall(r"^\w+: microcontroller\.Pin  # (P[A-D]\d\d)$", _stub(self.board_id), re.M)
        return tuple(sorted({*named, *wired}))

    @property
    def ap_mac(self) -> bytes:
        """The access point's MAC: on ESP32 the station MAC + 1; on the Pico W's CYW43 the station
        MAC itself (ports/raspberrypi/common-hal/wifi/Radio.c ``get_mac_address_ap`` returns
        ``get_mac_address``, hardware-truth.md section 3)."""
        if self.radio == "native" and self.port == "raspberrypi":
            return self.mac
        return ap_mac_of(self.mac)

    @property
    def new_nvm_fill(self) -> str:
        """What never-written NVM reads (hardware-truth.md section 11): zeros on ESP32, whose NVS
        blob is missing and ``get_bytes`` hands out a cleared GC buffer
        (ports/espressif/common-hal/nvm/ByteArray.c); erased flash, 0xFF, elsewhere."""
        return "zeros" if self.port == "espressif" else "erased"

    @property
    def nvm_erase_s(self) -> float:
        """How long one NVM write leaves the block erased before the new bytes are in: a power cut
        then leaves it blank. RP2040: a 4 KB QSPI flash sector erase (45 ms typical); ESP32:
        ``nvs_erase_all`` then an 8 KB ``nvs_set_blob``; SAMD51: an 8 KB NVMCTRL block erase."""
        return {"raspberrypi": 0.045, "espressif": 0.03}.get(self.port, 0.01)


def ap_mac_of(station_mac: bytes) -> bytes:
    """The soft AP's MAC for ``station_mac``: ESP-IDF's, the station MAC + 1 (last byte, wrapping)."""
    return station_mac[:5] + bytes(((station_mac[5] + 1) & 0xFF,))


def _stub(board_id: str) -> str:
    text = board_stub(board_id)
    if text is None:
        raise ValueError(f"circuitpython-stubs has no board definition for {board_id!r}")
    return text


def stub_pins(board_id: str) -> tuple[str, ...]:
    """Return the pin names of ``board_id``'s ``board`` module, from its stub."""
    return tuple(re.findall(r"^(\w+): microcontroller\.Pin", _stub(board_id), re.M))


def stub_functions(board_id: str) -> tuple[str, ...]:
    """Return the functions of ``board_id``'s ``board`` module (``SPI``, ``I2C``, ...), from its stub."""
    return tuple(re.findall(r"^def (\w+)\(", _stub(board_id), re.M))


_ESP_MAC = bytes.fromhex("240AC4123456")  # the protocol doc's test-vector MAC


def _airlift(
    cs: str = "ESP_CS", busy: str = "ESP_BUSY", reset: str = "ESP_RESET", gpio0: str = "ESP_GPIO0", *, bus: str = ""
) -> dict[str, str]:
    """How an ESP32 is wired: the SPI bus pins (``bus`` "1": SCK1/MOSI1/MISO1) and its control pins."""
    return {
        "sck": "SCK" + bus,
        "mosi": "MOSI" + bus,
        "miso": "MISO" + bus,
        "cs": cs,
        "busy": busy,
        "reset": reset,
        "gpio0": gpio0,
    }


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
        # AirLift boards (platform doc 1.4): an ESP32 with NINA firmware on the board's SPI bus.
        SimBoard(
            "pyportal",
            "Adafruit PyPortal",
            "samd51",
            "atmel-samd",
            8192,
            "esp32spi",
            bytes.fromhex("A4CF12010203"),
            display=(320, 240),
            neopixel_pin="NEOPIXEL",
            machine="Adafruit PyPortal with samd51j20",
            esp32=_airlift(),
            nina_firmware="1.7.7",
        ),
        SimBoard(
            "pyportal_titano",
            "Adafruit PyPortal Titano",
            "samd51",
            "atmel-samd",
            8192,
            "esp32spi",
            bytes.fromhex("A4CF12040506"),
            display=(480, 320),
            neopixel_pin="NEOPIXEL",
            machine="Adafruit PyPortal Titano with samd51j20",
            esp32=_airlift(),
            nina_firmware="1.7.7",
        ),
        SimBoard(
            "metro_m4_airlift_lite",
            "Adafruit Metro M4 Airlift Lite",
            "samd51",
            "atmel-samd",
            8192,
            "esp32spi",
            bytes.fromhex("A4CF12070809"),
            neopixel_pin="NEOPIXEL",
            machine="Adafruit Metro M4 Airlift Lite with samd51j19",
            esp32=_airlift(),
            nina_firmware="1.7.7",
        ),
        SimBoard(
            "matrixportal_m4",
            "Adafruit Matrix Portal M4",
            "samd51",
            "atmel-samd",
            8192,
            "esp32spi",
            bytes.fromhex("A4CF120A0B0C"),
            neopixel_pin="NEOPIXEL",
            buttons={"BUTTON_UP": True, "BUTTON_DOWN": True},
            machine="Adafruit Matrix Portal M4 with samd51j19",
            esp32=_airlift(),
            nina_firmware="3.3.0",
        ),
        SimBoard(
            "arduino_nano_rp2040_connect",
            "Arduino Nano RP2040 Connect",
            "RP2040",
            "raspberrypi",
            4096,
            "esp32spi",
            bytes.fromhex("7C9EBD0D0E0F"),  # its u-blox NINA-W102 runs Arduino's 1.x line
            machine="Arduino Nano RP2040 Connect with rp2040",
            esp32=_airlift(bus="1"),
            nina_firmware="1.7.7",
        ),
        SimBoard(
            "arduino_nano_33_iot",
            "Arduino Nano 33 IoT",
            "samd21",
            "atmel-samd",
            None,  # CIRCUITPY_NVM = 0 on this board's build: microcontroller.nvm is None
            "esp32spi",
            bytes.fromhex("7C9EBD101112"),
            buttons={"D2": True},  # none on the board: a button wired from D2 to GND (the lite example's)
            machine="Arduino Nano 33 IoT with samd21g18",
            esp32={
                "sck": "ESP_SCK",
                "mosi": "ESP_MOSI",
                "miso": "ESP_MISO",
                "cs": "ESP_CS",
                "busy": "ESP_BUSY",
                "reset": "ESP_RESET",
                "gpio0": "ESP_GPIO0",
            },
            nina_firmware="1.7.7",
        ),
        # The MKR WiFi 1010 has no CircuitPython build; it runs the MKR Zero's (the same SAMD21G18A,
        # which keeps PA28), so its board module is the MKR Zero's and its NINA is wired to
        # microcontroller.pin names (Arduino's variant.h for mkrwifi1010). UNCONFIRMED on hardware.
        SimBoard(
            "arduino_mkrzero",
            "Arduino MKR Zero",
            "samd21",
            "atmel-samd",
            256,
            "esp32spi",
            bytes.fromhex("7C9EBD131415"),
            # board.LED is PB08: on a 1010, the NINA's reset; its own LED (LED_BUILTIN) is D6, PA20
            led_pins=("D6",),
            buttons={"D2": True},  # none on the board: a button wired from D2 to GND (the lite example's)
            machine="Arduino MKR Zero with samd21g18",
            esp32={
                "sck": "PA15",
                "mosi": "PA12",
                "miso": "PA13",
                "cs": "PA14",
                "busy": "PA28",
                "reset": "PB08",
                "gpio0": "PA27",
            },
            nina_firmware="1.7.7",
            nina_reset_inverted=True,
        ),
        SimBoard(
            "seeeduino_wio_terminal",
            "Seeeduino Wio Terminal",
            "samd51",
            "atmel-samd",
            8192,
            "rtl8720",
            bytes.fromhex("A4CF12101112"),  # the header AirLift's ESP32; the RTL8720DN has its own
            display=(320, 240),
            buttons={"BUTTON_1": True, "BUTTON_2": True, "BUTTON_3": True},
            machine="Seeeduino Wio Terminal with samd51p19",
            # Its own RTL8720DN on the UART RTL_MOSI/RTL_MISO, enable pin RTL_PWR, eRPC firmware.
            rtl8720="2.1.3",
            # And an AirLift breakout on the 40-pin header (platform doc 1.1): board.SPI(), CS, D2-D4,
            # which the seeeduino_wio_terminal_airlift profile uses.
            esp32=_airlift("CS", "D2", "D3", "D4"),
            nina_firmware="3.3.0",
        ),
    )
}


def get(board_id: str) -> SimBoard:
    """Return the simulated board ``board_id``; the error lists the ones there are."""
    try:
        board = BOARDS[board_id]
    except KeyError:
        raise ValueError(f"unknown board {board_id!r}; the simulator knows {', '.join(sorted(BOARDS))}") from None
    return board

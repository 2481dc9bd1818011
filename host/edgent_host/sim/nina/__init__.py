# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""An ESP32 co-processor running NINA firmware, emulated at the SPI level, for AirLift boards.

The real ``adafruit_esp32spi`` runs on top of it unchanged: the simulated ``busio.SPI`` clocks
bytes into the ESP32 whose chip select is low, and ``digitalio`` pins wired to it (CS, RESET,
GPIO0 driven by the host; BUSY read by it) reach it through :func:`driven` and :func:`level`.
A board gets one when its :class:`~edgent_host.sim.boards.SimBoard` has ``esp32`` (role -> pin
name); its firmware personality is the board's ``nina_firmware`` unless ``edgent sim
--nina-firmware`` says otherwise.

Modules, one concern each: ``protocol`` (the framing and the numbers), ``personality`` (the
1.7.x, 2.0 and 3.x lines, with sources, and the firmware's timeouts), ``chip`` (pins, reset, the
SPI slave and its ready line), ``firmware`` (the command handlers), ``radio`` (station, AP, scan,
names, against the world file), ``sockets`` (the socket slots, over loopback sockets, and the
connects that keep the firmware busy). The rule (../shared/docs/hardware-truth.md): never kinder
than the real firmware; where its behaviour is uncertain, the harsher plausible reading.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from edgent_host.sim.nina.chip import ESP32
    from edgent_host.sim.runtime import Runtime

_chip: ESP32 | None = None
_by_pin: dict[str, ESP32] = {}


def install(runtime: Runtime, firmware: str | None = None) -> ESP32 | None:
    """Wire an emulated ESP32 to the board of ``runtime`` if it has one; ``firmware`` overrides its version."""
    global _chip
    uninstall()
    board = runtime.board
    if board.esp32 is None:
        return None
    from edgent_host.sim.nina.chip import ESP32
    from edgent_host.sim.nina.personality import for_version

    personality = for_version(firmware or board.nina_firmware)
    _chip = ESP32(runtime, dict(board.esp32), personality, board.mac, board.nina_reset_inverted)
    _by_pin.update({pin: _chip for pin in _chip.pins})
    return _chip


def uninstall() -> None:
    """Power the emulated ESP32 off (its sockets close) and unwire it."""
    global _chip
    if _chip is not None:
        _chip.close()
    _chip = None
    _by_pin.clear()


def installed() -> ESP32 | None:
    """The emulated ESP32 of this device process, if any."""
    return _chip


def driven(pin: str, level: bool | None) -> None:
    """The host drives ``pin`` to ``level`` (None: it let go of it); an ESP32 wired to it notices."""
    wired = _by_pin.get(pin)
    if wired is not None:
        wired.driven(pin, level)


def level(pin: str) -> bool | None:
    """The level an ESP32 drives on ``pin`` (its ready line, GPIO0), or None."""
    wired = _by_pin.get(pin)
    return wired.level(pin) if wired is not None else None


def transfer(sck: str, mosi: str | None, miso: str | None, data: bytes) -> bytes | None:
    """Clock ``data`` on the SPI bus of these pins; the selected ESP32's answer, or None (nobody answers)."""
    if _chip is None:
        return None
    return _chip.transfer(sck, mosi, miso, data)

# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The Wio Terminal's RTL8720DN, emulated at the UART's byte level, running Seeed's eRPC firmware.

Written from ../shared/docs/rtl8720-erpc.md, never kinder than it. A board gets one when its
:class:`~edgent_host.sim.boards.SimBoard` has ``rtl8720`` (the firmware version; ``edgent sim
--rtl-firmware`` overrides it): ``busio.UART(board.RTL_MOSI, board.RTL_MISO, ...)`` reaches it
through :func:`open_uart`, and ``board.RTL_PWR`` (its CHIP_PU) through :func:`driven`.

Modules, one concern each: ``firmware`` (framing, the function table, the single server task
and its time), ``wifi`` (station, access point and scan against the world file), ``lwip`` (the
numbered sockets over loopback, DNS, and TLS with the host's ``ssl``), ``uart`` (the SAMD51's
UART and its receive ring, the enable pin).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from edgent_host.sim.rtl8720.firmware import Firmware
from edgent_host.sim.rtl8720.uart import EmulatedUART, Power

if TYPE_CHECKING:
    from edgent_host.sim.runtime import Runtime

__all__ = ["EmulatedUART", "Firmware", "Power", "driven", "install", "installed", "open_uart", "uninstall"]

TX_PIN = "RTL_MOSI"  # the SAMD51's UART TX to the chip (SERCOM0 PAD0, PB24)
RX_PIN = "RTL_MISO"  # the chip's TX into the SAMD51 (PC24)
ENABLE_PIN = "RTL_PWR"  # CHIP_PU (PA18)

_chip: Firmware | None = None
_power: Power | None = None


def install(runtime: Runtime, version: str | None = None) -> Firmware | None:
    """Give the board of ``runtime`` its RTL8720DN if it has one; ``version`` overrides the
    firmware's ("AT" for the AT-command firmware)."""
    global _chip, _power
    uninstall()
    board = runtime.board
    if not board.rtl8720:
        return None
    chosen = version or board.rtl8720
    _chip = Firmware(None if chosen == "AT" else chosen, runtime=runtime)
    _power = Power(_chip)
    return _chip


def uninstall() -> None:
    """Power the chip off (its sockets close) and unwire it."""
    global _chip, _power
    if _chip is not None:
        _chip.shutdown()
    _chip = _power = None


def installed() -> Firmware | None:
    """The emulated chip of this device process, if any."""
    return _chip


def driven(pin: str, level: bool | None) -> None:
    """The host drives ``pin`` to ``level`` (None: let go; CHIP_PU then reads high, as the
    board's pull-up is assumed to hold it); the chip notices on its enable pin."""
    if _power is not None and pin == ENABLE_PIN:
        _power.value = True if level is None else level


def open_uart(tx: str | None, rx: str | None, baudrate: int, receiver_buffer_size: int) -> EmulatedUART | None:
    """The UART to the chip when ``tx``/``rx`` are its pins, else None (nothing answers there)."""
    if _chip is None or tx != TX_PIN or rx != RX_PIN:
        return None
    return EmulatedUART(_chip, baudrate, receiver_buffer_size)

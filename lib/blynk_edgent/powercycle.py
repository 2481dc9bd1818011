# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""A reset for boards without a button: power the board on N times, each for less than M seconds.

Off by default: ``Edgent(power_cycles=(5, 10))`` erases the configuration (and enters config
mode) at the fifth power-on in a row whose four before it were each cut within 10 s.

What counts: only a start from power off, ``microcontroller.cpu.reset_reason`` POWER_ON with
``supervisor.runtime.run_reason`` STARTUP. A soft reload (a file saved, Ctrl-D,
``supervisor.reload()``) keeps the reset reason of the hard start before it; ``main.c`` sets
STARTUP only at a hard start (and when a faked deep sleep, USB connected, ends: that counts).
The ports' ``common_hal_mcu_processor_get_reset_reason`` (``ports/*/common-hal/microcontroller/
Processor.c``):

* espressif: POWER_ON is ESP_RST_POWERON; the RST button of ESP32-S2/S3 boards cuts the chip's
  power (CHIP_PU), so it counts too (adafruit/circuitpython#4304); a brown-out is BROWNOUT.
* raspberrypi: POWER_ON is RP2040's HAD_POR bit, which a brown-out sets too (the source says
  so); the RUN pin is RESET_PIN. RP2350 tells BROWNOUT apart.
* atmel-samd (SAMD51: Wio Terminal, PyPortal, Metro M4, MatrixPortal), stm, mimxrt10xx,
  broadcom, cxd56, litex, silabs, analog, zephyr-cp: always UNKNOWN. A start whose reason is
  unknown is not counted, as a reset button, a watchdog or a brown-out loop must not erase the
  configuration; the log says so once a boot. On these boards this reset does nothing.

Writes. The count is 3 bytes at :data:`AT` (the end of the store's slot B, in no record),
``(0xB7, n, n ^ 0xFF)``; anything else, erased flash included, reads 0, so a cut write can lose
the count but never makes one up. A start that is not counted writes nothing, unless quick
power-ons came before it and it stays on M seconds: then one write clears their count. A
counted power-on writes its count at once and, if it stays on M seconds, clears it: one write
for a quick power-on, two for one that stays on, and no scheme does with fewer. A boot cannot
know it will stay on; had a quick one written nothing, NVM would be as before it and the next
boot could not count it, so each counted boot writes before a cut can come. One that stays on
must then leave NVM unlike a quick one, and knows it only after M seconds: a second write. The
n-th power-on erases both slots and the count in one write.

Every write erases the whole NVM block first, the count's included. The store keeps the same
record in both slots, so a cut at any byte loads the configuration, or "not provisioned" while
the block's first record is not yet programmed again, never an older or an erased one.
"""

from blynk_edgent.clock import ticks_diff

AT = 509  # store.COUNTER_AT
_MAGIC = 0xB7


def read_count(nvm):
    """The count of quick power-ons in ``nvm``; 0 for anything but a whole count."""
    mark, count, check = nvm[AT : AT + 3]
    return count if mark == _MAGIC and count ^ check == 0xFF else 0


def _name(reason):
    # "microcontroller.ResetReason.POWER_ON" on a board, "POWER_ON" in the simulator; "None"
    # where the board gave none.
    text = str(reason)
    return text[text.rfind(".") + 1 :]


def why_not_counted(reset_reason, run_reason):
    """None if the start with these reasons is a power-on; otherwise why it is not counted."""
    reset, run = _name(reset_reason), _name(run_reason)
    if reset == "POWER_ON" and run == "STARTUP":
        return None
    why = "not a power-on (reset_reason %s, run_reason %s)" % (reset, run)
    if reset in ("UNKNOWN", "None"):
        why += ": this board cannot tell a power-on from a reset, so power cycles never erase here"
    return why


def start_reasons():
    """``(microcontroller.cpu.reset_reason, supervisor.runtime.run_reason)``; None for what is missing."""
    reset: object = None
    run: object = None
    try:
        import microcontroller

        reset = microcontroller.cpu.reset_reason
        import supervisor

        run = supervisor.runtime.run_reason
    except (ImportError, AttributeError, NotImplementedError):
        pass
    return reset, run


class PowerCycles:
    """Counts this power-on in ``nvm`` (``cycles`` is ``(n, seconds)``, or ``n`` with 10 s) and erases
    the configuration when it is the n-th quick one in a row: then ``erased`` is true, and the boot
    goes to config mode, even with a fixed configuration in settings.toml. ``log`` takes a line.
    ``reasons`` is ``(reset_reason, run_reason)``; by default this start's (:func:`start_reasons`).

    Otherwise :meth:`poll` clears the count once the board has stayed on long enough.
    """

    def __init__(self, nvm, cycles, log, now, reasons=None):
        count, window_s = cycles if isinstance(cycles, tuple) else (cycles, 10)
        self.erased = False
        self._nvm = nvm
        self._since = now
        self._window_ms = window_s * 1000
        self._pending = False  # a count to clear once the board has stayed on
        if nvm is None or len(nvm) < 2 * 256:
            log("power-cycle reset needs 512 bytes of NVM or more; it is off")
            return
        seen = read_count(nvm)
        why = why_not_counted(*(reasons or start_reasons()))
        if why:
            log("power-cycle reset: this start is not counted, " + why)
        else:
            seen = min(seen + 1, 255)
            if seen >= count:
                log("powered on %d times in a row within %d s each: erasing the configuration" % (seen, window_s))
                from blynk_edgent.store import ConfigStore

                try:
                    ConfigStore(nvm).erase()  # both slots and the count, in one write
                except RuntimeError as error:
                    log("could not erase the configuration: %s" % error)
                self.erased = True
                return
            nvm[AT : AT + 3] = bytes((_MAGIC, seen, seen ^ 0xFF))
        self._pending = seen > 0

    def poll(self, now):
        """Clear the count once the board has been on for the window (one write, only if there is
        a count). True when there is nothing left to do."""
        if self._pending and ticks_diff(now, self._since) >= self._window_ms:
            self._pending = False
            if read_count(self._nvm):
                self._nvm[AT : AT + 3] = b"\xff\xff\xff"
        return not self._pending

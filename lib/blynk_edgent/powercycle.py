"""A reset for boards without a button: power the board on N times within M seconds.

Off by default: ``Edgent(power_cycles=(5, 10))`` erases the configuration (and enters config
mode) at the fifth power-on that comes less than 10 s after the one before. The count lives in the
last two bytes of ``microcontroller.nvm``, apart from the configuration's record, and is cleared
once the board has stayed on for M seconds. Each boot therefore writes NVM twice; on SAMD51 and
RP2040 every such write rewrites the whole NVM block, so leave this off unless the board has no
other way back to config mode.
"""

from blynk_edgent.clock import ticks_diff

_MAGIC = 0xB7


class PowerCycles:
    """Counts this power-on in ``nvm`` (``cycles`` is ``(n, seconds)``, or ``n`` with 10 s) and erases
    the configuration when it is the n-th quick one in a row: then ``erased`` is true, and the boot
    goes to config mode, even with a fixed configuration in settings.toml. ``log`` takes a line.

    Otherwise :meth:`poll` clears the count once the board has stayed on long enough.
    """

    def __init__(self, nvm, cycles, log, now):
        count, window_s = cycles if isinstance(cycles, tuple) else (cycles, 10)
        self.erased = False
        self._nvm = nvm
        self._since = now
        self._window_ms = window_s * 1000
        self._at = None  # where the count lives; None: nothing left to do
        if nvm is None or len(nvm) < 1024:
            log("power-cycle reset needs 1 KB of NVM or more; it is off")
            return
        at = len(nvm) - 2
        mark, seen = nvm[at], nvm[at + 1]
        seen = seen + 1 if mark == _MAGIC and seen < 255 else 1
        if seen >= count:
            nvm[at : at + 2] = bytes((_MAGIC, 0))
            log("powered on %d times in a row within %d s each: erasing the configuration" % (seen, window_s))
            from blynk_edgent.store import ConfigStore

            ConfigStore(nvm).erase()
            self.erased = True
            return
        nvm[at : at + 2] = bytes((_MAGIC, seen))
        self._at = at

    def poll(self, now):
        """Clear the count once the board has been on for the window (one write). True when there
        is nothing left to do."""
        at = self._at
        if at is not None and ticks_diff(now, self._since) >= self._window_ms:
            self._nvm[at : at + 2] = bytes((_MAGIC, 0))
            self._at = None
        return self._at is None

"""A reset for boards without a button: power the board on N times within M seconds.

Off by default: ``Edgent(power_cycles=(5, 10))`` erases the configuration (and enters config
mode) at the fifth power-on that comes less than 10 s after the one before. The count lives in the
last two bytes of ``microcontroller.nvm``, apart from the configuration's record, and is cleared
once the board has stayed on for M seconds. Each boot therefore writes NVM twice; on SAMD51 and
RP2040 every such write rewrites the whole NVM block, so leave this off unless the board has no
other way back to config mode.
"""

from blynk_edgent.clock import ticks_diff, ticks_ms

_MAGIC = 0xB7


def start(edgent, cycles):
    """Count this power-on; erase the configuration when it is the N-th quick one in a row.

    Returns True when it erased (the boot then goes to config mode, even with a fixed
    configuration in settings.toml).
    """
    count, window_s = cycles if isinstance(cycles, tuple) else (cycles, 10)
    nvm = edgent._nvm
    if nvm is None:
        import microcontroller

        nvm = microcontroller.nvm
    if nvm is None or len(nvm) < 1024:
        edgent._log("power-cycle reset needs 1 KB of NVM or more; it is off")
        return False
    at = len(nvm) - 2
    mark, seen = nvm[at], nvm[at + 1]
    seen = seen + 1 if mark == _MAGIC and seen < 255 else 1
    if seen >= count:
        nvm[at : at + 2] = bytes((_MAGIC, 0))
        edgent._log("powered on %d times in a row within %d s each: erasing the configuration" % (seen, window_s))
        from blynk_edgent.store import ConfigStore

        ConfigStore(nvm).erase()
        return True
    nvm[at : at + 2] = bytes((_MAGIC, seen))
    edgent._tickers.append(_Clear(nvm, at, ticks_ms(), window_s * 1000))
    return False


class _Clear:
    """Clears the count once the board has stayed on long enough (one write, then it is done)."""

    def __init__(self, nvm, at, since, window_ms):
        self._nvm = nvm
        self._at = at
        self._since = since
        self._window_ms = window_ms

    def __call__(self, edgent, now):
        if ticks_diff(now, self._since) >= self._window_ms:
            self._nvm[self._at : self._at + 2] = bytes((_MAGIC, 0))
            edgent._tickers.remove(self)

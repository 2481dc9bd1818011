"""Helpers for the pure tests, which run both under pytest (CPython) and under MicroPython.

Only what both have is used here: no pytest import, no typing, no f-string tricks.
"""

from blynk_edgent.config import Config


def quote(text):
    """Percent-encode ``text`` for a query string, as a phone does (what the portal decodes)."""
    safe = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~"
    out = []
    for byte in text.encode("utf-8"):
        char = chr(byte)
        out.append(char if char in safe else "%%%02X" % byte)
    return "".join(out)


def raises(kind, func, *args, **kwargs):
    """Call ``func`` and return the exception of type ``kind`` it raised; fail if it did not."""
    try:
        func(*args, **kwargs)
    except kind as error:
        return error
    raise AssertionError("expected %s from %r" % (kind.__name__, func))


# Taken from a Config itself, so a new field is compared and copied too. ``__dict__`` rather
# than ``vars()``, which MicroPython may lack.
FIELD_NAMES = tuple(sorted(Config().__dict__))


def fields(config):
    """Return a Config's fields as a tuple: what two configurations are compared by."""
    return tuple(getattr(config, name) for name in FIELD_NAMES)


def changed(config, **changes):
    """Return a copy of a Config with some fields changed."""
    values = {}
    for name in FIELD_NAMES:
        values[name] = changes.pop(name) if name in changes else getattr(config, name)
    if changes:
        raise TypeError("unknown Config field: " + ", ".join(changes))
    return Config(**values)


class PowerCut(Exception):
    """Raised by FakeNVM when the simulated power fails part-way through a write."""


class FakeNVM:
    """Stands in for ``microcontroller.nvm`` (``nvm.ByteArray``), which cannot exist here.

    As on a board: a fixed length, ``nvm[i]`` is an int, ``nvm[a:b]`` a bytearray, and a slice
    assignment must keep the length ("Slice and value different lengths."). Each assignment is
    one erase-and-write cycle and is counted in ``writes``. ``cut_after = k`` makes the next
    assignment stop after its first k bytes and raise PowerCut, as if the power failed.
    """

    def __init__(self, size=8192, fill=0xFF, data=None):
        self.data = bytearray(data) if data is not None else bytearray(bytes((fill,)) * size)
        self.writes = 0
        self.cut_after = None

    def __len__(self):
        return len(self.data)

    def _span(self, index):
        start = 0 if index.start is None else index.start
        stop = len(self.data) if index.stop is None else index.stop
        if index.step not in (None, 1):
            raise NotImplementedError("only slices with step=1 are supported")
        return max(0, start), min(len(self.data), stop)

    def __getitem__(self, index):
        if isinstance(index, slice):
            start, stop = self._span(index)
            return bytearray(self.data[start:stop])
        return self.data[index]

    def __setitem__(self, index, value):
        if not isinstance(index, slice):
            self.data[index] = value
            self.writes += 1
            return
        start, stop = self._span(index)
        if stop - start != len(value):
            raise ValueError("Slice and value different lengths.")
        self.writes += 1
        cut = self.cut_after
        self.cut_after = None
        count = len(value) if cut is None else min(cut, len(value))
        for i in range(count):
            self.data[start + i] = value[i]
        if cut is not None and cut < len(value):
            raise PowerCut()


def random_bytes(count, seed):
    """Return ``count`` deterministic pseudo-random bytes (xorshift; no ``random`` needed)."""
    state = (seed * 2654435761 + 1) & 0xFFFFFFFF or 1
    out = bytearray(count)
    for i in range(count):
        state ^= (state << 13) & 0xFFFFFFFF
        state ^= state >> 17
        state ^= (state << 5) & 0xFFFFFFFF
        out[i] = state & 0xFF
    return out


class FakeDevice:
    """What config mode and lifecycle read and call on an Edgent, without its start-up or link.

    ``radio`` is the test's stand-in; state changes are recorded as they are, reboots counted.
    """

    template_name = "Device"
    vendor_prefix = "Blynk"

    def __init__(self, radio, state):
        self.radio = radio
        self.state = state
        self._trial = False
        self._ap_ssid = None
        self._handlers = {"connected": [], "state": []}  # lifecycle.set_state tells these
        self.reboots = 0

    def _log(self, text):
        pass

    def reboot(self):
        self.reboots += 1

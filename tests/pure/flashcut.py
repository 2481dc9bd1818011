# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""Power cuts in the erase-first flash model (hardware-truth.md section 11), for the pure tests.

On the boards every NVM write erases the whole block (SAMD51 ``flash_write``: 8 KB; RP2040
``erase_and_write_sector``: 4 KB; ESP32 ``nvs_erase_all``, then the whole 8 KB blob) and then
programs the whole new image from its first byte. A cut at byte k of that leaves the first k
bytes of the new image and erased flash after them: 0xFF, or zeros on an ESP32, whose blob is
then gone (and whose NVS gives all of it or none of it: k = 0 or k = the size). So a write has
``size + 1`` cut points.

FakeNVM's own ``cut_after`` is the other model: the bytes of the assignment written in place
and the rest untouched, as RP2040 does when every byte written is still erased.
"""

from support import FakeNVM


class RecordingNVM(FakeNVM):
    """A FakeNVM that keeps the whole image after each write, for :func:`cuts` to replay."""

    def __init__(self, size=1024, fill=0xFF):
        FakeNVM.__init__(self, size, fill)
        self.images = []

    def __setitem__(self, index, value):
        FakeNVM.__setitem__(self, index, value)
        self.images.append(bytes(self.data))


def cut(image, k, blank=0xFF):
    """The NVM a cut at byte ``k`` of a write of ``image`` leaves."""
    return FakeNVM(data=image[:k] + bytes((blank,)) * (len(image) - k))


def cuts(image, blank=0xFF):
    """Yield ``(k, nvm)`` for every cut point k (0 to the size) of a write of ``image``."""
    for k in range(len(image) + 1):
        yield k, cut(image, k, blank)


def holds(nvm, secret):
    """True if the raw NVM holds the bytes of ``secret`` anywhere."""
    return bytes(nvm.data).find(secret.encode("utf-8")) >= 0

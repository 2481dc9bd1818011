# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""blynk_edgent lite: Blynk.Edgent for the SAMD21 boards with a NINA module (Arduino Nano 33 IoT,
MKR WiFi 1010), whose CircuitPython build has about 17 KB of heap, no long integers, no ``json``,
``re``, ``errno`` or ``binascii``, and strings without ``encode``/``decode`` (issue 17).

``from blynk_edgent_lite.edgent import Edgent``. A board loads a module's code into its heap, so
the device holds only what its mode needs: :mod:`~blynk_edgent_lite.edgent` and
:mod:`~blynk_edgent_lite.nina` always; config mode :mod:`~blynk_edgent_lite.configmode`;
running mode :mod:`~blynk_edgent_lite.running` and :mod:`~blynk_edgent_lite.blynk`; and for a
moment only :mod:`~blynk_edgent_lite.boot`, :mod:`~blynk_edgent_lite.opening`,
:mod:`~blynk_edgent_lite.apname`, :mod:`~blynk_edgent_lite.access`, :mod:`~blynk_edgent_lite.pages`,
:mod:`~blynk_edgent_lite.page`, :mod:`~blynk_edgent_lite.keep` (as config mode opens),
:mod:`~blynk_edgent_lite.portal` and :mod:`~blynk_edgent_lite.form` (a request each),
:mod:`~blynk_edgent_lite.store`, :mod:`~blynk_edgent_lite.save`, :mod:`~blynk_edgent_lite.files`
and :mod:`~blynk_edgent_lite.crc` (:func:`forget` lets them go; a function of theirs still held
keeps its module, so their users drop such names first). The collector never moves a block, so
what stays is loaded, or copied, after what goes has gone. ``make test`` holds every module here
to what that build has (tests/test_lite_build.py); bench/lite.py measures the heap it needs
against the 17 KB (bench/README.md).
"""

# The configuration's two files in the NINA module's file store: here, in the module every mode
# holds, because erasing them must load nothing (see Edgent.erase).
FILES = (b"/fs/edgent0", b"/fs/edgent1")

# Running mode's link reads into one buffer: a Blynk header (5 bytes) and the longest body it
# takes (announced to the cloud as buff-in). Here, because the device makes it before anything
# else loads: a block this long may not be found once the start's modules have left their holes.
LINK_BUFFER = 5 + 256


def forget(*names):
    """Let the modules ``names`` of this package leave the heap once nothing else holds them, and
    collect: what is allocated next then takes the lowest holes, not a stretch above garbage
    (the collector never moves a block, so a hole under a held block stays one)."""
    import gc
    import sys

    package = sys.modules["blynk_edgent_lite"]
    for name in names:
        sys.modules.pop("blynk_edgent_lite." + name, None)
        try:
            delattr(package, name)
        except (AttributeError, KeyError):  # not loaded (MicroPython says KeyError)
            pass
    gc.collect()

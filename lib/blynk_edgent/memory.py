# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The one place that frees memory: which of our modules a device keeps, and dropping the rest.

Start-up (settings, the board profile, the NVM store's rules), connecting and config mode (the
portal, its HTTP server, DNS) are used for a while and then never again, or not for a long time.
Dropping them from ``sys.modules`` lets the garbage collector take back their code; this module
goes too, until the next such moment. Only :class:`~blynk_edgent.edgent.Edgent` calls
:func:`release`: at the end of start-up, on each entry into config mode (what got it there goes),
and once it runs with nothing left to connect (config mode, if it was open, has closed). A module
dropped while an object of it is alive would be loaded a second time by its next import, so
:data:`CONNECTING` stays while the device connects.
"""

import sys

PACKAGE = "blynk_edgent"
BOARDS = "blynk_edgent_boards"

# What a device holds for as long as it runs: the object, its state and status, the cloud link
# and its codec, the clock, the configuration, the radio's core, and the status LED, the button
# and the screen.
RESIDENT = (
    "blynk_edgent",
    "blynk_edgent.version",
    "blynk_edgent.edgent",
    "blynk_edgent.clock",
    "blynk_edgent.config",
    "blynk_edgent.link",
    "blynk_edgent.radio_native",
    "blynk_edgent.radio_esp32spi",
    "blynk_edgent.radio_rtl8720",  # the Wio Terminal's radio, with its link and codec: dropped,
    "blynk_edgent.rtl8720_link",  # the setup module would load a second codec whose ERPCError
    "blynk_edgent.erpc",  # is another class than the one the link raises
    "blynk_edgent.indicator",
    "blynk_edgent.leds",
    "blynk_edgent.button",
    "blynk_edgent.screen",
)

# What a device holds besides while it is not running: the way there, and config mode.
CONNECTING = (
    "blynk_edgent.connecting",
    "blynk_edgent.states",
    "blynk_edgent.errors",
    "blynk_edgent.configmode",
    "blynk_edgent.portal",
    "blynk_edgent.httpd",
    "blynk_edgent.dns",
    "blynk_edgent.urlcodec",
    "blynk_edgent.crc",  # the portal's uid
)


def release(connecting=False):
    """Drop every module of ours (and the board profiles) but the resident ones, and those of
    :data:`CONNECTING` while ``connecting`` is true."""
    package = sys.modules.get(PACKAGE)
    for name in list(sys.modules):
        if name in RESIDENT or (connecting and name in CONNECTING):
            continue
        if name.startswith(PACKAGE + "."):
            del sys.modules[name]
            try:  # the package's attribute would keep the module alive
                delattr(package, name[len(PACKAGE) + 1 :])
            except (AttributeError, TypeError):
                pass
        elif name == BOARDS or name.startswith(BOARDS + "."):
            del sys.modules[name]

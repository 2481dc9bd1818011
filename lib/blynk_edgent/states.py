# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""Blynk.Edgent's states (protocol doc section 1.1) and where each may go: the device's whole life
on one page.

The state is one variable, :attr:`Edgent.state <blynk_edgent.edgent.Edgent.state>`, changed only by
``Connecting._enter`` (:mod:`~blynk_edgent.connecting`), which refuses a move :data:`NEXT` does
not list. ``Edgent.poll`` runs a slice of the current state (Blynk's ``switch`` in
``Edgent::run()``): RUNNING's in :mod:`~blynk_edgent.edgent`, every other state's from
``Connecting``'s table of slices.

========================  =================================================================
``INIT``                  start-up; never entered again
``WAIT_CONFIG``           config mode: the access point and its portal wait for a phone
``CONFIGURING``           config mode with a phone talking to it
``SWITCH_TO_STA``         the phone sent a configuration: 1 s for the answer to leave, then
                          the access point closes (unless the radio keeps it beside the join)
``CONNECTING_NET``        join the network (retried with backoff; a test-join fails back to
                          config mode)
``CONNECTING_CLOUD``      open the link to Blynk.Cloud and log in
``RUNNING``               logged in; virtual pins flow
``RESET_CONFIG``          the configuration is erased, then config mode
``ERROR``                 a fault the device cannot mend: it reboots after 10 s, unless the
                          reset button is held
========================  =================================================================
"""

INIT = "INIT"
WAIT_CONFIG = "WAIT_CONFIG"
CONFIGURING = "CONFIGURING"
SWITCH_TO_STA = "SWITCH_TO_STA"
CONNECTING_NET = "CONNECTING_NET"
CONNECTING_CLOUD = "CONNECTING_CLOUD"
RUNNING = "RUNNING"
RESET_CONFIG = "RESET_CONFIG"
ERROR = "ERROR"

CONFIG_MODE = (WAIT_CONFIG, CONFIGURING)

# Where each state may go. Every state may go to RESET_CONFIG (a 10 s button hold) and, but
# ERROR, to WAIT_CONFIG (config mode: a refused token, the cloud's ``config``, a failed test-join).
NEXT = {
    # a configuration (NVM or settings.toml) / none / the board or its access point failed
    INIT: (CONNECTING_NET, WAIT_CONFIG, ERROR),
    # a phone asked for the board info / sent a configuration / the access point failed /
    # config mode was open 10 minutes on a provisioned device: back to its stored network
    WAIT_CONFIG: (CONFIGURING, SWITCH_TO_STA, RESET_CONFIG, ERROR, CONNECTING_NET),
    # the phone left / sent a configuration / config mode was open 10 minutes on a provisioned device
    CONFIGURING: (WAIT_CONFIG, SWITCH_TO_STA, RESET_CONFIG, ERROR, CONNECTING_NET),
    SWITCH_TO_STA: (CONNECTING_NET, RESET_CONFIG, WAIT_CONFIG),
    # joined / a test-join failed (back to config mode, or ERROR when the access point cannot reopen)
    CONNECTING_NET: (CONNECTING_CLOUD, WAIT_CONFIG, RESET_CONFIG, ERROR),
    # logged in / the network went / the token was refused or a test-join failed
    CONNECTING_CLOUD: (RUNNING, CONNECTING_NET, WAIT_CONFIG, RESET_CONFIG, ERROR),
    # the link or the network was lost / the cloud asked for config mode or an erase
    RUNNING: (CONNECTING_CLOUD, CONNECTING_NET, WAIT_CONFIG, RESET_CONFIG),
    # erased: config mode, or ERROR when its access point fails
    RESET_CONFIG: (WAIT_CONFIG, ERROR),
    # held button released after 10 s: erase instead of rebooting
    ERROR: (RESET_CONFIG,),
}

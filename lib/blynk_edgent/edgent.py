# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The :class:`Edgent` object: what a ``code.py`` uses, and the device while it runs.

Shaped like Blynk.Edgent's own firmware (``BlynkEdgent.h``): one state variable (the states and
where each goes are :mod:`blynk_edgent.states`); one :meth:`Edgent.poll` that runs a slice of the
current state. RUNNING's slice is here: the cloud link's traffic (:mod:`~blynk_edgent.link`) and
a watch on the network. Every other state's is a :class:`~blynk_edgent.connecting.Connecting`'s,
which exists only while the device is not running, and which makes every move from state to
state. Start-up is :mod:`~blynk_edgent.startup`'s. The modules a moment needs are dropped after
it, in one place (:mod:`~blynk_edgent.memory`), which this object calls.
"""

from blynk_edgent.clock import ticks_diff, ticks_ms
from blynk_edgent.link import EVENT_LOG, HARDWARE, PROPERTY, SYNC, CloudLink

try:
    from typing import TYPE_CHECKING
except ImportError:  # CircuitPython: the annotations below are for type checkers only
    TYPE_CHECKING = False  # type: ignore[misc]
if TYPE_CHECKING:
    from blynk_edgent.connecting import Connecting


# Functions called with the Edgent whenever its state or last_error changes: a door for host
# tools (the simulator reports the device over it). Empty on a board.
WATCHERS: list = []

# Polls in a row that run out of memory before the device reboots (a fresh heap).
MEMORY_ERRORS_MAX = 5


class Edgent:
    """Blynk.Edgent for CircuitPython: provisioning, the cloud link, and status.

    Reads ``BLYNK_TEMPLATE_ID``, ``BLYNK_TEMPLATE_NAME`` and ``BLYNK_FIRMWARE_VERSION`` from
    ``settings.toml`` unless given here. The configuration comes from NVM (stored by
    provisioning) or, when NVM holds none, from ``BLYNK_AUTH_TOKEN`` with
    ``CIRCUITPY_WIFI_SSID``/``CIRCUITPY_WIFI_PASSWORD`` in ``settings.toml``; with neither the
    device starts in config mode.

    Keyword options: ``board`` (a profile name or module; default the running board's, see
    ``boards/``), ``radio`` (default: the profile's), ``nvm`` (default ``microcontroller.nvm``),
    ``tls`` (False: plain TCP to the cloud; setting ``BLYNK_TLS = 0``), ``vendor_prefix``
    (``"Blynk"``), ``backoff_ms`` (first and longest wait between retries, ``(1000, 30000)``),
    ``led``, ``screen`` (False: leave that part of the board to the user), ``button`` (False:
    the same; or a :class:`~blynk_edgent.button.ResetButton` of your own), ``power_cycles``
    (``(n, seconds)``: erase after n quick power-ons), ``captive_portal`` (True: in config mode
    every name resolves to the device and phones open its page by themselves; default False,
    as Blynk's firmware, or the setting ``BLYNK_CAPTIVE_PORTAL``), ``log`` (default ``print``),
    ``clock`` (the millisecond ticks; default ``supervisor.ticks_ms``).
    """

    def __init__(
        self,
        template_id=None,
        template_name=None,
        firmware_version=None,
        *,
        board=None,
        radio=None,
        nvm=None,
        tls=None,
        vendor_prefix="Blynk",
        backoff_ms=(1000, 30000),
        led=True,
        button=True,
        screen=True,
        power_cycles=None,
        captive_portal=None,
        log=None,
        clock=None,
    ):
        self._print = log or print
        self._ticks = clock or ticks_ms
        now = self._ticks()
        self._backoff_ms = backoff_ms
        self.state = "INIT"  # the state's name (states.py), changed only by Connecting._enter
        self._on_connected = []
        self._on_state_change = []
        self._checked = now  # when RUNNING last asked the radio
        self._memory_errors = 0  # polls in a row that ran out of memory

        from blynk_edgent.startup import Start

        start = Start(
            template_id, template_name, firmware_version, board, radio, nvm, tls, vendor_prefix,
            led, button, screen, power_cycles, self._log, now,
        )  # fmt: skip
        self.template_id = start.template_id
        self.template_name = start.template_name
        self.firmware_version = start.firmware_version
        self.tls = start.tls
        self.radio = start.radio
        self.button = start.button  # the reset button (a ResetButton), or None
        self.ap_ssid = start.ap_ssid  # the access point's name, "Blynk <template>-XXXX"
        self.vendor = vendor_prefix  # the first word of that name, which white-label apps look for
        self.captive_portal = captive_portal  # None: as the setting BLYNK_CAPTIVE_PORTAL says
        self.ap_password = None  # while config mode's access point has one (BLYNK_AP_PASSWORD)
        self.config = start.config  # the configuration in use
        self.from_settings = start.from_settings  # it is settings.toml's, used but never stored
        self._nvm = start.nvm
        self._indicator = start.indicator
        self._screen = start.screen
        self._power_cycles = start.power_cycles
        self.last_error = self.config.last_error  # the code of the last failure (README); 0: none
        self._link = CloudLink(self._log, self._ticks)
        self._connecting: "Connecting | None" = None  # while the device is not running
        self._connect().begin()
        self._release(connecting=True)

    # -- public API ------------------------------------------------------------------------

    def on_virtual_write(self, pin):
        """Decorator: call the function with the values (text) the cloud writes to virtual pin ``pin``."""

        def register(handler):
            self._link.handlers[int(pin)] = handler
            return handler

        return register

    def on_connected(self, handler):
        """Decorator: call ``handler()`` each time the device has logged in to the cloud."""
        self._on_connected.append(handler)
        return handler

    def on_state_change(self, handler):
        """Decorator: call ``handler(old, new)`` with the state names on every change."""
        self._on_state_change.append(handler)
        return handler

    def virtual_write(self, pin, *values):
        """Send values of virtual pin ``pin`` to the cloud; False when not connected."""
        return self._link.send(HARDWARE, ("vw", pin) + values, ("vw", pin))

    def sync_virtual(self, *pins):
        """Ask the cloud to send the stored values of these virtual pins (all when none given)."""
        return self._link.send(SYNC, ("vr",) + pins if pins else (), ("vr",) + pins)

    def log_event(self, code, description=None):
        """Log the event ``code`` (as set up in the template), with an optional description."""
        return self._link.send(EVENT_LOG, (code,) if description is None else (code, description), None)

    def set_property(self, pin, name, value):
        """Set a widget property (``label``, ``color``, ...) of virtual pin ``pin``."""
        return self._link.send(PROPERTY, (pin, name, value), ("p", pin, name))

    @property
    def connected(self):
        """True while logged in to the cloud."""
        return self.state == "RUNNING"

    @property
    def attempts(self):
        """How many attempts to join the network or reach the cloud have failed in a row."""
        return self._connecting.attempts if self._connecting is not None else 0

    def poll(self):
        """Do one slice of work and return; call it often (``run()`` does)."""
        now = self._ticks()
        try:
            button = self.button
            if button is not None:
                held = button.poll(now)
                if held:
                    self._connect().reset(held)
            if self.state == "RUNNING":
                self._run(now)
            else:
                self._connect().step(now)
            if self._indicator is not None:
                self._indicator.show(self.state, now)
            if self._screen is not None:
                self._screen.update(self, now)
            if self._power_cycles is not None and self._power_cycles.poll(now):
                self._power_cycles = None
            self._memory_errors = 0
        except MemoryError:  # never an uncaught crash: code.py would stop until someone resets
            self._out_of_memory()

    def run(self):
        """Poll forever."""
        import time

        while True:
            self.poll()
            time.sleep(0.005)

    def reboot(self):
        """Restart the board (``microcontroller.reset()``)."""
        self._log("rebooting now")
        self._link.close()
        import microcontroller

        microcontroller.reset()

    def reset_config(self):
        """Forget the network and the token, as a 10 s button hold does; config mode follows."""
        self._connect().reset()

    # -- RUNNING -------------------------------------------------------------------------------

    def _run(self, now):
        # The link's traffic; once a second, whether the network is still there (a dropped
        # network can leave sockets silent rather than failing; on esp32spi each question is an
        # SPI transaction). What took the device here goes once it has nothing left to do.
        connecting = self._connecting
        if connecting is not None and connecting.done(now):
            self._connecting = None
            self._release()
        if ticks_diff(now, self._checked) >= 1000:
            self._checked = now
            if not self.radio.connected:
                self._connect().network_lost(now)
                return
        event = self._link.poll(now)
        if event is not None:  # a console command, or the link is lost: Connecting's business
            self._connect().link_event(event, now)

    def _out_of_memory(self):
        # An allocation failed (the heap is fragmented): drop the link, which the next poll
        # finds lost and opens again, collect, and go on; a reboot, logged, when that does not help.
        self._link.fail("out of memory")
        import gc

        gc.collect()
        self._memory_errors += 1
        self._log("out of memory (%d in a row); cloud link dropped, memory collected" % self._memory_errors)
        if self._memory_errors >= MEMORY_ERRORS_MAX:
            self.reboot()

    def _connect(self):
        # The part that runs every state but RUNNING, made when needed.
        connecting = self._connecting
        if connecting is None:
            from blynk_edgent.connecting import Connecting

            connecting = self._connecting = Connecting(
                self, self._changed, self._link, self._nvm, self._backoff_ms, self._log, self._ticks
            )
        return connecting

    def _changed(self, old):
        # Connecting changed the state (``old``: the one before) or, when ``old`` is None, last_error.
        state = self.state
        if old is not None:
            if state == "WAIT_CONFIG":  # what led to config mode goes, config mode's modules stay
                self._release(connecting=True)
            for handler in self._on_state_change:
                self._call(handler, (old, state), "on_state_change")
            if state == "RUNNING":
                for handler in self._on_connected:
                    self._call(handler, (), "on_connected")
        for handler in WATCHERS:
            handler(self)

    def _release(self, connecting=False):
        # The modules this moment no longer needs go (memory.py, itself among them).
        from blynk_edgent import memory

        memory.release(connecting)

    def _log(self, text):
        self._print("[edgent] " + text)

    def _call(self, handler, args, text):
        try:
            handler(*args)
        except Exception as error:  # a bug in user code must not stop the device
            self._log("%s raised %r" % (text, error))

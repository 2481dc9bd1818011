"""The :class:`Edgent` object: one state variable, one loop that never blocks long.

States are Blynk.Edgent's (protocol doc section 1.1), as their names: WAIT_CONFIG and
CONFIGURING (config mode), SWITCH_TO_STA, CONNECTING_NET, CONNECTING_CLOUD, RUNNING,
RESET_CONFIG and ERROR.

What stays in RAM while the device runs is this module, the clock, the Config, the cloud link
with its frame codec, the radio's core and the board's tickers (LED, button, screen).
Start-up (:mod:`~blynk_edgent.boot`), getting connected and recovering
(:mod:`~blynk_edgent.lifecycle`) and config mode are imported when needed and dropped after, so
their heap comes back: ``make bench`` measures it.
"""

import sys

from blynk_edgent.clock import ticks_diff, ticks_ms

try:
    from typing import Any
except ImportError:  # CircuitPython: the annotations below are for type checkers only
    pass

WAIT_CONFIG = "WAIT_CONFIG"
CONFIGURING = "CONFIGURING"
CONNECTING_NET = "CONNECTING_NET"
CONNECTING_CLOUD = "CONNECTING_CLOUD"
RUNNING = "RUNNING"
SWITCH_TO_STA = "SWITCH_TO_STA"
RESET_CONFIG = "RESET_CONFIG"
ERROR = "ERROR"
INIT = "INIT"


# The reset button's hold (protocol doc section 5.2), shared by the button, the LED and the screen:
# feedback from 3 s, the erase on a release after 10 s.
HOLD_FEEDBACK_MS = 3000
HOLD_ACTION_MS = 10000

# Used for a moment (start-up, a save, a name, a message) and forgotten after.
TRANSIENT = ("boot", "settings", "store", "validate", "errors", "crc", "apname", "messages", "profile", "powercycle")


def unload(*names):
    """Forget the blynk_edgent modules ``names``, so that the heap they hold comes back."""
    package = sys.modules.get("blynk_edgent")
    for name in names:
        if sys.modules.pop("blynk_edgent." + name, None) is not None and package is not None:
            try:
                delattr(package, name)
            except (AttributeError, TypeError):
                pass


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
    ``led``, ``button``, ``screen`` (False: leave that part of the board to the user),
    ``power_cycles`` (``(n, seconds)``: erase after n quick power-ons), ``log`` (default ``print``).
    """

    # Set by boot.start(); declared for type checkers (CircuitPython ignores these lines).
    radio: "Any"
    config: "Any"
    template_id: str
    template_name: str
    firmware_version: str
    tls: bool
    vendor_prefix: str
    stored_provisioned: bool
    from_settings: bool

    def __init__(self, template_id=None, template_name=None, firmware_version=None, **options):
        self.state = INIT
        self.last_error = 0
        self._print = options.get("log") or print
        self._write_handlers = {}
        self._connected_handlers = []
        self._state_handlers = []
        self._tickers = []
        self._link = None
        self._portal = None
        self._ap_ssid = None  # lifecycle.ap_ssid() works it out once
        self._radio_checked = ticks_ms()
        from blynk_edgent import boot

        boot.start(self, template_id, template_name, firmware_version, options)
        unload(*TRANSIENT)

    # -- public API ------------------------------------------------------------------------

    def on_virtual_write(self, pin):
        """Decorator: call the function with the values (text) the cloud writes to virtual pin ``pin``."""

        def register(handler):
            self._write_handlers[int(pin)] = handler
            return handler

        return register

    def on_connected(self, handler):
        """Decorator: call ``handler()`` each time the device has logged in to the cloud."""
        self._connected_handlers.append(handler)
        return handler

    def on_state_change(self, handler):
        """Decorator: call ``handler(old, new)`` with the state names on every change."""
        self._state_handlers.append(handler)
        return handler

    def virtual_write(self, pin, *values):
        """Send values of virtual pin ``pin`` to the cloud; False when not connected."""
        return self._send(20, ("vw", pin) + values, ("vw", pin))

    def sync_virtual(self, *pins):
        """Ask the cloud to send the stored values of these virtual pins (all when none given)."""
        return self._send(16, ("vr",) + pins if pins else (), ("vr",) + pins)

    def log_event(self, code, description=None):
        """Log the event ``code`` (as set up in the template), with an optional description."""
        return self._send(64, (code,) if description is None else (code, description), None)

    def set_property(self, pin, name, value):
        """Set a widget property (``label``, ``color``, ...) of virtual pin ``pin``."""
        return self._send(19, (pin, name, value), ("p", pin, name))

    @property
    def connected(self):
        """True while logged in to the cloud."""
        return self.state == RUNNING

    def poll(self):
        """Do one slice of work and return; call it often (``run()`` does)."""
        now = ticks_ms()
        if self._portal is not None:
            self._portal.poll(now)
        if self.state == RUNNING:
            self._running(now)
        else:
            from blynk_edgent import lifecycle

            lifecycle.step(self, now)
        for ticker in self._tickers:
            ticker(self, now)

    def run(self):
        """Poll forever."""
        import time

        while True:
            self.poll()
            time.sleep(0.005)

    def reboot(self):
        """Restart the board (``microcontroller.reset()``)."""
        self._log("rebooting")
        if self._link is not None:
            self._link.close()
        import microcontroller

        microcontroller.reset()

    def reset_config(self):
        """Forget the network and the token, as a 10 s button hold does, and enter config mode."""
        from blynk_edgent import lifecycle

        lifecycle.reset_config(self)

    # -- the running state -----------------------------------------------------------------

    def _log(self, text):
        self._print("[edgent] " + text)

    def _set_state(self, state):
        old = self.state
        if state != old:
            self.state = state
            self._since = ticks_ms()
            self._log("state: %s -> %s" % (old, state))
            for handler in self._state_handlers:
                self._call(handler, (old, state), "on_state_change")

    def _call(self, handler, args, what):
        try:
            handler(*args)
        except Exception as error:  # a bug in user code must not stop the device
            self._log("%s raised %r" % (what, error))

    def _running(self, now):
        from blynk_edgent.cloud import CloudError

        link = self._link
        if link is None:
            return
        # A dropped network can leave sockets silent rather than failing: ask the radio once a
        # second (on esp32spi each question is an SPI transaction).
        if ticks_diff(now, self._radio_checked) >= 1000:
            self._radio_checked = now
            if not self.radio.connected:
                self._lost(None, now)
                return
        try:
            link.poll(now)
        except CloudError as error:
            self._lost(error, now)

    def _lost(self, error, now):
        from blynk_edgent import lifecycle

        lifecycle.lost(self, error, now)

    def _send(self, command, args, key):
        link = self._link
        if self.state != RUNNING or link is None:
            return False
        from blynk_edgent.cloud import CloudError

        try:
            link.send(command, args, ticks_ms(), key)
        except CloudError as error:
            self._lost(error, ticks_ms())
            return False
        return True

    def _cloud_write(self, pin, values):
        handler = self._write_handlers.get(pin)
        if handler is None:
            self._log("V%d written, no handler" % pin)
        else:
            self._call(handler, values, "V%d handler" % pin)

    def _cloud_command(self, line):
        from blynk_edgent import lifecycle

        lifecycle.command(self, line)

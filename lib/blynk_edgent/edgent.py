"""The :class:`Edgent` object: one state variable, one loop that never blocks long.

States are Blynk.Edgent's (protocol doc section 1.1), as their names:
WAIT_CONFIG and CONFIGURING (config mode: the access point and its portal), SWITCH_TO_STA,
CONNECTING_NET, CONNECTING_CLOUD, RUNNING, RESET_CONFIG and ERROR.

Only what the running device needs stays imported: the settings and the NVM store are used at
start and dropped, config mode's modules are imported when config mode starts.
"""

import sys

from blynk_edgent.clock import ticks_add, ticks_diff, ticks_ms

WAIT_CONFIG = "WAIT_CONFIG"
CONFIGURING = "CONFIGURING"
CONNECTING_NET = "CONNECTING_NET"
CONNECTING_CLOUD = "CONNECTING_CLOUD"
RUNNING = "RUNNING"
OTA_UPGRADE = "OTA_UPGRADE"
SWITCH_TO_STA = "SWITCH_TO_STA"
RESET_CONFIG = "RESET_CONFIG"
ERROR = "ERROR"
INIT = "INIT"

LIBRARY_VERSION = "0.1.0"
BUILD = "Nov 25 2026 00:00:00"  # Blynk's info message wants a C-style build date

_ERROR_REBOOT_MS = 10000
_JOIN_TIMEOUT_S = 15
_CLOUD_TIMEOUT_S = 10


def _unload(*names):
    """Forget modules used once, so that the heap they hold comes back."""
    package = sys.modules.get("blynk_edgent")
    for name in names:
        sys.modules.pop("blynk_edgent." + name, None)
        if package is not None and hasattr(package, name):
            try:
                delattr(package, name)
            except (AttributeError, TypeError):
                pass


def _words(code):
    from blynk_edgent import messages

    text = messages.describe(code)
    _unload("messages")
    return text


class Edgent:
    """Blynk.Edgent for CircuitPython: provisioning, the cloud link, and status.

    Reads ``BLYNK_TEMPLATE_ID``, ``BLYNK_TEMPLATE_NAME`` and ``BLYNK_FIRMWARE_VERSION`` from
    ``settings.toml`` unless given here. The configuration comes from NVM (stored by
    provisioning) or, when NVM holds none, from ``BLYNK_AUTH_TOKEN`` with
    ``CIRCUITPY_WIFI_SSID``/``CIRCUITPY_WIFI_PASSWORD`` in ``settings.toml``; with neither the
    device starts in config mode.

    ``radio`` defaults to the board's own WiFi; ``tls=False`` speaks plain TCP to the cloud
    (settings: ``BLYNK_TLS = 0``); ``backoff_ms`` is the (first, longest) wait between retries.
    """

    def __init__(
        self,
        template_id=None,
        template_name=None,
        firmware_version=None,
        *,
        radio=None,
        nvm=None,
        tls=None,
        vendor_prefix="Blynk",
        backoff_ms=(1000, 30000),
        log=None,
    ):
        from blynk_edgent import settings
        from blynk_edgent.store import ConfigStore

        self.template_id, self.template_name, self.firmware_version = settings.template(
            template_id, template_name, firmware_version
        )
        self.tls = settings.flag("BLYNK_TLS", True) if tls is None else tls
        self.vendor_prefix = vendor_prefix
        self._print = log or print
        self._nvm = nvm
        self.config = ConfigStore(nvm).load()
        self.stored_provisioned = self.config.provisioned
        self.from_settings = False
        if not self.config.provisioned:
            fixed = settings.fixed_config()
            if fixed is not None:
                fixed.last_error = self.config.last_error
                self.config = fixed
                self.from_settings = True
        _unload("settings", "store", "crc")

        if radio is None:
            from blynk_edgent.radio_native import NativeRadio

            radio = NativeRadio()
        self.radio = radio
        self.state = INIT
        self.last_error = self.config.last_error
        self._backoff_first, self._backoff_cap = backoff_ms
        self._attempts = 0
        self._next_try = ticks_ms()
        self._since = self._next_try
        self._write_handlers = {}
        self._connected_handlers = []
        self._state_handlers = []
        self._tickers = []
        self._link = None
        self._portal = None
        self._trial = False
        self._hotspot_reported = False
        self._radio_checked = self._next_try
        self._log(
            "blynk_edgent %s, template %s (%s), firmware %s, radio %s"
            % (LIBRARY_VERSION, self.template_name, self.template_id, self.firmware_version, radio.name)
        )
        if self.config.provisioned:
            self._log(
                "configuration: network %r, cloud %s:%d%s"
                % (
                    self.config.ssid,
                    self.config.host,
                    self.config.port,
                    " (from settings.toml)" if self.from_settings else "",
                )
            )
            self._set_state(CONNECTING_NET)
        else:
            self._enter_config_mode("no configuration stored")

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
        state = self.state
        portal = self._portal
        if portal is not None:
            portal.poll(now)
        if state == CONNECTING_NET:
            self._connect_net(now)
        elif state == CONNECTING_CLOUD:
            self._connect_cloud(now)
        elif state == RUNNING:
            self._running(now)
        elif state == SWITCH_TO_STA:
            if ticks_diff(now, self._since) >= 1000:
                self._set_state(CONNECTING_NET)
        elif state == ERROR:
            if ticks_diff(now, self._since) >= _ERROR_REBOOT_MS and not self._holding():
                self.reboot()
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
        self._set_state(RESET_CONFIG)
        if self._link is not None:
            self._link.close()
        self._store("erase", 0)
        self.config = self._blank()
        self.last_error = 0
        self._enter_config_mode("configuration erased")

    # -- states ----------------------------------------------------------------------------

    def _log(self, text):
        self._print("[edgent] " + text)

    def _set_state(self, state):
        old = self.state
        if state == old:
            return
        self.state = state
        self._since = ticks_ms()
        self._log("state: %s -> %s" % (old, state))
        for handler in self._state_handlers:
            self._call(handler, (old, state), "on_state_change handler")

    def _holding(self):
        # The button module sets this while the reset button is held (postpones the reboot).
        return getattr(self, "button_held", False)

    def _call(self, handler, args, what):
        try:
            handler(*args)
        except Exception as error:  # a bug in user code must not stop the device
            self._log("%s raised %r" % (what, error))

    def _backoff(self, now):
        delay = min(self._backoff_cap, self._backoff_first << min(self._attempts, 10))
        self._attempts += 1
        try:
            from random import randint

            delay = delay // 2 + randint(0, delay // 2)
        except ImportError:
            pass
        self._next_try = ticks_add(now, delay)
        return delay

    def _fail(self, code, reason, now):
        self.last_error = code
        self._log("last_error %d: %s (%s)" % (code, _words(code), reason))
        if self._trial:
            self._trial_failed(code)
            return False
        self._log("retrying in %d ms" % self._backoff(now))
        return True

    def _connect_net(self, now):
        radio = self.radio
        # CircuitPython may have joined already (CIRCUITPY_WIFI_SSID); a configuration on trial
        # is always joined afresh, or a wrong password would pass unnoticed.
        if not self._trial and radio.connected and radio.ssid == self.config.ssid:
            self._net_up(now)
            return
        if ticks_diff(now, self._next_try) < 0:
            return
        self._log("joining network %r" % self.config.ssid)
        from blynk_edgent.apname import hostname

        name = hostname(self.ap_ssid())
        code = radio.join(self.config, _JOIN_TIMEOUT_S, name)
        now = ticks_ms()
        if code:
            self._fail(code, "could not join %r" % self.config.ssid, now)
            return
        self._net_up(now)

    def _net_up(self, now):
        self._log("network %r joined, address %s, signal %s dBm" % (self.config.ssid, self.radio.ip, self.radio.rssi))
        self._attempts = 0
        self._next_try = now
        self._set_state(CONNECTING_CLOUD)

    def _cloud_link(self):
        if self._link is None:
            from blynk_edgent.cloud import CloudLink

            info = (
                "mcu", self.firmware_version, "fw-type", self.template_id, "build", BUILD,
                "blynk", LIBRARY_VERSION, "h-beat", 40, "buff-in", 1024, "dev", _device_name(),
                "ver", LIBRARY_VERSION, "fw", self.firmware_version, "tmpl", self.template_id,
            )  # fmt: skip
            self._link = CloudLink(
                self.config.token,
                self.config.host,
                self.config.port,
                info,
                on_write=self._cloud_write,
                on_command=self._cloud_command,
                log=self._log,
                tls=self.tls,
            )
        return self._link

    def _connect_cloud(self, now):
        if not self.radio.connected:
            self._set_state(CONNECTING_NET)
            return
        from blynk_edgent.cloud import CONNECTED, DISCONNECTED, CloudError

        link = self._cloud_link()
        try:
            if link.state == DISCONNECTED:
                if ticks_diff(now, self._next_try) < 0:
                    return
                self._log("connecting to %s:%d (%s)" % (link.host, link.port, "TLS" if self.tls else "plain TCP"))
                link.open(self.radio.pool, self.radio.ssl_context() if self.tls else None, now, _CLOUD_TIMEOUT_S)
            link.poll(now)
        except CloudError as error:
            self._cloud_failed(error, ticks_ms())
            return
        if link.state == CONNECTED:
            self._logged_in(link, now)

    def _cloud_failed(self, error, now):
        if error.code == 0:  # redirected: log in again at once, elsewhere
            self._next_try = now
            return
        if error.code == 703:
            self.last_error = 703
            self._log("last_error 703: %s (%s)" % (_words(703), error))
            if self._trial:
                self._trial_failed(703)
            else:
                self._store("save", 703)
                self._enter_config_mode("the cloud refused the auth token")
            return
        self._fail(error.code, str(error), now)

    def _logged_in(self, link, now):
        self._attempts = 0
        self._log("logged in to %s as %s..." % (link.host, self.config.token[:4]))
        if not self._hotspot_reported:
            # Blynk's app names the new device after the hotspot it provisioned.
            self._hotspot_reported = True
            link.send(17, ("meta", "set", "Hotspot Name", self.ap_ssid()), now)
        portal = self._portal
        if self.last_error:
            self.last_error = 0
            if portal is None:
                self._store("save", 0)
        self._set_state(RUNNING)
        if portal is not None:
            self._trial = False
            portal.trial_succeeded()
            return
        for handler in self._connected_handlers:
            self._call(handler, (), "on_connected handler")

    def _running(self, now):
        from blynk_edgent.cloud import CloudError

        link = self._link
        if link is None:
            return
        # A dropped network can leave sockets silent rather than failing; ask the radio once
        # a second (on esp32spi each question is an SPI transaction).
        if ticks_diff(now, self._radio_checked) >= 1000:
            self._radio_checked = now
            if not self.radio.connected:
                self._log("network %r lost" % self.config.ssid)
                link.close()
                self._backoff(now)
                self._set_state(CONNECTING_NET)
                return
        try:
            link.poll(now)
        except CloudError as error:
            self._log("cloud link lost: %s" % error)
            self.last_error = error.code or self.last_error
            self._backoff(now)
            self._set_state(CONNECTING_CLOUD if self.radio.connected else CONNECTING_NET)

    def _send(self, command, args, key):
        link = self._link
        if self.state != RUNNING or link is None:
            return False
        from blynk_edgent.cloud import CloudError

        try:
            link.send(command, args, ticks_ms(), key)
        except CloudError as error:
            self._log("cloud link lost while sending: %s" % error)
            self._set_state(CONNECTING_CLOUD)
            return False
        return True

    def _cloud_write(self, pin, values):
        handler = self._write_handlers.get(pin)
        if handler is None:
            self._log("V%d written (%s), no handler" % (pin, ",".join([str(v) for v in values])))
            return
        self._call(handler, values, "V%d handler" % pin)

    def _cloud_command(self, line):
        self._log("command from the cloud: %r" % line)
        if line == "reboot":
            self.reboot()
        elif line in ("config", "config start"):
            self._enter_config_mode("asked by the cloud")
        elif line == "config erase":
            self.reset_config()

    # -- configuration ---------------------------------------------------------------------

    def _blank(self):
        from blynk_edgent.config import Config

        return Config()

    def _stored(self):
        """The configuration NVM holds now (blank when none)."""
        from blynk_edgent.store import ConfigStore

        try:
            config = ConfigStore(self._nvm).load()
        finally:
            _unload("store", "crc")
        return config

    def ap_ssid(self):
        """The name of this device's access point, ``"Blynk <template>-XXXX"``."""
        from blynk_edgent.apname import ap_ssid, chip_id

        name = ap_ssid(self.template_name, chip_id(self.radio.mac, self.radio.esp32_chip_id), self.vendor_prefix)
        _unload("apname")
        return name

    def _store(self, action, last_error):
        """Save (``"save"``) the configuration with ``last_error``, or ``"erase"`` it; never raises."""
        from blynk_edgent.store import ConfigStore

        try:
            store = ConfigStore(self._nvm)
            if action == "erase":
                store.erase(last_error)
                self.stored_provisioned = False
            else:
                stored = store.load()
                if self.config.provisioned and not self.from_settings:
                    stored = self.config
                store.save(stored.replace(last_error=last_error))
                self.stored_provisioned = stored.provisioned
        except (ValueError, RuntimeError) as error:
            self._log("could not store the configuration: %s" % error)
        _unload("store", "crc")

    def _enter_config_mode(self, reason):
        self._log("config mode: %s" % reason)
        if self._link is not None:
            self._link.close()
            self._link = None
        self.radio.leave()  # as Blynk's firmware: config mode starts from the access point alone
        try:
            from blynk_edgent.configmode import ConfigMode
        except ImportError:
            self._log("config mode is not available in this build; stopping")
            self._set_state(ERROR)
            return
        portal = self._portal
        if portal is None:
            portal = self._portal = ConfigMode(self)
        portal.start()
        self._set_state(WAIT_CONFIG)

    def _trial_failed(self, code):
        portal = self._portal
        if portal is not None:
            portal.trial_failed(code)


def _device_name():
    try:
        import os

        return os.uname().machine
    except (ImportError, AttributeError):
        return "CircuitPython"

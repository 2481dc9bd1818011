# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""Every state but RUNNING: config mode's outcome, connecting (joining the network and logging in
to the cloud, which :mod:`~blynk_edgent.online` does), what a failure leads to, erasing, and ERROR
(Blynk's ``ConfigMode.h``).

A :class:`Connecting` exists while the device is not RUNNING: the device makes one at start-up and
whenever it leaves RUNNING, and drops it (with this module, :mod:`blynk_edgent.memory`) once it
runs and config mode, if it was open, has closed. It owns config mode, the test-join's outcome and
the attempts to get online, and it makes every move from state to state (:meth:`Connecting._enter`,
along :data:`~blynk_edgent.states.NEXT`) and every change of ``last_error``, on the device's fields.

Timings are Blynk's where it has them (protocol doc section 1): the answer to ``/config`` gets 1 s
to leave before the access point closes, a test-join's cloud 50 s, ERROR reboots after 10 s.
"""

from blynk_edgent.clock import ticks_diff
from blynk_edgent.errors import CLOUD_TIMEOUT, CLOUD_TOKEN, NETWORK_GENERIC
from blynk_edgent.link import COMMAND, EVENT_LOG, FAILED, REDIRECT
from blynk_edgent.states import (
    CONFIG_MODE,
    CONFIGURING,
    CONNECTING_CLOUD,
    CONNECTING_NET,
    ERROR,
    NEXT,
    RESET_CONFIG,
    RUNNING,
    SWITCH_TO_STA,
    WAIT_CONFIG,
)

try:
    from typing import TYPE_CHECKING
except ImportError:  # CircuitPython: the annotations below are for type checkers only
    TYPE_CHECKING = False  # type: ignore[misc]
if TYPE_CHECKING:
    from blynk_edgent.configmode import ConfigMode
    from blynk_edgent.online import Online

SWITCH_TO_STA_MS = 1000  # the answer to /config leaves before the access point closes
# A test-join's cloud gets this long, attempt after attempt (Blynk's WIFI_CLOUD_CONNECT_TIMEOUT),
# before the configuration is given up: a router's DNS or route may need a moment after DHCP.
TRIAL_CLOUD_MS = 50000
ERROR_REBOOT_MS = 10000  # ERROR reboots after this, unless the reset button is held


class Connecting:
    """The device (an :class:`~blynk_edgent.edgent.Edgent`, whose public fields it reads and whose
    ``state``, ``last_error`` and ``config`` it changes) on its way to RUNNING: ``changed(old)`` is
    the device's to call after a change of state (``old``: the state before) or of ``last_error``
    (None), ``link`` is its cloud link, ``nvm`` where its configuration is stored; ``backoff_ms``
    is the first and longest wait between attempts to get online."""

    def __init__(self, device, changed, link, nvm, backoff_ms, log, clock):
        self.device = device
        self.config_mode: "ConfigMode | None" = None  # while config mode is open
        # NVM holds a configuration to go back to (settings.toml's is used only when it holds none)
        self._stored_provisioned = device.config.provisioned and not device.from_settings
        self._changed = changed
        self._since = clock()  # when the state was entered
        self._link = link
        self._nvm = nvm
        self._backoff_ms = backoff_ms
        self._online: "Online | None" = None  # the attempts to get online, while there are any
        self._log = log
        self._ticks = clock
        self._slices = {
            WAIT_CONFIG: self._serve_config,
            CONFIGURING: self._serve_config,
            SWITCH_TO_STA: self._switch_to_sta,
            CONNECTING_NET: self._connect_net,
            CONNECTING_CLOUD: self._connect_cloud,
            RESET_CONFIG: self._erase,
            ERROR: self._wait_to_reboot,
        }

    @property
    def attempts(self):
        """How many attempts to join the network or reach the cloud have failed in a row."""
        return self._online.attempts if self._online is not None else 0

    # -- how it starts -----------------------------------------------------------------------

    def begin(self):
        """At start-up: join the configured network, or open config mode when there is none."""
        config = self.device.config
        if config.provisioned:
            self._log(
                "configuration: network %r, cloud %s:%d%s"
                % (config.ssid, config.host, config.port, " (from settings.toml)" if self.device.from_settings else "")
            )
            self._enter(CONNECTING_NET)
        else:
            self._open_config_mode("no configuration stored")

    def link_event(self, event, now):
        """What RUNNING's link reported (link.py): a console command, or the link is lost (702,
        tried again after a while) or redirected (tried there at once)."""
        kind, value = event
        if kind == COMMAND:
            self._log("command from the cloud: %r" % value)
            if value == "reboot":
                self.device.reboot()
            elif value in ("config", "config start"):
                self._leave()
                self._open_config_mode("asked by the cloud")
            elif value == "config erase":
                self.reset()
            elif value == "ota":  # CircuitPython cannot flash itself over the air: say so, there too
                self._log("update over the air is not supported on CircuitPython; copy new files over USB")
                self._link.send(EVENT_LOG, ("sys_ota", "Update over the air is not supported on CircuitPython"), None)
        elif kind == FAILED:
            self._log("cloud link lost: %s; trying again in %d ms" % (value, self._get_online().lost(now)))
            self._set_error(CLOUD_TIMEOUT, value)
            self._enter(CONNECTING_CLOUD)
        elif kind == REDIRECT:
            self._enter(CONNECTING_CLOUD)
            failure = self._get_online().redirect(value)
            if failure is not None:
                self._fail(failure[0], failure[1], now)

    def network_lost(self, now):
        """RUNNING lost its network."""
        self._log("network %r lost" % self.device.config.ssid)
        self._get_online().lost(now)
        self._link.close()
        self._enter(CONNECTING_NET)

    def reset(self, held=0):
        """Forget the network and the token (a button held ``held`` ms, ``config erase``, ``/reset``)."""
        if held:
            self._log("reset button held for %d.%d s: erasing the configuration" % (held // 1000, held // 100 % 10))
        if self.device.state not in CONFIG_MODE:
            self._leave()
        self._enter(RESET_CONFIG)

    def _enter(self, state):
        # The one place the state changes: along states.NEXT, logged, told to the device.
        device = self.device
        old = device.state
        if state == old:
            return
        if state not in NEXT[old]:
            raise RuntimeError("blynk_edgent: %s cannot go to %s" % (old, state))
        device.state = state
        self._since = self._ticks()
        self._log("state: %s -> %s" % (old, state))
        self._changed(old)

    def _set_error(self, code, reason):
        # The one place last_error changes after start-up (0: cleared), logged with its words.
        device = self.device
        if code or device.last_error:
            from blynk_edgent.messages import describe

            device.last_error = code
            self._log(
                ("last_error %d: %s (%s)" % (code, describe(code), reason))
                if code
                else "last_error cleared (%s)" % reason
            )
            self._changed(None)

    # -- each poll ---------------------------------------------------------------------------

    def step(self, now):
        """One slice of the current state (any but RUNNING); config mode answers the phone first."""
        mode = self.config_mode
        if mode is not None and mode.serve(now):
            self._close_config_mode()
        self._slices[self.device.state](now)

    def done(self, now):
        """Called while RUNNING: True once nothing is left to do (config mode, if it was open, has
        given the phone its moment and closed)."""
        mode = self.config_mode
        if mode is None:
            return True
        if mode.serve(now):
            self._close_config_mode()
            return True
        return False

    # -- the slices, one per state -------------------------------------------------------------

    def _serve_config(self, now):
        # WAIT_CONFIG, CONFIGURING: go where the phone asks.
        mode = self.config_mode
        asked = mode.asked(now, self.device.state) if mode is not None else None
        if mode is None or asked is None:
            return
        from blynk_edgent.configmode import REBOOT

        if asked == REBOOT:
            self.device.reboot()
        elif asked == SWITCH_TO_STA and mode.submitted is not None:
            config = mode.submitted
            self.device.config = config
            self.device.from_settings = False
            self._online = None  # attempts start afresh with another configuration
            self._link.reset()  # and a redirect does not carry over to it
            if mode.save_first:
                config.provisioned = True
                self._save(0)
            self._enter(SWITCH_TO_STA)
        elif asked == CONNECTING_NET:  # nobody came for 10 minutes: back to the stored network
            self.device.config = self._load()
            self._close_config_mode()
            self._enter(CONNECTING_NET)
        else:
            self._enter(asked)

    def _switch_to_sta(self, now):
        # SWITCH_TO_STA: the answer to /config has left; the access point goes unless a test-join
        # can run beside it.
        if ticks_diff(now, self._since) < SWITCH_TO_STA_MS:
            return
        mode = self.config_mode
        if mode is not None:
            if mode.trial is None:  # save=1: stored, not tried; config mode is over
                self._close_config_mode()
            elif not self.device.radio.ap_beside_station:
                mode.close()
        self._enter(CONNECTING_NET)

    def _connect_net(self, now):
        # CONNECTING_NET: join the configured network.
        mode = self.config_mode
        code = self._get_online().join(now, mode is not None and mode.trial is not None)
        if code:
            self._fail(code, "could not join %r" % self.device.config.ssid, self._ticks())
        elif code == 0:
            self._enter(CONNECTING_CLOUD)

    def _connect_cloud(self, now):
        # CONNECTING_CLOUD: open the link and log in; the answer is awaited without blocking.
        if not self.device.radio.connected:
            self._link.close()
            self._enter(CONNECTING_NET)
            return
        from blynk_edgent.online import LOGGED_IN

        outcome = self._get_online().reach_cloud(now)
        if outcome == LOGGED_IN:
            self._logged_in(now)
        elif outcome is not None:
            self._fail(outcome[0], outcome[1], self._ticks())

    def _erase(self, now):
        # RESET_CONFIG: forget the network and the token, in NVM and in RAM, then config mode.
        from blynk_edgent.config import Config
        from blynk_edgent.store import ConfigStore

        try:
            ConfigStore(self._nvm).erase(0)
            self._stored_provisioned = False
        except (ValueError, RuntimeError) as error:
            self._log("could not erase the configuration: %s" % error)
        self.device.config = Config()
        self.device.from_settings = False
        self._set_error(0, "configuration erased")
        self._open_config_mode("configuration erased")

    def _wait_to_reboot(self, now):
        # ERROR: reboot after 10 s, later while the reset button is held (its release may erase).
        button = self.device.button
        if not (button is not None and button.held_ms) and ticks_diff(now, self._since) >= ERROR_REBOOT_MS:
            self.device.reboot()

    # -- outcomes ------------------------------------------------------------------------------

    def _fail(self, code, reason, now):
        # An attempt to join or log in failed with last_error ``code``: end a test-join (its cloud
        # gets TRIAL_CLOUD_MS of attempts first), enter config mode for a refused token (703,
        # stored so the phone can read why), or retry later.
        mode = self.config_mode
        trial = mode is not None and mode.trial is not None
        left = TRIAL_CLOUD_MS - ticks_diff(now, self._since)
        if trial and code != CLOUD_TOKEN and self.device.state == CONNECTING_CLOUD and left > 0:
            # the last attempt starts as the window closes
            self._log("%s; trying again in %d ms" % (reason, self._get_online().failed(now, left)))
            return
        self._set_error(code, reason)
        if mode is not None and trial:
            # Keep the previous configuration, say why, and reopen config mode for the phone.
            mode.trial_failed(code)
            self._leave()
            self.device.config = self._load()
            self._save(code)
            if not mode.ap_up and not getattr(self.device.radio, "ap_restartable", True):
                self._log(
                    "config mode: this radio cannot reopen its access point; rebooting into %s"
                    % ("the stored configuration" if self._stored_provisioned else "config mode")
                )
                self.device.reboot()
                return
            self._open_config_mode("the configuration did not work")
        elif code == CLOUD_TOKEN:
            self._save(CLOUD_TOKEN)
            self._leave()
            self._open_config_mode("the cloud refused the auth token")
        else:
            self._log("retrying in %d ms" % self._get_online().failed(now))

    def _logged_in(self, now):
        # Logged in: keep a configuration on trial, clear a stored error, run.
        config = self.device.config
        code = self.device.last_error
        self._set_error(0, "the login worked")
        mode = self.config_mode
        if mode is not None and mode.trial is not None:
            config.provisioned = True
            self.device.from_settings = False
            self._save(0)
            mode.trial_succeeded(now)
        elif code:  # NVM holds the error this login overcame
            self._save(0)
        self._enter(RUNNING)

    # -- config mode ---------------------------------------------------------------------------

    def _get_online(self):
        # The attempts to get online, made when the first one starts.
        online = self._online
        if online is None:
            from blynk_edgent.online import Online

            online = self._online = Online(self.device, self._link, self._backoff_ms, self._log, self._ticks)
        return online

    def _leave(self):
        # Close the cloud link and leave the network, for config mode.
        self._link.reset()
        self.device.radio.leave()

    def _open_config_mode(self, reason):
        # Open the access point and its portal (WAIT_CONFIG); a failed access point is ERROR
        # (704), as in Blynk's firmware.
        self._log("config mode: %s" % reason)
        self._online = None  # the attempts to get online are over
        mode = self.config_mode
        if mode is None:
            from blynk_edgent.configmode import ConfigMode

            mode = self.config_mode = ConfigMode(self.device, self._log, self._ticks)
        reason = mode.open(self._stored_provisioned)
        if reason is None:
            self._enter(WAIT_CONFIG)
        else:
            self._set_error(NETWORK_GENERIC, reason)
            self._enter(ERROR)

    def _close_config_mode(self):
        mode = self.config_mode
        if mode is not None:
            mode.close()
            self.config_mode = None

    # -- the stored configuration --------------------------------------------------------------

    def _load(self):
        # The configuration NVM holds now (blank when none).
        from blynk_edgent.store import ConfigStore

        return ConfigStore(self._nvm).load()

    def _save(self, last_error):
        # Store the configuration with ``last_error``: the device's, unless it is not its own
        # (settings.toml's is never stored, nor one not yet provisioned); never raises.
        from blynk_edgent.store import ConfigStore

        try:
            store = ConfigStore(self._nvm)
            config = self.device.config
            if not config.provisioned or self.device.from_settings:
                config = store.load()
            config.last_error = last_error
            store.save(config)
            self._stored_provisioned = config.provisioned
        except (ValueError, RuntimeError) as error:
            self._log("could not store the configuration: %s" % error)

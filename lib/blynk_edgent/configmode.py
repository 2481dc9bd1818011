# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""Config mode: the access point, its portal, and the test-join of what the phone sends.

Blynk's flow, with what no peer does added:

* The device scans (before the AP: on NINA firmware 1.x a scan drops the AP), then opens the AP
  ``"Blynk <template>-XXXX"`` (open, channel 1, 192.168.4.1) with the Blynk app's HTTP API and a
  page for browsers, and answers DNS for every name where the radio can.
* ``/config`` is tried before it is kept (the test-join, :attr:`ConfigMode.trial`): the device
  joins the network and logs in to the cloud; only then is the configuration stored, and the
  device runs on it (``save=1`` keeps Blynk's meaning: store first). On failure ``last_error``
  says exactly why, the previous configuration stays, and config mode resumes so the phone can
  read the reason and try again.
* Where the radio keeps its AP up beside the join (ESP32-S2/S3), the portal keeps answering, so
  the phone sees the attempt as it runs (when it is not dropped while the AP moves to the
  network's channel), and its success until it has read it.
* A device that was already provisioned (config mode asked for by the cloud, or a failed
  re-provisioning) goes back to its stored configuration 10 minutes after config mode opened,
  whatever phones on the access point do: a phone that stays joined, keeps asking for the
  board info or sends configurations that fail cannot hold it offline.
* Options (the README's security section): a captive portal (``Edgent(captive_portal=True)``,
  the setting ``BLYNK_CAPTIVE_PORTAL``) and an access-point password (``BLYNK_AP_PASSWORD``).

This object serves the phone and says what the phone asked for; the device
(:class:`~blynk_edgent.edgent.Edgent`) changes the state.
"""

from blynk_edgent.clock import ticks_add, ticks_diff
from blynk_edgent.states import CONFIG_MODE, CONFIGURING, CONNECTING_NET, RESET_CONFIG, SWITCH_TO_STA, WAIT_CONFIG

try:
    from typing import TYPE_CHECKING
except ImportError:  # CircuitPython: the annotations below are for type checkers only
    TYPE_CHECKING = False  # type: ignore[misc]
if TYPE_CHECKING:
    from blynk_edgent.config import Config

IDLE_FALLBACK_MS = 10 * 60 * 1000
PASSWORD_ALPHABET = "23456789abcdefghijkmnpqrstuvwxyz"  # 32 signs a reader cannot mistake
PASSWORD_LENGTH = 10  # 50 bits
# What the portal may make the device store (a /config, whose outcome is stored, or a /reset):
# this many in any minute, whatever it is sent; each rewrites a whole flash block.
WRITES_PER_MINUTE = 4
PHONE_QUIET_MS = 2 * 60 * 1000  # a radio that cannot count AP clients: the phone is gone after this
# After a test-join worked, the access point stays until a phone has read the outcome (and a
# moment more for the answer to leave), at most SUCCESS_GRACE_MS: an ESP32's access point follows
# the station's channel, so the phone on it was likely dropped during the join and is rejoining
# (hardware-truth.md section 8).
SUCCESS_GRACE_MS = 10000
SUCCESS_READ_MS = 1000
_STATIONS_CHECK_MS = 1000

REBOOT = "reboot"  # what asked() returns for /reboot


class ConfigMode:
    """Config mode of ``device`` (an :class:`~blynk_edgent.edgent.Edgent`, whose public fields the
    portal shows), logging with ``log`` and timed by ``clock`` (the millisecond ticks)."""

    writes_per_minute = WRITES_PER_MINUTE  # what the portal says when it refuses one more

    def __init__(self, device, log, clock):
        self.device = device
        self.ssid = device.ap_ssid
        self.submitted: "Config | None" = None  # the last configuration the phone sent, validated
        self.save_first = False  # it came with save=1: stored before it is tried, and not a trial
        self.trial: "Config | None" = None  # the configuration on trial while a test-join runs
        self.attempt = {"phase": "idle"}  # the last attempt, as /board_info.json shows it
        self.scan_results = []
        self.ap_up = False
        from blynk_edgent import settings

        captive = device.captive_portal
        # a captive portal: every name resolves here, probes and unknown paths get the page
        self.captive = settings.flag("BLYNK_CAPTIVE_PORTAL", False) if captive is None else captive
        password = settings.ap_password()
        from blynk_edgent.apname import host_name

        name = host_name(self.ssid).lower()
        # What a phone on the access point calls the device: who may change it (portal.py).
        self.names = (device.radio.ap_ip, "blynk.setup", name, name + ".local")
        self._made_up = password == settings.RANDOM  # the log shows it: a board may have no screen
        self.password = random_password() if self._made_up else password  # "": open
        self._fallback = False
        self._log = log
        self._ticks = clock
        self._server = None
        self._dns = None
        self._phone = False  # a phone asked for the board info since asked() last looked
        self._asked = None  # SWITCH_TO_STA, RESET_CONFIG or REBOOT, until asked() hands it over
        self._since = clock()  # when a phone last showed itself or left
        # When config mode opened; a failed test-join reopens it without moving this, so that
        # configurations sent to fail cannot hold the device either.
        self._opened = self._since
        self._stations_checked = self._since
        self._closing_at = None  # after a test-join worked: when config mode is done
        self._writes = []  # when the portal's last WRITES_PER_MINUTE writes were asked for

    # -- opening and closing -------------------------------------------------------------------

    def open(self, fallback):
        """Open (or reopen) the access point and the portal. Returns None, or what failed (the
        access point did not start). ``fallback``: the device has a stored configuration to go
        back to after 10 quiet minutes."""
        radio = self.device.radio
        self._fallback = fallback
        self._since = self._stations_checked = self._ticks()
        self._phone = False
        self._asked = None
        self._closing_at = None
        if self.trial is not None:  # a test-join cut short (the reset button): it is over
            self.trial = None
            self.attempt = {"phase": "idle"}
        if not self.ap_up:
            if not self.scan_results:
                self.rescan()
            try:
                radio.start_ap(self.ssid, self.password)  # open by default, as Blynk's: the app joins it so
            except (RuntimeError, OSError, ValueError) as error:
                return "config mode: the access point did not start (%r); rebooting in 10 s" % (error,)
            self.ap_up = True
            self.device.ap_password = self.password or None  # the screen shows it
        if self._server is None:
            from blynk_edgent.httpd import HTTPServer
            from blynk_edgent.portal import handle

            self._server = HTTPServer(radio.pool, lambda request, reply: handle(self, request, reply), log=self._log)
        if self._dns is None and getattr(radio, "captive_dns", False):
            from blynk_edgent.dns import CaptiveDNS

            try:
                self._dns = CaptiveDNS(radio.pool, radio.ap_ip, self.captive)
            except (OSError, RuntimeError) as error:
                self._log("config mode: no captive DNS (%r)" % (error,))
        secret = " (open)"
        if self.password:
            secret = " password %r" % self.password if self._made_up else " with its password"
        self._log("config mode: access point %r%s, portal http://%s/" % (self.ssid, secret, radio.ap_ip))
        return None

    def close(self):
        """Close the portal and the access point (:meth:`open` reopens them)."""
        if self._server is not None:
            self._server.close()
            self._server = None
        if self._dns is not None:
            self._dns.close()
            self._dns = None
        if self.ap_up:
            try:
                self.device.radio.stop_ap()
            except (RuntimeError, OSError):
                pass
            self.ap_up = False
            self.device.ap_password = None

    def rescan(self):
        """Scan for networks; keep the 15 strongest, as Blynk does, each name once (a radio may
        report a network's beacons apart, or several access points of one network)."""
        try:
            found = self.device.radio.scan()  # strongest first
        except (RuntimeError, OSError) as error:
            self._log("config mode: scan failed (%r)" % (error,))
            return
        names = []
        results = []
        for network in found:
            if network[0] not in names:
                names.append(network[0])
                results.append(network)
        self.scan_results = results[:15]

    # -- each poll ---------------------------------------------------------------------------

    def serve(self, now):
        """Answer the phone (the portal, DNS), in whatever state the device is. True once config
        mode is done: a test-join worked and the phone has had its moment to see it."""
        if self._server is not None:
            self._server.poll()
        if self._dns is not None:
            self._dns.poll()
        return self._closing_at is not None and ticks_diff(now, self._closing_at) >= 0

    def asked(self, now, state):
        """What the phone, or its absence, asks of the device in ``state`` (WAIT_CONFIG or
        CONFIGURING): a state to enter, :data:`REBOOT`, or None.

        CONFIGURING once a phone asked for the board info, WAIT_CONFIG once it left, SWITCH_TO_STA
        for a configuration sent (:attr:`submitted`), RESET_CONFIG for ``/reset``, and, for a device
        with a stored configuration, CONNECTING_NET 10 minutes after config mode opened.
        """
        asked = self._asked
        if asked is not None:
            self._asked = None
            return asked
        if self._fallback and ticks_diff(now, self._opened) >= IDLE_FALLBACK_MS:
            self._log("config mode: open for 10 minutes; back to the stored network")
            return CONNECTING_NET
        if self._phone:
            self._phone = False
            if state == WAIT_CONFIG:
                return CONFIGURING
        if state == CONFIGURING and ticks_diff(now, self._stations_checked) >= _STATIONS_CHECK_MS:
            self._stations_checked = now
            clients = self.device.radio.ap_clients
            if clients == 0 or (clients is None and ticks_diff(now, self._since) >= PHONE_QUIET_MS):
                return WAIT_CONFIG
        return None

    # -- the phone's requests, from the portal ---------------------------------------------------

    def accepting(self):
        """True while config mode takes a request that changes the state: in WAIT_CONFIG or
        CONFIGURING, with no test-join and no earlier request waiting."""
        return self.device.state in CONFIG_MODE and self._asked is None and self.trial is None

    def write_wait(self):
        """0 when the portal may ask for one more NVM write now, else the seconds until it may
        (at most :data:`WRITES_PER_MINUTE` in any minute)."""
        writes = self._writes
        if len(writes) < WRITES_PER_MINUTE:
            return 0
        left = 60000 - ticks_diff(self._ticks(), writes[0])
        return 0 if left <= 0 else (left + 999) // 1000

    def _wrote(self):
        # The portal asked for a write: note when, keeping the last WRITES_PER_MINUTE.
        self._writes = self._writes[1 - WRITES_PER_MINUTE :] + [self._ticks()]

    def configuring(self):
        """A phone asked for the board info: it is configuring the device (or, after a test-join
        worked, has read that it did: config mode may end)."""
        self._since = now = self._ticks()
        self._phone = True
        if self._closing_at is not None and ticks_diff(self._closing_at, now) > SUCCESS_READ_MS:
            self._closing_at = ticks_add(now, SUCCESS_READ_MS)

    def submit(self, config, save_first):
        """``/config``: try ``config`` (a validated Config), or store it first with ``save_first``."""
        self._log(
            "config mode: trying network %r, cloud %s:%d%s"
            % (config.ssid, config.host, config.port, " (stored first, save=1)" if save_first else "")
        )
        self._wrote()
        self.attempt = {"phase": "joining", "ssid": config.ssid}
        self.submitted = config
        self.save_first = save_first
        self.trial = None if save_first else config
        self._asked = SWITCH_TO_STA

    def reset(self):
        """``/reset``: forget the configuration and stay in config mode."""
        self._wrote()
        self.attempt = {"phase": "idle"}
        self._asked = RESET_CONFIG

    def reboot_now(self):
        """``/reboot``: restart."""
        self._asked = REBOOT

    # -- the outcome of a test-join ----------------------------------------------------------------

    def trial_failed(self, code):
        """The network or the cloud refused the configuration on trial with ``last_error`` ``code``."""
        self.attempt = {"phase": "failed", "ssid": self.trial.ssid if self.trial else "", "last_error": code}
        self.trial = None

    def trial_succeeded(self, now):
        """Joined and logged in: the configuration is kept; config mode ends once a phone has read
        it, or after SUCCESS_GRACE_MS (at once when the access point is already down)."""
        self.attempt = {"phase": "connected", "ssid": self.trial.ssid if self.trial else ""}
        self.trial = None
        self._closing_at = ticks_add(now, SUCCESS_GRACE_MS if self.ap_up else 0)
        self._log("config mode: the configuration works and is stored; running on it")


def random_password():
    """A new access-point password: :data:`PASSWORD_LENGTH` signs of :data:`PASSWORD_ALPHABET`
    from the board's random source (``os.urandom``: its hardware generator where it has one)."""
    try:
        from os import urandom

        raw = urandom(PASSWORD_LENGTH)
    except (ImportError, NotImplementedError):
        from random import getrandbits

        raw = bytes([getrandbits(8) for _ in range(PASSWORD_LENGTH)])
    return "".join([PASSWORD_ALPHABET[byte & 31] for byte in raw])

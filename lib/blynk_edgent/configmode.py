"""Config mode: the access point, its portal, and the test-join of what the phone sends.

Blynk's flow, with what no peer does added:

* The device scans (before the AP: on NINA firmware 1.x a scan drops the AP), then opens the AP
  ``"Blynk <template>-XXXX"`` (open, channel 1, 192.168.4.1) with the Blynk app's HTTP API and a
  page for browsers, and answers DNS for every name where the radio can.
* ``/config`` is tried before it is kept: the device joins the network and logs in to the cloud;
  only then is the configuration stored, and the device reboots into running mode (``save=1``
  keeps Blynk's meaning: store first). On failure ``last_error`` says exactly why, the previous
  configuration stays, and config mode resumes so the phone can read the reason and try again.
* Where the radio keeps its AP up while it joins (ESP32-S2/S3, NINA 3.x), the portal keeps
  answering, so the phone sees the attempt as it runs.
* A device that was already provisioned (config mode asked for by the cloud, or a failed
  re-provisioning) goes back to its stored configuration after 10 minutes without a phone.
  "Without a phone": none on the AP where the radio can count them; where it cannot (NINA),
  no request for the board info for 2 minutes.
"""

from blynk_edgent import lifecycle
from blynk_edgent.clock import ticks_add, ticks_diff, ticks_ms
from blynk_edgent.errors import NETWORK_GENERIC

IDLE_FALLBACK_MS = 10 * 60 * 1000
PHONE_QUIET_MS = 2 * 60 * 1000  # a radio that cannot count AP clients: the phone is gone after this
_SUCCESS_GRACE_MS = 2000  # the phone on the AP sees "connected" before the reboot
_STATIONS_CHECK_MS = 1000


class ConfigMode:
    """Config mode of one :class:`~blynk_edgent.edgent.Edgent`."""

    def __init__(self, edgent):
        self.edgent = edgent
        self.ssid = lifecycle.ap_ssid(edgent)
        self.scan_results = []
        self.attempt = {"phase": "idle"}
        self._server = None
        self._dns = None
        self._ap_up = False
        self._since = ticks_ms()
        self._stations_checked = self._since
        self._reboot_at = None

    # -- lifecycle -------------------------------------------------------------------------

    def start(self):
        """Open (or reopen) the access point and the portal; False when the access point failed.

        A failed access point is ERROR (704), as in Blynk's firmware: the board reboots after
        10 s, unless the reset button is held, which erases the configuration instead.
        """
        edgent = self.edgent
        radio = edgent.radio
        self._since = ticks_ms()
        if not self._ap_up:
            if not self.scan_results:
                self.rescan()
            try:
                radio.start_ap(self.ssid, "")  # open, as Blynk's: the app joins it without a password
            except (RuntimeError, OSError, ValueError) as error:
                reason = "config mode: the access point did not start (%r); rebooting in 10 s" % (error,)
                lifecycle.set_last_error(edgent, NETWORK_GENERIC, reason)
                lifecycle.set_state(edgent, lifecycle.ERROR)
                return False
            self._ap_up = True
        if self._server is None:
            from blynk_edgent.httpd import HTTPServer
            from blynk_edgent.portal import handle

            self._server = HTTPServer(radio.pool, lambda request, reply: handle(self, request, reply), log=edgent._log)
        if self._dns is None and getattr(radio, "captive_dns", False):
            from blynk_edgent.dns import CaptiveDNS

            try:
                self._dns = CaptiveDNS(radio.pool, radio.ap_ip)
            except (OSError, RuntimeError) as error:
                edgent._log("config mode: no captive DNS (%r)" % (error,))
        edgent._log("config mode: access point %r, portal http://%s/" % (self.ssid, radio.ap_ip))
        return True

    def stop(self):
        """Close the portal and the access point."""
        if self._server is not None:
            self._server.close()
            self._server = None
        if self._dns is not None:
            self._dns.close()
            self._dns = None
        if self._ap_up:
            try:
                self.edgent.radio.stop_ap()
            except (RuntimeError, OSError):
                pass
            self._ap_up = False

    def rescan(self):
        """Scan for networks; keep the 15 strongest, as Blynk does."""
        try:
            self.scan_results = self.edgent.radio.scan()[:15]
        except (RuntimeError, OSError) as error:
            self.edgent._log("config mode: scan failed (%r)" % (error,))

    def poll(self, now):
        """Serve the portal; keep the states and timers of config mode."""
        edgent = self.edgent
        if self._server is not None:
            self._server.poll()
        if self._dns is not None:
            self._dns.poll()
        state = edgent.state
        if self._reboot_at is not None and ticks_diff(now, self._reboot_at) >= 0:
            self.stop()
            edgent.reboot()
            return
        if state == lifecycle.SWITCH_TO_STA and self._ap_up and not (edgent._trial and edgent.radio.ap_and_station):
            # Blynk tears the AP down here; we keep it only for a test-join the radio can run
            # beside it. By now the answer to /config has left.
            if ticks_diff(now, edgent._since) >= 500:
                self.stop()
        if state == lifecycle.CONFIGURING and ticks_diff(now, self._stations_checked) >= _STATIONS_CHECK_MS:
            self._stations_checked = now
            clients = edgent.radio.ap_clients
            if clients == 0 or (clients is None and ticks_diff(now, self._since) >= PHONE_QUIET_MS):
                if clients == 0:
                    self._since = now  # the phone has left: the ten quiet minutes start now
                lifecycle.set_state(edgent, lifecycle.WAIT_CONFIG)
        if state == lifecycle.WAIT_CONFIG and edgent.stored_provisioned:
            if ticks_diff(now, self._since) >= IDLE_FALLBACK_MS:
                edgent._log("config mode: nobody came for 10 minutes; back to the stored network")
                self._reboot_at = now

    # -- the phone's requests --------------------------------------------------------------

    def configuring(self):
        """A phone asked for the board info: it is configuring us."""
        self._since = ticks_ms()
        if self.edgent.state == lifecycle.WAIT_CONFIG:
            lifecycle.set_state(self.edgent, lifecycle.CONFIGURING)

    def submit(self, config, save_first):
        """Try ``config`` (a validated Config): join, log in, and only then keep it."""
        edgent = self.edgent
        edgent._log(
            "config mode: trying network %r, cloud %s:%d%s"
            % (config.ssid, config.host, config.port, " (stored first, save=1)" if save_first else "")
        )
        self.attempt = {"phase": "joining", "ssid": config.ssid}
        edgent.config = config
        edgent.from_settings = False
        edgent._attempts = 0
        edgent._next_try = ticks_ms()
        if save_first:
            config.provisioned = True
            lifecycle.store(edgent, "save", 0)
            edgent._trial = False
        else:
            edgent._trial = True
        lifecycle.set_state(edgent, lifecycle.SWITCH_TO_STA)

    def reset(self):
        """``/reset``: forget the configuration and stay in config mode."""
        lifecycle.erase(self.edgent)
        self.attempt = {"phase": "idle"}
        lifecycle.set_state(self.edgent, lifecycle.WAIT_CONFIG)

    def reboot_now(self):
        """``/reboot``: restart at once."""
        self._reboot_at = ticks_ms()

    # -- outcome of a test-join --------------------------------------------------------------

    def trial_failed(self, code):
        """The network or the cloud refused: keep the previous configuration, say why, resume.

        (lifecycle.fail, the one caller, has set ``last_error`` to ``code`` already.)
        """
        edgent = self.edgent
        self.attempt = {"phase": "failed", "ssid": edgent.config.ssid, "last_error": code}
        lifecycle.leave(edgent)
        edgent.config = lifecycle.stored(edgent)
        lifecycle.store(edgent, "save", code)
        if not self._ap_up and not getattr(edgent.radio, "ap_restartable", True):
            edgent._log(
                "config mode: this radio cannot reopen its access point; rebooting into %s"
                % ("the stored configuration" if edgent.stored_provisioned else "config mode")
            )
            self._reboot_at = ticks_ms()
            return
        if self.start():
            lifecycle.set_state(edgent, lifecycle.WAIT_CONFIG)

    def trial_succeeded(self):
        """Joined and logged in: keep the configuration, tell the cloud our hotspot name, reboot."""
        edgent = self.edgent
        edgent.config.provisioned = True
        lifecycle.store(edgent, "save", 0)
        self.attempt = {"phase": "connected", "ssid": edgent.config.ssid}
        edgent._log("config mode: configuration works and is stored; rebooting into running mode")
        self._reboot_at = ticks_add(ticks_ms(), _SUCCESS_GRACE_MS if self._ap_up else 0)

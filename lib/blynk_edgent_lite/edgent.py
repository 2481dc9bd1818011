# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The lite edition's device: the same user API as ``blynk_edgent.Edgent`` where it can
(``on_virtual_write``, ``virtual_write``, ``on_connected``, ``poll``/``run``, ``state``,
``last_error``), on a board whose NINA module keeps the configuration in its own flash.

Config mode and running mode never share the heap: a start without a configuration loads the
portal and never the cloud link; ``/config`` stores the configuration and resets the board, which
then starts in running mode and never loads the portal. ``/reset``, a refused token (703) or the
reset button held 10 s erase it and reset the board into config mode.
"""

import time

from supervisor import ticks_ms

from blynk_edgent_lite.nina import Nina
from blynk_edgent_lite.store import FileStore

HOLD_MS = 10000  # the reset button held this long erases the configuration
JOIN_MS = 50000  # Blynk's join time
RETRY_MS = 5000
_NINA_PINS = ("SCK", "MOSI", "MISO", "CS", "BUSY", "RESET", "GPIO0")  # board.ESP_*: the Nano 33 IoT's


def _elapsed(since):
    return (ticks_ms() - since) & 0x1FFFFFFF


def _number(digits):
    # int(bytes) is CPython's only: the leading digits' value (0 for none).
    value = 0
    for digit in digits[:5]:
        if not 0x30 <= digit <= 0x39:
            break
        value = value * 10 + digit - 0x30
    return value


def _bytes(text):
    return text if isinstance(text, bytes) else bytes(text, "utf-8")


class Edgent:
    """Blynk.Edgent on a SAMD21 board with a NINA module (Arduino Nano 33 IoT); ``button`` is a
    pin with a button to ground (held 10 s: set up again), ``log`` takes a line of text."""

    def __init__(self, template_id, template_name, firmware_version="0.1.0", button=None, log=print):
        import board
        import busio
        from digitalio import DigitalInOut, Pull

        self._log = log
        self._template = (_bytes(template_id), _bytes(template_name), _bytes(firmware_version))
        self.state = "INIT"
        self.last_error = 0
        self._handlers = {}
        self._on_connected = []
        self._link = None  # the cloud link, made at the first login (running mode only)
        self._portal = None
        self._since = ticks_ms()
        self._button = None
        self._pressed = None
        if button is not None:
            self._button = DigitalInOut(button)
            self._button.switch_to_input(Pull.UP)
        sck, mosi, miso, cs, busy, reset, gpio0 = (getattr(board, "ESP_" + name) for name in _NINA_PINS)
        nina = Nina(
            busio.SPI(sck, mosi, miso), DigitalInOut(cs), DigitalInOut(busy), DigitalInOut(reset), DigitalInOut(gpio0)
        )
        nina.reset()
        version = nina.version()
        numbers = [_number(part) for part in version.split(b".")[:2]]
        if len(numbers) < 2 or numbers < [1, 4]:
            raise RuntimeError(
                "blynk_edgent_lite: the NINA module runs firmware %r; the configuration lives in its "
                "file store, which needs 1.4.0 or later: update it (Arduino IDE: WiFiNINA firmware updater)" % version
            )
        self._nina = nina
        self._store = FileStore(nina)
        self._config = self._store.load()
        self.mac = nina.mac()
        log("[edgent] lite: NINA firmware %r, %s" % (version, "configured" if self._config else "no configuration"))
        if self._config is None:
            self._open_config_mode()
        else:
            self._enter("CONNECTING_NET")

    # -- the user's API ------------------------------------------------------------------------

    def on_virtual_write(self, pin):
        """Decorator: call the function with the value (text) the cloud writes to virtual pin ``pin``
        (a list of them for several)."""

        def register(handler):
            def call(values):
                texts = [str(value, "utf-8") for value in values]
                handler(texts[0] if len(texts) == 1 else texts)

            self._handlers[int(pin)] = call
            return handler

        return register

    def on_connected(self, handler):
        """Decorator: call ``handler()`` each time the device has logged in to the cloud."""
        self._on_connected.append(handler)
        return handler

    def virtual_write(self, pin, value):
        """Send ``value`` to virtual pin ``pin`` (dropped unless RUNNING)."""
        link = self._link
        if self.state == "RUNNING" and link is not None:
            try:
                link.virtual_write(pin, value)
            except OSError:
                pass

    @property
    def connected(self):
        """True while logged in to the cloud."""
        return self.state == "RUNNING"

    def run(self):
        """Poll for ever."""
        while True:
            self.poll()

    def poll(self):
        """One slice of work."""
        self._check_button()
        state = self.state
        if state == "WAIT_CONFIG":
            self._serve()
        elif state == "CONNECTING_NET":
            self._join()
        elif state == "CONNECTING_CLOUD":
            self._login()
        elif state == "RUNNING":
            self._run_link()

    def _run_link(self):
        # RUNNING: the link reads what came; a link gone down is made again, or the network first.
        link = self._link
        if link is None:
            return
        try:
            link.poll()
            up = link.up
        except OSError:
            up = False
        if not up:
            link.close()
            self._enter("CONNECTING_NET" if self._nina.status() != 3 else "CONNECTING_CLOUD")

    def reboot(self):
        """Reset the board."""
        import microcontroller

        microcontroller.reset()

    # -- the states ----------------------------------------------------------------------------

    def _enter(self, state):
        self._log("[edgent] state: %s -> %s" % (self.state, state))
        self.state = state
        self._since = ticks_ms()
        self._asked = False

    def _join(self):
        if not self._asked:
            self._asked = True
            self._nina.join(self._config[0], self._config[1])
            return
        if self._nina.status() == 3:
            self._enter("CONNECTING_CLOUD")
        elif _elapsed(self._since) > JOIN_MS:
            self.last_error = 701
            self._log("[edgent] could not join %r" % self._config[0])
            self._enter("CONNECTING_NET")

    def _login(self):
        if self._asked and _elapsed(self._since) < RETRY_MS:
            return
        self._asked = True
        self._since = ticks_ms()
        from blynk_edgent_lite.running import LOGGED_IN, REFUSED, Link

        link = self._link
        if link is None:
            template_id, _, firmware = self._template
            info = (b"mcu", firmware, b"fw-type", template_id, b"blynk", b"1.4.0", b"dev", b"Arduino Nano 33 IoT")
            _, _, token, host, port = self._config
            link = self._link = Link(self._nina, token, host, port, info + (b"tmpl", template_id))
            link.handlers.update(self._handlers)
        outcome = link.login()
        if outcome == LOGGED_IN:
            self.last_error = 0
            self._enter("RUNNING")
            for handler in self._on_connected:
                handler()
        elif outcome == REFUSED:
            self.last_error = REFUSED
            self._log("[edgent] the cloud refused the token (703): config mode")
            self._store.erase()
            self.reboot()
        else:
            self.last_error = outcome
            self._log("[edgent] could not reach %r (%d); trying again" % (self._config[3], outcome))

    # -- config mode ---------------------------------------------------------------------------

    def _open_config_mode(self):
        from blynk_edgent_lite.apname import ap_ssid

        self.networks = self._nina.scan()  # before the access point: a scan on 1.x drops it
        self.template_id, self.template_name, self.firmware = self._template
        self.ap_ssid = bytes(ap_ssid(str(self.template_name, "utf-8"), self.mac), "utf-8")
        self.ap_mac = self.mac[:5] + bytes(((self.mac[5] + 1) & 0xFF,))
        self.pending = None  # what /config asked to store
        self._nina.start_ap(self.ap_ssid)
        self._server = self._nina.socket()
        self._nina.listen(self._server, 80)
        self._log("[edgent] config mode: access point %r, portal http://192.168.4.1/" % self.ap_ssid)
        self._enter("WAIT_CONFIG")

    def _serve(self):
        from blynk_edgent_lite.portal import answer

        nina = self._nina
        client = nina.accept(self._server)
        if client is None:
            return
        request = b""
        start = ticks_ms()
        while b"\r\n" not in request and _elapsed(start) < 2000:
            count = nina.available(client)
            if count:
                request += nina.recv(client, min(count, 255))
            elif not nina.connected(client):
                break
        line = request[: request.find(b"\r\n")] if b"\r\n" in request else request
        status, body, then = answer(line, self)
        head = b"HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n"
        nina.send(client, head % (status, b"OK" if status == 200 else b"Error", len(body)) + body)
        time.sleep(0.05)  # let the answer leave before the socket goes
        nina.close(client)
        config = self.pending
        if then == b"save" and config is not None:
            self._store.save(*config)
            self._log("[edgent] configuration stored: network %r; resetting" % config[0])
            self.reboot()
        elif then == b"erase":
            self._store.erase()
            self.reboot()
        elif then == b"reboot":
            self.reboot()

    # -- the reset button ----------------------------------------------------------------------

    def _check_button(self):
        if self._button is None:
            return
        if self._button.value:  # released (pulled up)
            self._pressed = None
        elif self._pressed is None:
            self._pressed = ticks_ms()
        elif _elapsed(self._pressed) >= HOLD_MS:
            self._log("[edgent] reset button held 10 s: configuration erased")
            self._store.erase()
            self.reboot()

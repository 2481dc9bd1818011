"""The :class:`Edgent` object: one state variable, one loop that never blocks long, and while the
device runs, the hot path of its link to Blynk.Cloud.

States are Blynk.Edgent's (protocol doc section 1.1), as their names: WAIT_CONFIG and
CONFIGURING (config mode), SWITCH_TO_STA, CONNECTING_NET, CONNECTING_CLOUD, RUNNING,
RESET_CONFIG and ERROR (all but RUNNING are defined in :mod:`~blynk_edgent.lifecycle`).

Only what a RUNNING device does every second stays in RAM: this module (the public API, the
frame codec, and reading, answering and sending frames within Blynk's heartbeat and rate limit),
the clock, the Config, the radio's core and the board's tickers. Everything else is imported for
the moment it is needed and dropped after: start-up (:mod:`~blynk_edgent.boot`), connecting,
recovering and the link's rare frames (:mod:`~blynk_edgent.lifecycle`,
:mod:`~blynk_edgent.cloud`), config mode. The link lives in this class rather than in objects of
its own (a link and a frame reader, each with its copy of the state), and what runs once (the
fields ``__init__`` sets) is boot.py's: with the native radio the running mode's heap went from
16.6 KB to about 9.4 KB, as ``make bench`` measures (bench/README.md).
"""

import sys
from struct import pack, unpack_from

from micropython import const

from blynk_edgent.clock import ticks_diff, ticks_ms

try:
    from typing import Any
except ImportError:  # CircuitPython: the annotations below are for type checkers only
    pass

RUNNING = "RUNNING"  # the other states are lifecycle.py's

# The reset button's hold (protocol doc section 5.2), shared by the button, the LED and the screen:
# feedback from 3 s, the erase on a release after 10 s.
HOLD_FEEDBACK_MS = 3000
HOLD_ACTION_MS = 10000

HEARTBEAT_MS = const(40000)  # announced in the info message (cloud.py)
TIMEOUT_MS = const(6000)  # Blynk's BLYNK_TIMEOUT_MS: the login's answer, ping spacing, a stuck send
_MSG_LIMIT = const(15)  # outgoing HARDWARE-class messages per second (BLYNK_MSG_LIMIT)


def unload(*names):
    """Forget the blynk_edgent modules ``names``, so that the heap they hold comes back."""
    package = sys.modules.get("blynk_edgent")
    for name in names:
        if sys.modules.pop("blynk_edgent." + name, None) is not None and package is not None:
            try:
                delattr(package, name)
            except (AttributeError, TypeError):
                pass


def frame(command, msg_id, args=()):
    """Return the bytes of one Blynk frame: a 5-byte big-endian header (command, message id,
    length) and the ``args`` (str, int, float or bytes) joined by NUL. A RESPONSE (command 0)
    has no body: ``args`` is its status, which travels in the length field.
    """
    if command:
        parts = []
        for arg in args:
            if isinstance(arg, float):
                # Blynk's C library sends up to 7 decimals, trailing zeros dropped; str() of a
                # float can give an exponent or, on the 32-bit floats of most boards, fewer digits.
                arg = ("%.7f" % arg).rstrip("0").rstrip(".")
            parts.append(arg if isinstance(arg, (bytes, bytearray)) else str(arg).encode())
        body = b"\x00".join(parts)
        size = len(body)
        if size > 0xFFFF:
            raise ValueError("body: at most 65535 bytes, got %d" % size)
    else:
        body, size = b"", args
    return pack(">BHH", command, msg_id, size) + body


def next_frame(buf, fill):
    """Cut the first frame out of ``buf[:fill]``, bytes a server sent.

    Returns None while the frame is incomplete, else ``(command, msg_id, body, size)``: ``body``
    is the body's bytes, or the status of a RESPONSE; ``size`` how many bytes the frame took.
    Raises ValueError for what a server never sends: an unknown command, a message id of 0, or
    a body that does not fit ``buf`` (whose length is the header plus the ``buff-in`` announced).
    """
    if fill < 5:
        return None
    command, msg_id, length = unpack_from(">BHH", buf)
    # RESPONSE, PING, BRIDGE, INTERNAL, HARDWARE, REDIRECT, DEBUG_PRINT
    if command not in (0, 6, 15, 17, 20, 41, 55):
        raise ValueError("unknown command %d" % command)
    if not msg_id:
        raise ValueError("message id 0")
    if not command:
        return 0, msg_id, length, 5
    if length > len(buf) - 5:
        raise ValueError("packet too big: %d bytes, buff-in is %d" % (length, len(buf) - 5))
    if fill < 5 + length:
        return None
    return command, msg_id, bytes(buf[5 : 5 + length]), 5 + length


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

    # Declared for type checkers (CircuitPython ignores these lines); boot.py sets them all.
    state: str
    last_error: int
    radio: "Any"
    config: "Any"
    template_id: str
    template_name: str
    firmware_version: str
    tls: bool
    vendor_prefix: str
    stored_provisioned: bool
    from_settings: bool
    _print: "Any"
    _handlers: "dict[Any, Any]"
    _tickers: "list[Any]"
    _sock: "Any"
    _buf: "Any"
    _config_mode: "Any"
    _cloud: "Any"
    _ap_ssid: "Any"
    _pending: "Any"
    _fill: int
    _id: int
    _reply: int
    _sent: int
    _heard: int
    _told: int
    _pinged: int
    _window: int
    _checked: int

    def __init__(self, template_id=None, template_name=None, firmware_version=None, **options):
        # Start-up, and the fields it gives this object, are boot.py's: run once, then dropped.
        from blynk_edgent import boot

        boot.start(self, template_id, template_name, firmware_version, options)

    # -- public API ------------------------------------------------------------------------

    def on_virtual_write(self, pin):
        """Decorator: call the function with the values (text) the cloud writes to virtual pin ``pin``."""

        def register(handler):
            self._handlers[int(pin)] = handler
            return handler

        return register

    def on_connected(self, handler):
        """Decorator: call ``handler()`` each time the device has logged in to the cloud."""
        self._handlers["connected"].append(handler)
        return handler

    def on_state_change(self, handler):
        """Decorator: call ``handler(old, new)`` with the state names on every change."""
        self._handlers["state"].append(handler)
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
        if self._config_mode is not None:
            self._config_mode.poll(now)
        if self.state != RUNNING:
            self._lifecycle("step", now)
        else:
            # A dropped network can leave sockets silent rather than failing: ask the radio once
            # a second (on esp32spi each question is an SPI transaction).
            if ticks_diff(now, self._checked) >= 1000:
                self._checked = now
                if not self.radio.connected:
                    self._lifecycle("lost", "network", None, now)
            self._receive(now)
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
        # Self-contained: a reboot is often the answer to low memory, so it imports nothing big.
        self._log("rebooting")
        if self._sock is not None:
            try:
                self._sock.close()
            except OSError:
                pass
        import microcontroller

        microcontroller.reset()

    def reset_config(self):
        """Forget the network and the token, as a 10 s button hold does, and enter config mode."""
        self._lifecycle("reset_config")

    # -- what the rest of the library calls --------------------------------------------------

    def _lifecycle(self, name, *args):
        # Every moment but the running one is lifecycle.py's, imported only when one comes.
        from blynk_edgent import lifecycle

        return getattr(lifecycle, name)(self, *args)

    def _log(self, text):
        self._print("[edgent] " + text)

    def _call(self, handler, args, what):
        try:
            handler(*args)
        except Exception as error:  # a bug in user code must not stop the device
            self._log("%s raised %r" % (what, error))

    # -- the link's hot path -------------------------------------------------------------------

    def _receive(self, now):
        # Read and answer whatever has arrived, keep the heartbeat; never blocks. A failure
        # goes to lifecycle.lost (with a word for it; cloud.py has the sentence), which closes
        # the socket: every loop here ends when it is gone.
        buf = self._buf
        while self._sock is not None:
            try:
                count = self._sock.recv_into(memoryview(buf)[self._fill :])
            except OSError as error:
                # EAGAIN, ETIMEDOUT: nothing yet. (Not error.errno: CircuitPython raises OSError(11),
                # whose errno CPython, which runs the simulator, leaves None.)
                if error.args and error.args[0] in (11, 110):
                    break
                return self._lifecycle("lost", "recv", error, now)
            if not count:
                return self._lifecycle("lost", "closed", None, now)
            self._heard = now
            self._fill += count
            while self._sock is not None:
                try:
                    item = next_frame(buf, self._fill)
                except ValueError as error:
                    return self._lifecycle("lost", "corrupt", error, now)
                if item is None:
                    break
                size = item[3]
                self._fill -= size
                buf[: self._fill] = buf[size : size + self._fill]
                self._frame(item[0], item[1], item[2], now)
        if self.state != RUNNING:
            return  # logging in: lifecycle keeps the time
        if self._sock is None:  # whatever dropped it without saying so, RUNNING cannot go on
            return self._lifecycle("lost", "closed", None, now)
        quiet = ticks_diff(now, self._heard)
        if quiet > HEARTBEAT_MS + 3 * TIMEOUT_MS:
            return self._lifecycle("lost", "heartbeat", quiet, now)
        if (quiet > HEARTBEAT_MS or ticks_diff(now, self._told) > HEARTBEAT_MS) and ticks_diff(
            now, self._pinged
        ) > TIMEOUT_MS:
            self._pinged = now
            self._write(frame(6, self._next_id()), now)  # PING
        if self._pending and not 0 <= ticks_diff(now, self._window) < 1000:
            from blynk_edgent import cloud

            cloud.flush(self, now)

    def _frame(self, command, msg_id, body, now):
        if command == 6:  # PING: answer OK with its id
            self._write(frame(0, msg_id, 200), now)
            return
        if not command and self.state == RUNNING:
            return  # answers to what we sent
        if command in (15, 20):  # BRIDGE, HARDWARE: "vw", pin, values
            try:
                args = body.decode().split("\x00")
                pin = int(args[1]) if args[0] == "vw" and 0 < len(args[1]) <= 5 and args[1].isdigit() else -1
            except (UnicodeError, ValueError, IndexError):  # not UTF-8, no pin, a digit int() refuses
                pin = -1
            if pin >= 0:
                handler = self._handlers.get(pin)
                if handler is None:
                    self._log("V%d written, no handler" % pin)
                    return
                self._reply = msg_id  # what the handler sends answers with this id
                self._call(handler, args[2:], "V%d handler" % pin)
                self._reply = 0
                return
        if command == 17 and body[:4] not in (b"dbg\x00", b"ota\x00"):
            return  # INTERNAL acon, adis, rtc, meta...: news the device does not act on
        # The login's answer, INTERNAL dbg and ota, REDIRECT, DEBUG_PRINT, other hardware commands.
        from blynk_edgent import cloud

        cloud.handle(self, command, msg_id, body, now)
        if self.state == RUNNING:
            # Still running: drop what the frame needed (a console line runs lifecycle, a redirect
            # checks its host and port with validate and errors).
            unload("cloud", "lifecycle", "validate", "errors")

    def _next_id(self):
        if self._reply:
            return self._reply
        self._id = self._id % 0xFFFF + 1
        return self._id

    def _write(self, data, now):
        view = memoryview(data)
        while view and self._sock is not None:
            try:
                view = view[self._sock.send(view) :]
            except OSError as error:
                # EAGAIN, ETIMEDOUT: the socket is busy; wait for it, for a while
                if not (error.args and error.args[0] in (11, 110)) or ticks_diff(ticks_ms(), now) > TIMEOUT_MS:
                    self._lifecycle("lost", "send", error, now)
        self._told = now

    def _send(self, command, args, key):
        # Blynk spaces HARDWARE-class messages to 15 a second; over the limit, cloud.defer keeps
        # the newest value per key for the next second instead of losing it or blocking.
        if self.state != RUNNING or self._sock is None:
            return False
        now = ticks_ms()
        if 15 <= command <= 20:
            # A new second; "not below 1000" would miss one that is days old, past the ticks' wrap.
            if not 0 <= ticks_diff(now, self._window) < 1000:
                self._window = now
                self._sent = 0
            if self._sent >= _MSG_LIMIT:
                from blynk_edgent import cloud

                cloud.defer(self, command, args, key)
                return True
            self._sent += 1
            if self._pending:
                self._pending.pop(key, None)  # stale now: the newer value goes out first
        self._write(frame(command, self._next_id(), args), now)
        return self.state == RUNNING

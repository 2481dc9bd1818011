# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""Blynk's device protocol (protocol doc section 6): its frames, and the link to Blynk.Cloud that
speaks it while it is up: it reads and answers what the server sends, hands virtual-pin writes to
their handlers, keeps the heartbeat, and sends what the device writes within Blynk's rate limit.

A frame is a 5-byte big-endian header (command, message id, length) and a body of arguments
joined by NUL; a RESPONSE has no body, its status travels in the length field (:func:`frame`,
:func:`next_frame`: pure code).

:class:`CloudLink` owns its socket, its read buffer, its message ids, its timers and its rate
limit. Connecting and logging in are :mod:`~blynk_edgent.connecting`'s: it gives the link a
connected socket (:meth:`CloudLink.start`), sends the login through it (:meth:`CloudLink.write`),
reads the answer from :meth:`CloudLink.poll`, and says when the login was accepted
(:attr:`CloudLink.logged_in`). The link never blocks.
What the device must act on comes back from ``poll`` as an event ``(kind, value)``:

* ``(ANSWER, status)``: the server's answer to the login;
* ``(FAILED, reason)``: the link is closed (``last_error`` 702: the cloud was lost);
* ``(REDIRECT, text)``: the server asks the device to log in elsewhere (``host\\0port``); closed;
* ``(COMMAND, line)``: a console line from the cloud (INTERNAL ``dbg``), or ``"ota"`` for an
  update over the air (INTERNAL ``ota``).
"""

from errno import EAGAIN, ENOTCONN, ETIMEDOUT
from struct import pack, unpack_from

from micropython import const

from blynk_edgent.clock import ticks_diff

# Command codes (section 6.3): those others send through the link, then those only the link meets
HARDWARE = const(20)
SYNC = const(16)  # HARDWARE_SYNC: "vr" and pins
PROPERTY = const(19)
EVENT_LOG = const(64)
INTERNAL = const(17)
_RESPONSE = const(0)
_PING = const(6)
_BRIDGE = const(15)
_REDIRECT = const(41)
_DEBUG_PRINT = const(55)
# Statuses (section 6.4)
OK = const(200)
_ILLEGAL_COMMAND = const(2)

_HEADER = const(5)

BUFF_IN = 1024  # the largest body the device takes, announced as buff-in
HEARTBEAT_MS = 40000  # announced as h-beat
TIMEOUT_MS = 6000  # Blynk's BLYNK_TIMEOUT_MS: the login's answer, ping spacing, a stuck send
_MSG_LIMIT = const(15)  # outgoing HARDWARE-class messages per second (BLYNK_MSG_LIMIT)

# The kinds of event poll() returns
ANSWER = const(1)
FAILED = const(2)
REDIRECT = const(3)
COMMAND = const(4)

# Nothing to read yet, or the socket is busy. By name: CircuitPython's numbers are newlib's,
# not Linux's (ETIMEDOUT is 116 there; hardware-truth.md section 6).
_NO_DATA = (EAGAIN, ETIMEDOUT)


def frame(command, msg_id, args=()):
    """Return the bytes of one frame carrying ``args`` (str, int, float or bytes); for a RESPONSE
    (command 0), ``args`` is its status."""
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
    if fill < _HEADER:
        return None
    command, msg_id, length = unpack_from(">BHH", buf)
    if command not in (_RESPONSE, _PING, _BRIDGE, INTERNAL, HARDWARE, _REDIRECT, _DEBUG_PRINT):  # a server's
        raise ValueError("unknown command %d" % command)
    if not msg_id:
        raise ValueError("message id 0")
    if not command:
        return 0, msg_id, length, _HEADER
    if length > len(buf) - _HEADER:
        raise ValueError("packet too big: %d bytes, buff-in is %d" % (length, len(buf) - _HEADER))
    if fill < _HEADER + length:
        return None
    return command, msg_id, bytes(buf[_HEADER : _HEADER + length]), _HEADER + length


class CloudLink:
    """One device's link to Blynk.Cloud; ``log`` takes a line of text, ``clock`` returns the
    millisecond ticks."""

    def __init__(self, log, clock):
        self.handlers = {}  # virtual pin number -> the function its writes go to
        self.logged_in = False  # the server accepted the login (set by whoever read its answer)
        self.redirect = None  # (host, port) a REDIRECT moved the link to; kept until reset()
        self.hotspot_reported = False  # the cloud has the access point's name (once a boot)
        self.opened_at = 0  # when the link last started
        self.flaps = 0  # links in a row that were lost within a minute of starting (connecting.py)
        self._log = log
        self._ticks = clock
        self._sock = None
        self._buf: "bytearray | None" = None  # the header plus buff-in, made when the link starts
        self._fill = 0  # how much of the buffer holds bytes not yet cut into frames
        self._id = 0  # the last message id
        self._reply = 0  # while a handler runs: the id of the write it answers
        self._event = None  # what poll() reports next
        # When the link was last heard and sent, last pinged, and when the rate limit's second
        # began; how many messages went out in that second, and what waits for the next.
        self._heard = self._told = self._pinged = self._window = 0
        self._sent = 0
        self._pending = None

    @property
    def is_open(self):
        """True while there is a connection (logging in or logged in)."""
        return self._sock is not None

    def start(self, sock, now):
        """Take over ``sock``, connected to the cloud; the login goes through :meth:`write`."""
        self.close()
        if self._buf is None:
            self._buf = bytearray(_HEADER + BUFF_IN)
        self._sock = sock
        self._fill = self._id = self._reply = 0
        self._event = None
        self.opened_at = self._heard = self._told = self._pinged = now

    def write(self, command, args):
        """Send one message now, outside the rate limit (the login, the info message); False
        when the connection is gone (the next poll says why)."""
        now = self._ticks()
        self._write(frame(command, self._next_id(), args), now)
        return self._sock is not None

    def close(self):
        """Drop the connection, if any, and what waited to be sent on it."""
        sock = self._sock
        self._sock = self._pending = None
        self._fill = 0
        self.logged_in = False
        if sock is not None:
            try:
                sock.close()
            except OSError:
                pass

    def reset(self):
        """Close, forget a redirect, and give back the read buffer (config mode can use the RAM)."""
        self.close()
        self.redirect = self._buf = self._event = None

    def poll(self, now):
        """Read and answer what has arrived, keep the heartbeat and send what waited for the
        rate limit; never blocks. Returns the next event, or None."""
        self._receive(now)
        if self._event is None and self._sock is not None:
            self._keep_alive(now)
        event = self._event
        self._event = None
        return event

    def send(self, command, args, key):
        """Send a message the device writes (virtual pins, properties, events); False when not
        logged in. Over 15 HARDWARE-class messages a second, the newest per ``key`` waits for
        the next second instead of being lost or blocking."""
        if not self.logged_in:
            return False
        now = self._ticks()
        if _BRIDGE <= command <= HARDWARE:
            # A new second; "not below 1000" would miss one that is days old, past the ticks' wrap.
            if not 0 <= ticks_diff(now, self._window) < 1000:
                self._window = now
                self._sent = 0
            if self._sent >= _MSG_LIMIT:
                if self._pending is None:
                    self._pending = {}
                self._pending[key] = (command, args)
                return True
            self._sent += 1
            if self._pending:
                self._pending.pop(key, None)  # stale now: the newer value goes out first
        self._write(frame(command, self._next_id(), args), now)
        return self.logged_in

    # -- inside ----------------------------------------------------------------------------

    def fail(self, reason):
        """Drop the connection; the next poll reports ``(FAILED, reason)``."""
        self.close()
        if self._event is None or self._event[0] != FAILED:
            self._event = (FAILED, reason)

    def _receive(self, now):
        buf = self._buf
        while buf is not None and self._sock is not None and self._event is None:
            # A whole frame already in the buffer first: reading into a full buffer reads nothing.
            try:
                item = next_frame(buf, self._fill)
            except ValueError as error:
                self.fail("corrupt stream from the server: %s" % error)
                return
            if item is not None:
                size = item[3]
                self._fill -= size
                buf[: self._fill] = buf[size : size + self._fill]
                self._handle(item[0], item[1], item[2], now)
                continue
            try:
                count = self._sock.recv_into(memoryview(buf)[self._fill :])
            except OSError as error:
                # EAGAIN, ETIMEDOUT: nothing yet. (Not error.errno: CircuitPython raises OSError(11),
                # whose errno CPython, which runs the simulator, leaves None.)
                code = error.args[0] if error.args else 0
                if code in _NO_DATA:
                    return
                if code != ENOTCONN:
                    self.fail("connection lost: %s" % error)
                    return
                count = 0  # an ESP32's socket says the peer closed it this way (hardware-truth.md section 7)
            if not count:
                self.fail("the server closed the connection")
                return
            self._heard = now
            self._fill += count

    def _keep_alive(self, now):
        if not self.logged_in:
            if ticks_diff(now, self.opened_at) > TIMEOUT_MS:
                self.fail("no answer to the login")
            return
        quiet = ticks_diff(now, self._heard)
        if quiet > HEARTBEAT_MS + 3 * TIMEOUT_MS:
            self.fail("heartbeat lost: nothing heard for %d s" % (quiet // 1000))
            return
        if (quiet > HEARTBEAT_MS or ticks_diff(now, self._told) > HEARTBEAT_MS) and ticks_diff(
            now, self._pinged
        ) > TIMEOUT_MS:
            self._pinged = now
            self._write(frame(_PING, self._next_id()), now)
        if self._pending and not 0 <= ticks_diff(now, self._window) < 1000:
            pending = self._pending
            self._pending = None
            for key in pending:  # as many as the limit lets through; the rest waits on
                if self._sock is None:
                    return
                command, args = pending[key]
                self.send(command, args, key)

    def _handle(self, command, msg_id, body, now):
        # One frame from the server (``body`` is the status of a RESPONSE).
        if command == _PING:
            self._write(frame(_RESPONSE, msg_id, OK), now)
            return
        if command == _RESPONSE:
            if not self.logged_in and msg_id == 1:
                self._event = (ANSWER, body)
            return
        if command == _REDIRECT:
            self.close()
            self._event = (REDIRECT, body)
            return
        if command == INTERNAL:  # never answered, as Blynk's firmware never answers it
            if body[:4] in (b"dbg\x00", b"ota\x00"):  # a console line; an update (not possible here)
                try:
                    line = body[4:].decode().split("\x00")[0]
                except UnicodeError:
                    return
                self._event = (COMMAND, line if body[0] == 0x64 else "ota")
            return  # acon, adis, rtc, meta...: news the device does not act on
        try:
            args = body.decode().split("\x00")
        except UnicodeError:
            args = None
        if command == _DEBUG_PRINT:
            self._log("server says: %s" % (args[0] if args else repr(body)))
        elif not (args and self._answer(command, msg_id, args)):
            # dw, dr, aw, ar, pm, a malformed vw, text that is not UTF-8: Blynk's answer is
            # ILLEGAL_COMMAND, with the same id.
            self._write(frame(_RESPONSE, msg_id, _ILLEGAL_COMMAND), now)

    def _answer(self, command, msg_id, args):
        # HARDWARE or BRIDGE "vw", pin, values. False: not that.
        if args[0] != "vw" or len(args) < 2 or not 0 < len(args[1]) <= 5 or not args[1].isdigit():
            return False
        try:
            pin = int(args[1])
        except ValueError:  # a digit int() refuses, such as "²"
            return False
        handler = self.handlers.get(pin)
        if handler is None:
            self._log("V%d written, no handler" % pin)
            return True
        self._reply = msg_id  # what the handler sends answers with this id
        try:
            handler(*args[2:])
        except Exception as error:  # a bug in user code must not stop the device
            self._log("V%d handler raised %r" % (pin, error))
        self._reply = 0
        return True

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
                if not (error.args and error.args[0] in _NO_DATA) or ticks_diff(self._ticks(), now) > TIMEOUT_MS:
                    self.fail("send failed: %s" % error)
        self._told = now

"""The link to Blynk.Cloud: login, heartbeat, virtual pins, events and the server's commands.

One :class:`CloudLink` is one connection. ``lifecycle.open_link`` connects it (TCP, then TLS
unless asked not to) and ``attach`` sends the login; ``poll(now)`` reads what has arrived
without blocking, answers it, keeps the heartbeat and reports the login's outcome. A failure
raises :class:`CloudError` carrying the ``last_error`` code that fits it best; the caller drops
the link and tries again later.
"""

from micropython import const

from blynk_edgent import protocol as p
from blynk_edgent.clock import ticks_diff, ticks_ms

HEARTBEAT_S = 40
BUFF_IN = 1024
TIMEOUT_MS = 6000  # Blynk's BLYNK_TIMEOUT_MS: login answer, ping spacing
MSG_LIMIT = 15  # outgoing HARDWARE-class messages per second (BLYNK_MSG_LIMIT)

# last_error codes (errors.py); repeated as literals so a running device need not import it.
# cloud_rare and lifecycle take them from here.
CLOUD_TIMEOUT = 702
CLOUD_TOKEN = 703

_EAGAIN = (11, 110)  # EAGAIN/EWOULDBLOCK, ETIMEDOUT: "no data yet" on a non-blocking read

# Blynk command codes (protocol.py has them all, for tests and tools)
_RESPONSE = const(0)
_PING = const(6)
_BRIDGE = const(15)
_INTERNAL = const(17)
_HARDWARE = const(20)
_HW_LOGIN = const(29)

DISCONNECTED = 0
LOGGING_IN = 1
CONNECTED = 2


class CloudError(Exception):
    """The link failed; ``code`` is the ``last_error`` code, ``str()`` the reason in words."""

    def __init__(self, code, reason):
        super().__init__(reason)
        self.code = code


class CloudLink:
    """A connection to a Blynk server for one device.

    ``info`` is the list of key/value strings of the info message sent after login.
    ``on_write(pin, values)`` gets virtual-pin writes from the server; ``on_command(line)``
    gets the console commands of INTERNAL ``dbg`` (``config start``, ``config erase``,
    ``reboot``, ...); ``log(text)`` gets what the link wants a person to read.
    """

    def __init__(self, token, host, port, info, on_write=None, on_command=None, log=None, tls=True):
        self.token = token
        self.host = host
        self.port = port
        self.tls = tls
        self.info = info
        self.on_write = on_write
        self.on_command = on_command
        self.log = log or print
        self.state = DISCONNECTED
        self._sock = None
        self._reader = None
        self._id = 0
        self._reply_id = 0
        self._last_rx = self._last_tx = self._last_ping = self._opened = 0
        self._window = 0
        self._sent_in_window = 0
        self._pending = {}

    # -- connection ------------------------------------------------------------------------

    def attach(self, sock, now):
        """Start logging in over ``sock``, a connected socket (``lifecycle.open_link`` makes it)."""
        self._sock = sock
        self._reader = p.FrameReader(BUFF_IN)
        self._id = 0
        self.state = LOGGING_IN
        self._opened = self._last_rx = self._last_tx = self._last_ping = now
        self._send(_HW_LOGIN, (self.token,), now, limited=False)

    def close(self):
        """Drop the connection, if any."""
        if self._sock is not None:
            try:
                self._sock.close()
            except OSError:
                pass
        self._sock = None
        self._reader = None
        self._pending = {}
        self.state = DISCONNECTED

    def _fail(self, code, reason):
        self.close()
        raise CloudError(code, reason)

    # -- receiving -------------------------------------------------------------------------

    def poll(self, now):
        """Read and answer whatever has arrived, keep the heartbeat; never blocks.

        Returns quickly; raises CloudError when the link is lost, corrupt or refused.
        """
        reader = self._reader
        if self._sock is None or reader is None:
            return
        while True:
            try:
                count = self._sock.recv_into(reader.free())
            except OSError as error:
                if error.args and error.args[0] in _EAGAIN:
                    break
                self._fail(CLOUD_TIMEOUT, "connection lost: %s" % error)
            if count == 0:
                self._fail(CLOUD_TIMEOUT, "the server closed the connection")
            self._last_rx = now
            reader.received(count)
            try:
                while True:
                    item = reader.next_frame()
                    if item is None:
                        break
                    self._dispatch(item[0], item[1], item[2], now)
                    if self._sock is None:
                        return
            except p.ProtocolError as error:
                self._fail(CLOUD_TIMEOUT, "corrupt stream from the server: %s" % error)
        self._keep_alive(now)

    def _keep_alive(self, now):
        if self.state == LOGGING_IN:
            if ticks_diff(now, self._opened) > TIMEOUT_MS:
                self._fail(CLOUD_TIMEOUT, "no answer to the login")
            return
        beat = HEARTBEAT_S * 1000
        if ticks_diff(now, self._last_rx) > beat + 3 * TIMEOUT_MS:
            self._fail(
                CLOUD_TIMEOUT, "heartbeat lost: nothing heard for %d s" % (ticks_diff(now, self._last_rx) // 1000)
            )
        quiet = ticks_diff(now, self._last_rx) > beat or ticks_diff(now, self._last_tx) > beat
        if quiet and ticks_diff(now, self._last_ping) > TIMEOUT_MS:
            self._last_ping = now
            self._send(_PING, (), now, limited=False)
        if self._pending and ticks_diff(now, self._window) >= 1000:
            pending = self._pending
            self._pending = {}
            for key in pending:
                command, args = pending[key]
                self._send(command, args, now, key=key)  # still over the limit: it stays latest-wins

    def _dispatch(self, command, msg_id, body, now):
        # The frames of a running link are answered here; the rest (the login's answer,
        # INTERNAL, REDIRECT, refusals) by cloud_rare, loaded for the moment.
        if command == _PING:
            self._write(p.response(msg_id, 200), now)
            return
        if command == _RESPONSE and self.state == CONNECTED:
            return  # answers to what we sent
        args = p.split_body(body) if command != _RESPONSE else body
        if command in (_HARDWARE, _BRIDGE) and len(args) >= 2 and args[0] == "vw" and _is_pin(args[1]):
            self._reply_id = msg_id
            try:
                if self.on_write:
                    self.on_write(int(args[1]), args[2:])
            finally:
                self._reply_id = 0
            return
        from blynk_edgent import cloud_rare
        from blynk_edgent.edgent import unload

        try:
            cloud_rare.handle(self, command, msg_id, args, now)
        finally:
            unload("cloud_rare", "validate")  # validate: a redirect checks its host and port

    # -- sending ---------------------------------------------------------------------------

    def _next_id(self):
        if self._reply_id:
            return self._reply_id
        self._id = self._id + 1 if self._id < 0xFFFF else 1
        return self._id

    def _write(self, data, now):
        sock = self._sock
        if sock is None:
            return
        view = memoryview(data)
        start = now
        while view:
            try:
                sent = sock.send(view)
            except OSError as error:
                if error.args and error.args[0] in _EAGAIN and ticks_diff(ticks_ms(), start) < TIMEOUT_MS:
                    continue
                self._fail(CLOUD_TIMEOUT, "send failed: %s" % error)
            view = view[sent:]
        self._last_tx = now

    def _send(self, command, args, now, limited=True, key=None):
        if limited:
            # Blynk spaces HARDWARE-class messages to 15 a second. Over the limit, the newest
            # value per pin waits for the next second instead of being lost or blocking.
            if ticks_diff(now, self._window) >= 1000:
                self._window = now
                self._sent_in_window = 0
            if self._sent_in_window >= MSG_LIMIT:
                # A message without a key never replaces another: it gets a key of its own.
                self._pending[key if key is not None else object()] = (command, args)
                return
            self._sent_in_window += 1
        self._write(p.frame(command, self._next_id(), args), now)

    def send(self, command, args, now, key=None):
        """Send a message when connected; over the rate limit it waits, latest per ``key`` wins."""
        if self.state == CONNECTED:
            limited = _BRIDGE <= command <= _HARDWARE
            self._send(command, args, now, limited, key)


def _is_pin(text):
    return isinstance(text, str) and 0 < len(text) <= 5 and text.isdigit()

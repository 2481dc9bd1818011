# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The lite edition's running mode: joining the stored network, then one link to Blynk.Cloud over
the NINA module's socket — the login, the heartbeat, virtual pins both ways, the server's pings
answered. Never blocks for long: :meth:`Running.poll` does a slice and returns.
"""

from micropython import const
from supervisor import ticks_ms

from blynk_edgent_lite import LINK_BUFFER, blynk
from blynk_edgent_lite.nina import elapsed

_HEARTBEAT_MS = const(40000)  # announced as h-beat
_ANSWER_MS = const(6000)  # Blynk's BLYNK_TIMEOUT_MS: the login's answer
_LOGGED_IN = const(0)
_REFUSED = const(703)  # last_error: the token was refused
_UNREACHED = const(702)
_NOT_JOINED = const(701)
_JOIN_MS = const(50000)  # Blynk's join time
_RETRY_MS = const(5000)  # between logins that could not reach the cloud


def connect(nina, number, host, port, tls=False):
    """Connect socket ``number`` to ``host`` (a name as bytes, or 4 address bytes) and ``port``;
    TLS ends in the module, which must be given the name. OSError when it cannot."""
    params = [host, bytes((port >> 8, port & 0xFF)), bytes((number,)), bytes((2 if tls else 0,))]
    if len(host) != 4 or tls:
        params.insert(1, b"\0\0\0\0")  # a name: the 5-parameter form, the module resolves it
    if nina.command(0x2D, params, 1)[0][0] != 1:
        raise OSError(111, "the NINA module could not connect")


def info(firmware, template_id, board):
    """The info message's body (bytes) for a device of template ``template_id`` running
    ``firmware`` on ``board``: Blynk's keys in its order (blynk-edgent-protocol.md section 6.5),
    one format (a board holds each constant of a loaded module)."""
    return b"mcu\0%s\0fw-type\0%s\0blynk\x001.4.0\0h-beat\0%d\0buff-in\0%d\0dev\0%s\0tmpl\0%s" % (
        firmware,
        template_id,
        _HEARTBEAT_MS // 1000,
        LINK_BUFFER - blynk.HEADER,
        board,
        template_id,
    )


class Link:
    """The link of a device with ``token`` (bytes) through ``nina`` to ``host``:``port``, reading
    into ``buffer`` (a bytearray of :data:`~blynk_edgent_lite.LINK_BUFFER` bytes; made here when
    none is given)."""

    def __init__(self, nina, token, host=b"blynk.cloud", port=80, info=b"", buffer=None):
        self.handlers = {}  # virtual pin -> function(the value as text, or a list of them)
        self._nina = nina
        self._token = token
        self._host = host
        self._port = port
        self._info = info  # the info message's body, sent after the login (:func:`info`)
        self._sock = None
        self._buf = bytearray(LINK_BUFFER) if buffer is None else buffer
        self._fill = 0
        self._id = 0
        self._sent = 0

    def _send(self, command, args):
        self._id = self._id % 0xFFFF + 1
        self._nina.send(self._sock, blynk.frame(command, self._id, args))
        self._sent = ticks_ms()

    def login(self):
        """Connect and log in: _LOGGED_IN, _REFUSED, or _UNREACHED (the socket is closed again)."""
        self.close()
        try:
            self._sock = self._nina.socket()
            connect(self._nina, self._sock, self._host, self._port)
            self._send(blynk.HW_LOGIN, (self._token,))
            start = ticks_ms()
            while elapsed(start) < _ANSWER_MS:
                found = self._next()
                if found is not None and found[0] == blynk.RESPONSE:
                    if found[2] == blynk.OK:
                        # its header, then its body as it is: a copy behind the header would
                        # need a block that long, which running mode's heap may not have
                        self._id = self._id % 0xFFFF + 1
                        self._nina.send(self._sock, blynk.header(blynk.INTERNAL, self._id, len(self._info)))
                        self._nina.send(self._sock, self._info)
                        return _LOGGED_IN
                    self.close()
                    return _REFUSED
        except OSError:
            pass
        self.close()
        return _UNREACHED

    def _next(self):
        # The next whole frame received, or None.
        if self._fill < len(self._buf):
            count = min(self._nina.available(self._sock), len(self._buf) - self._fill)
            if count:
                self._fill += self._nina.recv_into(self._sock, memoryview(self._buf)[self._fill : self._fill + count])
        found = blynk.next_frame(self._buf, self._fill)
        if found is not None:
            size = found[3]
            self._buf[: self._fill - size] = self._buf[size : self._fill]
            self._fill -= size
        return found

    def poll(self):
        """Read and act on what the server sent; keep the heartbeat. Returns what a console line
        from the cloud (INTERNAL ``dbg``) asks of the device: ``b"reboot"``; ``b"erase"`` for
        ``config start`` or ``config erase`` (config mode opens only blank here: the lite edition
        cannot keep the configuration while it does); else None. OSError once the link is down
        (its socket no longer connected)."""
        found = self._next()
        while found is not None:
            command, msg_id, body = found[0], found[1], found[2]
            if command == blynk.HARDWARE:
                write = blynk.virtual_write(body)
                if write is not None and write[0] in self.handlers:
                    # the user's function takes text: a value, or a list of them
                    texts = [str(value, "utf-8") for value in write[1]]
                    self.handlers[write[0]](texts[0] if len(texts) == 1 else texts)
            elif command == blynk.PING:
                self._nina.send(self._sock, blynk.frame(blynk.RESPONSE, msg_id, blynk.OK))
            elif command == blynk.INTERNAL and body[:4] == b"dbg\0":
                line = body[4:]
                if line == b"reboot":
                    return line
                if line in (b"config", b"config start", b"config erase"):
                    return b"erase"
            found = self._next()
        if elapsed(self._sent) >= _HEARTBEAT_MS:
            self._send(blynk.PING, ())
        if not self._nina.connected(self._sock):
            raise OSError(104, "the link is down")
        return None

    def virtual_write(self, pin, value):
        """Send ``value`` to virtual pin ``pin``."""
        self._send(blynk.HARDWARE, (b"vw", pin, value))

    def close(self):
        """Close the link."""
        if self._sock is not None:
            try:
                self._nina.close(self._sock)
            except OSError:
                pass
        self._sock = None
        self._fill = 0


class Running:
    """Running mode of ``device`` (an :class:`~blynk_edgent_lite.edgent.Edgent`) with ``config``
    ``(ssid, password, token, host, port)``, its link reading into ``buffer`` (see
    :class:`Link`): CONNECTING_NET, CONNECTING_CLOUD, RUNNING."""

    def __init__(self, device, config, buffer=None):
        self._device = device
        self._nina = device.nina
        self._config = config
        # the link and its info message made first, while the heap is most whole: a login later
        # finds only holes
        template_id, _, firmware = device.template
        _, _, token, host, port = config
        self._link = Link(self._nina, token, host, port, info(firmware, template_id, device.board), buffer)
        self._link.handlers = device.handlers  # shared: handlers registered later count too
        self._asked = False
        self._since = ticks_ms()
        self._enter("CONNECTING_NET")

    def _enter(self, state):
        self._device.enter(state)
        self._since = ticks_ms()
        self._asked = False

    def poll(self):
        """One slice of the current state's work; ``b"erase"`` when the device must start over
        (the cloud refused the token, or its console said ``config erase``: config mode comes
        back), ``b"reboot"`` when the console said so, else None."""
        state = self._device.state
        if state == "CONNECTING_NET":
            self._join()
        elif state == "CONNECTING_CLOUD":
            return self._login()
        else:
            return self._run_link()
        return None

    def virtual_write(self, pin, value):
        """Send ``value`` to virtual pin ``pin`` (dropped unless RUNNING, or when the link has just gone)."""
        if self._device.state != "RUNNING":
            return
        try:
            self._link.virtual_write(pin, value)
        except OSError:
            pass

    def _join(self):
        if not self._asked:  # join: SET_PASSPHRASE (0x11), or SET_NET (0x10) for an open network
            self._asked = True
            ssid, password = self._config[0], self._config[1]
            if password:
                self._nina.command(0x11, (ssid, password), 1)
            else:
                self._nina.command(0x10, (ssid,), 1)
            return
        if self._nina.status() == 3:
            self._enter("CONNECTING_CLOUD")
        elif elapsed(self._since) > _JOIN_MS:
            self._device.last_error = _NOT_JOINED
            self._device.log("[edgent] could not join %r" % self._config[0])
            self._enter("CONNECTING_NET")

    def _login(self):
        # b"erase" when the cloud refused the token
        if self._asked and elapsed(self._since) < _RETRY_MS:
            return
        self._asked = True
        self._since = ticks_ms()
        device = self._device
        link = self._link
        outcome = link.login()
        if outcome == _LOGGED_IN:
            device.last_error = 0
            self._enter("RUNNING")
            for handler in device.connected_handlers:
                handler()
        elif outcome == _REFUSED:
            device.last_error = _REFUSED
            device.log("[edgent] the cloud refused the token (703): config mode")
            return b"erase"
        else:
            device.last_error = outcome
            device.log("[edgent] could not reach %r (%d); trying again" % (self._config[3], outcome))

    def _run_link(self):
        # RUNNING: the link reads what came; a link gone down is made again, or the network first.
        link = self._link
        try:
            ending = link.poll()
            if ending:
                self._device.log("[edgent] the cloud's console asked for %s" % str(ending, "utf-8"))
                return ending
        except (OSError, ValueError):  # ValueError: a frame past the buffer the login announced
            link.close()
            self._enter("CONNECTING_NET" if self._nina.status() != 3 else "CONNECTING_CLOUD")

# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""A small HTTP/1.1 server for config mode, on any socketpool, that never blocks the loop.

Chosen over adafruit_httpserver by measurement (bench/README.md): importing that costs about
48 KB of heap under MicroPython, this about a tenth of it. It serves what config mode needs:
GET, HEAD and POST, a query string or a form body, one request per connection, answers closed after
sending. Every malformed request gets a clear status and the server goes on: request head over
2 KB (431), body over 1 KB (413), no complete request within 5 s (408), a bad request line or
header (400), another method (405).

No ``poll()`` waits for a client, whatever the clients do. An answer is queued on its connection
and sent a slice per poll, as much as the socket takes (a file in 512-byte pieces); one the client
does not take for 3 s is dropped. A poll's work is bounded: four accepts, one read and 2 KB sent
per connection, and nothing more once 20 ms have gone (the next poll starts where it stopped).
Four connections are served at once. When another arrives, one is closed for it: of those still
sending their request, the one quiet longest; else an answer that has not moved for 1 s; else the
newcomer waits in the backlog. So slow or silent clients cannot keep a phone out, and clients that
read get their whole answer. The 3 KB read buffer is shared and exists only while a connection is
open; a request that comes in pieces keeps the bytes it sent so far, at most 3 KB for all.
"""

from errno import EAGAIN, ETIMEDOUT

from micropython import const

from blynk_edgent.clock import ticks_diff, ticks_ms

HEAD_MAX = const(2048)
BODY_MAX = const(1024)
# A phone sends its request in one go as soon as it is connected; 5 s leaves room for two
# retransmissions of a lost segment (1 s, then 2 s) and is what a silent client may hold a slot
# for when nobody else needs it.
REQUEST_TIMEOUT_MS = const(5000)
STALL_MS = const(3000)  # an answer the client does not take for this long is dropped
# Sockets: these, one more for a moment at an accept, and the listener; with the captive DNS and a
# test-join's cloud link, the 8 that espressif and raspberrypi allow.
MAX_CLIENTS = const(4)
_IDLE_MS = const(1000)  # an answer not moving for this long may be closed for a new connection
_LIFE_MS = const(15000)  # no connection lives longer (the 5.7 KB page takes a phone milliseconds)
_POLL_MS = const(20)  # the work of one poll stops here (the handler's own time aside)
_ACCEPTS = const(4)  # per poll
_SEND_MAX = const(2048)  # per connection and poll
_CHUNK = const(512)  # a file is read in pieces of this
_HELD_MAX = const(3072)  # bytes of incomplete requests kept between polls, all connections

_REASONS = {
    200: "OK",
    204: "No Content",
    302: "Found",
    400: "Bad Request",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    408: "Request Timeout",
    413: "Content Too Large",
    429: "Too Many Requests",
    431: "Request Header Fields Too Large",
    500: "Internal Server Error",
    503: "Service Unavailable",
}

# Nothing to read yet, nobody waiting to be accepted, no room to send. By name: CircuitPython's
# numbers are newlib's, not Linux's (ETIMEDOUT is 116 there; hardware-truth.md section 6).
_NO_DATA = (EAGAIN, ETIMEDOUT)


def _errno(error):
    return error.args[0] if error.args else 0


class HTTPError(Exception):
    """A request the server answers with ``status`` and a plain-text ``message``."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


# The headers a route may ask about (who is asking): kept, by lower-case name; others are skipped.
KEPT_HEADERS = ("host", "origin", "referer", "sec-fetch-site")


class Request:
    """One parsed request: ``method``, ``path``, ``query`` (text after ``?``), ``body`` (text) and
    ``headers`` (those of :data:`KEPT_HEADERS` it had, by lower-case name)."""

    def __init__(self, method, path, query, body, headers):
        self.method = method
        self.path = path
        self.query = query
        self.body = body
        self.headers = headers


def parse_head(head):
    """Return ``(method, target, content_length, headers)`` from the bytes of a request head.

    Raises HTTPError with the status to answer. Besides the request line and Content-Length,
    the headers of :data:`KEPT_HEADERS` are kept (a dict, by lower-case name; the first of a
    repeated one); others are checked for shape and skipped.
    """
    try:
        text = bytes(head).decode("utf-8")
    except UnicodeError:
        raise HTTPError(400, "request head is not UTF-8")
    lines = text.split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) != 3 or not parts[2].startswith("HTTP/1.") or not parts[1].startswith("/"):
        raise HTTPError(400, "bad request line")
    method = parts[0]
    if method not in ("GET", "POST", "HEAD"):
        raise HTTPError(405, "method %s not allowed" % method[:16])
    length = 0
    headers = {}
    for line in lines[1:]:
        if not line:
            continue
        name, sep, value = line.partition(":")
        if not sep or not name or " " in name:
            raise HTTPError(400, "bad header line")
        name = name.lower()
        if name in KEPT_HEADERS and name not in headers:
            headers[name] = value.strip()
        elif name == "content-length":
            value = value.strip()
            if not value.isdigit() or len(value) > 6:
                raise HTTPError(400, "bad Content-Length")
            length = int(value)
            if length > BODY_MAX:
                raise HTTPError(413, "body over %d bytes" % BODY_MAX)
    return method, parts[1], length, headers


def response_head(status, content_type, length, extra=""):
    """Return the bytes of a response head (the connection closes after the body)."""
    return (
        "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %d\r\nConnection: close\r\n"
        "Cache-Control: no-store\r\n%s\r\n" % (status, _REASONS.get(status, "Status"), content_type, length, extra)
    ).encode("utf-8")


class _Client:
    def __init__(self, sock, now):
        self.sock = sock
        self.since = now  # accepted
        self.moved = now  # a byte came in or went out
        self.part = b""  # the request so far, while it is incomplete
        self.out = None  # the answer's bytes not sent yet (a memoryview); None before there is one
        self.file = None  # an open file whose rest follows ``out``


class HTTPServer:
    """Serves ``handler(request, reply)`` on ``port``; call ``poll()`` from the main loop.

    The handler answers through ``reply``: ``reply.send(status, content_type, body)`` or
    ``reply.send_file(path, content_type)``, which queue the answer (it leaves after the handler
    returns, over as many polls as the client needs); a handler that does neither closes the
    connection without an answer (``/reboot`` does that, as Blynk's firmware does). ``clock``:
    the millisecond ticks.
    """

    def __init__(self, pool, handler, port=80, max_clients=MAX_CLIENTS, log=None, clock=ticks_ms):
        self._handler = handler
        self._log = log
        self._max_clients = max_clients
        self._clock = clock
        self._clients = []
        self._buf = bytearray()  # the read buffer, 3 KB while any connection is open
        self._start = 0  # when this poll started
        sock = pool.socket(pool.AF_INET, pool.SOCK_STREAM)
        try:
            sock.setsockopt(pool.SOL_SOCKET, pool.SO_REUSEADDR, 1)
        except (OSError, AttributeError):
            pass
        sock.bind(("0.0.0.0", port))
        sock.listen(2 * max_clients + 2)  # a burst waits here while connections turn over
        sock.setblocking(False)
        self._listener = sock

    def close(self):
        """Stop serving and close every connection; what is queued gets one last try to leave."""
        self._start = now = self._clock()
        for client in list(self._clients):
            if client.out is None or self._push(client, now):
                self._close(client)
        self._buf = bytearray()
        if self._listener is not None:
            self._listener.close()
            self._listener = None

    def poll(self):
        """Accept and serve what is ready; returns without waiting for anything."""
        if self._listener is None:
            return
        clock = self._clock
        self._start = clock()
        clients = self._clients
        # The connections already open, from where the last poll ran out of time.
        for client in list(clients):
            if client not in clients:
                continue  # closed for another one's sake
            if self._late():
                index = clients.index(client)
                self._clients = clients[index:] + clients[:index]
                break
            self._serve(client, clock())
        for count in range(_ACCEPTS):
            if count and self._late():
                break
            now = clock()
            victim = None
            if len(self._clients) >= self._max_clients:
                victim = self._victim(now)
                if victim is None:
                    break  # all busy with answers that move: the next one waits in the backlog
            try:
                sock, _ = self._listener.accept()
            except OSError as error:
                if _errno(error) in _NO_DATA:
                    break
                raise
            except RuntimeError:  # out of sockets (the connection is lost): room for the next one
                victim = victim or self._victim(now)
                if victim is not None:
                    self._close(victim, False)
                break
            if victim is not None:
                self._close(victim, False)
            sock.setblocking(False)
            if not self._buf:
                self._buf = bytearray(HEAD_MAX + BODY_MAX)
            client = _Client(sock, now)
            self._clients.append(client)
            self._serve(client, now)
        if not self._clients and self._buf:
            self._buf = bytearray()

    def _late(self):
        return ticks_diff(self._clock(), self._start) >= _POLL_MS

    def _victim(self, now):
        # The connection to close for a new one: of those still sending their request, the one
        # quiet longest; else the one whose answer has not moved for longest, if for _IDLE_MS.
        victim = None
        for client in self._clients:
            asking = client.out is None
            if not asking and ticks_diff(now, client.moved) < _IDLE_MS:
                continue
            if victim is None or (asking and victim.out is not None):
                victim = client
            elif asking == (victim.out is None) and ticks_diff(victim.moved, client.moved) > 0:
                victim = client
        return victim

    def _close(self, client, drain=True):
        # Read what the client sent beyond its request first: closing with unread bytes resets
        # the connection, which may lose the answer still on its way.
        if client in self._clients:
            self._clients.remove(client)
        client.part = b""
        sock = client.sock
        if drain and self._buf:
            for _ in range(2):
                try:
                    if not sock.recv_into(self._buf):
                        break
                except OSError:
                    break
        if client.file is not None:
            client.file.close()
            client.file = None
        try:
            sock.close()
        except OSError:
            pass

    def _serve(self, client, now):
        if client.out is not None:
            self._push(client, now)
            return
        # One read; the request is looked at again only when it has grown.
        buf = self._buf
        fill = len(client.part)
        try:
            count = client.sock.recv_into(memoryview(buf)[fill:])
        except OSError as error:
            # Nothing yet; else reset, or closed: ENOTCONN is how an ESP32's socket says the peer
            # is done sending (section 7).
            count = -1 if _errno(error) in _NO_DATA else 0
        if not count:  # a request that can no longer complete is dropped
            self._close(client, False)
            return
        late = ticks_diff(now, client.since) > REQUEST_TIMEOUT_MS
        try:
            if count < 0:
                if late:
                    raise HTTPError(408, "no complete request within 5 s")
                return
            client.moved = now
            buf[:fill] = client.part
            fill += count
            head_end = buf.find(b"\r\n\r\n", 0, fill)
            if head_end < 0:
                if fill >= HEAD_MAX:
                    raise HTTPError(431, "request head over %d bytes" % HEAD_MAX)
                if late:
                    raise HTTPError(408, "no complete request within 5 s")
                self._keep(client, fill)
                return
            if head_end + 4 > HEAD_MAX:  # else its body might not fit in the buffer
                raise HTTPError(431, "request head over %d bytes" % HEAD_MAX)
            method, target, length, headers = parse_head(memoryview(buf)[:head_end])
            body_start = head_end + 4
            if fill < body_start + length:
                if late:
                    raise HTTPError(408, "no complete request within 5 s")
                self._keep(client, fill)
                return
            try:
                body = bytes(buf[body_start : body_start + length]).decode("utf-8")
            except UnicodeError:
                raise HTTPError(400, "body is not UTF-8")
        except HTTPError as error:
            client.part = b""
            self._answer_error(client, error)
            self._push(client, now)
            return
        client.part = b""
        path, _, query = target.partition("?")
        reply = _Reply(client, method == "HEAD")
        try:
            self._handler(Request(method, path, query, body, headers), reply)
        except Exception as error:  # a bug in a route must not stop the device: log it, answer 500
            if reply.sent:
                if self._log:
                    self._log("portal: %s %s raised %r" % (method, path, error))
            else:
                self._answer_error(client, HTTPError(500, "%s raised %r" % (path, error)))
        if client.out is None:  # no answer (/reboot): the connection just ends
            self._close(client)
        else:
            self._push(client, now)

    def _keep(self, client, fill):
        # An incomplete request's bytes wait for the next poll, within _HELD_MAX for all
        # connections: past it, the connection holding the most is closed.
        client.part = bytes(self._buf[:fill])
        while True:
            held = 0
            largest = client
            for other in self._clients:
                held += len(other.part)
                if len(other.part) > len(largest.part):
                    largest = other
            if held <= _HELD_MAX:
                return
            self._close(largest, False)

    def _answer_error(self, client, error):
        if self._log:
            self._log("portal: %d %s" % (error.status, error))
        message = str(error).encode("utf-8")
        client.out = memoryview(response_head(error.status, "text/plain; charset=utf-8", len(message)) + message)

    def _push(self, client, now):
        """Send what the socket takes of the answer, up to _SEND_MAX bytes; close the connection
        when all is sent, or when it has not moved for STALL_MS. True while it stays open."""
        budget = _SEND_MAX
        while budget > 0:
            data = client.out
            piece = False
            if not data:
                handle = client.file
                if handle is None:
                    self._close(client)
                    return False
                count = handle.readinto(memoryview(self._buf)[:_CHUNK])
                if not count:
                    handle.close()
                    client.file = None
                    continue
                data = memoryview(self._buf)[:count]
                piece = True
            offer = data[:budget] if len(data) > budget else data
            try:
                sent = client.sock.send(offer)
            except OSError as error:
                if _errno(error) not in _NO_DATA:
                    self._close(client, False)
                    return False
                sent = 0
            rest = data[sent:]
            # The rest of a file's piece leaves the shared buffer, which the next read reuses.
            client.out = memoryview(bytes(rest)) if piece and rest else rest
            if sent:
                client.moved = now
                budget -= sent
            if sent < len(offer) or self._late():
                break  # the socket is full for now, or this poll has done its share
        if ticks_diff(now, client.moved) > STALL_MS or ticks_diff(now, client.since) > _LIFE_MS:
            self._close(client, False)
            return False
        return True


class _Reply:
    def __init__(self, client, head_only):
        self._client = client
        self._head_only = head_only
        self.sent = False

    def send(self, status, content_type, body, extra=""):
        """Answer with ``body`` (bytes or str)."""
        if isinstance(body, str):
            body = body.encode("utf-8")
        self.sent = True
        data = response_head(status, content_type, len(body), extra)
        self._client.out = memoryview(data if self._head_only else data + body)

    def send_file(self, path, content_type):
        """Answer with the file at ``path``, sent in small pieces (it never sits whole in RAM)."""
        import os

        self.sent = True
        client = self._client
        try:
            size = os.stat(path)[6]
            if not self._head_only:
                client.file = open(path, "rb")
        except OSError:
            client.out = memoryview(b"")  # nothing to send: the connection ends
            return
        client.out = memoryview(response_head(200, content_type, size))

"""A small HTTP/1.1 server for config mode, on any socketpool, that never blocks the loop.

Chosen over adafruit_httpserver by measurement (bench/README.md): importing that costs about
48 KB of heap under MicroPython, this about a tenth of it. It serves what config mode needs:
GET, HEAD and POST, a query string or a form body, one request per connection, answers closed after
sending. Every malformed request gets a clear status and the server goes on: request head over
2 KB (431), body over 1 KB (413), no complete request within 10 s (408), a bad request line or
header (400), another method (405).
"""

from errno import EAGAIN, ENOTCONN, ETIMEDOUT

from blynk_edgent.clock import ticks_diff, ticks_ms

HEAD_MAX = 2048
BODY_MAX = 1024
REQUEST_TIMEOUT_MS = 10000
_SEND_TIMEOUT_MS = 3000

_REASONS = {
    200: "OK",
    204: "No Content",
    302: "Found",
    400: "Bad Request",
    404: "Not Found",
    405: "Method Not Allowed",
    408: "Request Timeout",
    413: "Content Too Large",
    431: "Request Header Fields Too Large",
    500: "Internal Server Error",
    503: "Service Unavailable",
}

# Nothing to read yet, nobody waiting to be accepted. By name: CircuitPython's numbers are
# newlib's, not Linux's (ETIMEDOUT is 116 there; hardware-truth.md section 6).
_NO_DATA = (EAGAIN, ETIMEDOUT)


class HTTPError(Exception):
    """A request the server answers with ``status`` and a plain-text ``message``."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


class Request:
    """One parsed request: ``method``, ``path``, ``query`` (text after ``?``) and ``body`` (text)."""

    def __init__(self, method, path, query, body):
        self.method = method
        self.path = path
        self.query = query
        self.body = body


def parse_head(head):
    """Return ``(method, target, content_length)`` from the bytes of a request head.

    Raises HTTPError with the status to answer. Only the request line and Content-Length
    matter here; other headers are checked for shape and skipped.
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
    for line in lines[1:]:
        if not line:
            continue
        name, sep, value = line.partition(":")
        if not sep or not name or " " in name:
            raise HTTPError(400, "bad header line")
        if name.lower() == "content-length":
            value = value.strip()
            if not value.isdigit() or len(value) > 6:
                raise HTTPError(400, "bad Content-Length")
            length = int(value)
            if length > BODY_MAX:
                raise HTTPError(413, "body over %d bytes" % BODY_MAX)
    return method, parts[1], length


def response_head(status, content_type, length, extra=""):
    """Return the bytes of a response head (the connection closes after the body)."""
    return (
        "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %d\r\nConnection: close\r\n"
        "Cache-Control: no-store\r\n%s\r\n" % (status, _REASONS.get(status, "Status"), content_type, length, extra)
    ).encode("utf-8")


class _Client:
    def __init__(self, sock, now):
        self.sock = sock
        self.buf = bytearray(HEAD_MAX + BODY_MAX)
        self.fill = 0
        self.since = now


class HTTPServer:
    """Serves ``handler(request, reply)`` on ``port``; call ``poll()`` from the main loop.

    The handler answers through ``reply``: ``reply.send(status, content_type, body)`` or
    ``reply.send_file(path, content_type)``; a handler that does neither closes the
    connection without an answer (``/reboot`` does that, as Blynk's firmware does).
    """

    def __init__(self, pool, handler, port=80, max_clients=2, log=None):
        self._handler = handler
        self._log = log
        self._max_clients = max_clients
        self._clients = []
        sock = pool.socket(pool.AF_INET, pool.SOCK_STREAM)
        try:
            sock.setsockopt(pool.SOL_SOCKET, pool.SO_REUSEADDR, 1)
        except (OSError, AttributeError):
            pass
        sock.bind(("0.0.0.0", port))
        sock.listen(max_clients + 2)
        sock.setblocking(False)
        self._listener = sock

    def close(self):
        """Stop serving and close every connection."""
        for client in self._clients:
            self._drop(client)
        self._clients = []
        if self._listener is not None:
            self._listener.close()
            self._listener = None

    def poll(self):
        """Accept and serve what is ready; returns without waiting for anything."""
        if self._listener is None:
            return
        now = ticks_ms()
        while len(self._clients) < self._max_clients:
            try:
                sock, _ = self._listener.accept()
            except OSError as error:
                if error.args and error.args[0] in _NO_DATA:
                    break
                raise
            except RuntimeError:  # out of sockets: leave the rest in the backlog
                break
            sock.setblocking(False)
            self._clients.append(_Client(sock, now))
        for client in list(self._clients):
            if self._serve(client, now):
                self._clients.remove(client)
                self._drop(client)

    def _drop(self, client):
        try:
            client.sock.close()
        except OSError:
            pass

    def _serve(self, client, now):
        """Read what arrived; answer when a request is complete. True when done with it."""
        ended = False  # the client sent all it will send (it may still read the answer)
        while client.fill < len(client.buf):
            try:
                count = client.sock.recv_into(memoryview(client.buf)[client.fill :])
            except OSError as error:
                code = error.args[0] if error.args else 0
                if code in _NO_DATA:
                    break
                if code != ENOTCONN:
                    return True
                count = 0  # an ESP32's socket says the peer is done sending this way (section 7)
            if count == 0:
                ended = True
                break
            client.fill += count
        head_end = client.buf.find(b"\r\n\r\n", 0, client.fill)
        late = ticks_diff(now, client.since) > REQUEST_TIMEOUT_MS
        try:
            if head_end < 0:
                if client.fill >= HEAD_MAX:
                    raise HTTPError(431, "request head over %d bytes" % HEAD_MAX)
                if late:
                    raise HTTPError(408, "no complete request within 10 s")
                return ended  # a request that can no longer complete is dropped
            if head_end + 4 > HEAD_MAX:  # else its body might not fit in the buffer
                raise HTTPError(431, "request head over %d bytes" % HEAD_MAX)
            method, target, length = parse_head(memoryview(client.buf)[:head_end])
            body_start = head_end + 4
            if client.fill < body_start + length:
                if late:
                    raise HTTPError(408, "no complete request within 10 s")
                return ended
            try:
                body = bytes(client.buf[body_start : body_start + length]).decode("utf-8")
            except UnicodeError:
                raise HTTPError(400, "body is not UTF-8")
        except HTTPError as error:
            self._answer_error(client, error)
            return True
        path, _, query = target.partition("?")
        reply = _Reply(client.sock, method == "HEAD")
        try:
            self._handler(Request(method, path, query, body), reply)
        except Exception as error:  # a bug in a route must not stop the device: log it, answer 500
            if reply.sent:
                if self._log:
                    self._log("portal: %s %s raised %r" % (method, path, error))
            else:
                self._answer_error(client, HTTPError(500, "%s raised %r" % (path, error)))
        return True

    def _answer_error(self, client, error):
        if self._log:
            self._log("portal: %d %s" % (error.status, error))
        message = str(error).encode("utf-8")
        try:
            send_all(client.sock, response_head(error.status, "text/plain; charset=utf-8", len(message)) + message)
        except OSError:
            pass


class _Reply:
    def __init__(self, sock, head_only):
        self._sock = sock
        self._head_only = head_only
        self.sent = False

    def send(self, status, content_type, body, extra=""):
        """Answer with ``body`` (bytes or str)."""
        if isinstance(body, str):
            body = body.encode("utf-8")
        self.sent = True
        data = response_head(status, content_type, len(body), extra)
        try:
            send_all(self._sock, data if self._head_only else data + body)
        except OSError:
            pass

    def send_file(self, path, content_type):
        """Answer with the file at ``path``, read in small pieces (it never sits whole in RAM)."""
        import os

        self.sent = True
        try:
            size = os.stat(path)[6]
            send_all(self._sock, response_head(200, content_type, size))
            if self._head_only:
                return
            chunk = bytearray(512)
            with open(path, "rb") as handle:
                while True:
                    count = handle.readinto(chunk)
                    if not count:
                        break
                    send_all(self._sock, memoryview(chunk)[:count])
        except OSError:
            pass


def send_all(sock, data):
    """Send all of ``data`` on a non-blocking socket, waiting at most a few seconds in all."""
    view = memoryview(data)
    start = ticks_ms()
    while view:
        try:
            sent = sock.send(view)
        except OSError as error:
            if error.args and error.args[0] in _NO_DATA and ticks_diff(ticks_ms(), start) < _SEND_TIMEOUT_MS:
                continue
            raise
        view = view[sent:]

# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The portal's HTTP server: the request head and the response head; answers sent a slice per poll,
connections that do not play along closed, on sockets and a clock the tests hold."""

from errno import EAGAIN, ECONNRESET

import blynk_edgent.httpd as httpd
from blynk_edgent.httpd import STALL_MS, HTTPError, HTTPServer, parse_head, response_head
from support import Clock, Pool, raises


def head(text):
    return text.replace("\n", "\r\n").encode()


def test_get_and_post_heads():
    host = {"host": "192.168.4.1"}
    assert parse_head(head("GET /config?ssid=a HTTP/1.1\nHost: 192.168.4.1")) == ("GET", "/config?ssid=a", 0, host)
    assert parse_head(head("POST /config HTTP/1.0\nContent-Length: 12\nX-A: b")) == ("POST", "/config", 12, {})
    assert parse_head(head("HEAD / HTTP/1.1")) == ("HEAD", "/", 0, {})


def test_who_is_asking_is_kept_the_first_of_each_by_lower_case_name():
    text = "POST /reset HTTP/1.1\nHOST: Blynk.Setup \nOrigin: http://evil.example\nhost: 192.168.4.1"
    text += "\nSec-Fetch-Site: cross-site\nCookie: a=b"
    assert parse_head(head(text))[3] == {
        "host": "Blynk.Setup",
        "origin": "http://evil.example",
        "sec-fetch-site": "cross-site",
    }


def test_bad_heads_get_their_status():
    cases = (
        ("GET /x", 400),
        ("GET x HTTP/1.1", 400),
        ("GET / HTTP/2", 400),
        ("PUT / HTTP/1.1", 405),
        ("GET / HTTP/1.1\nno colon here", 400),
        ("GET / HTTP/1.1\nContent-Length: -1", 400),
        ("GET / HTTP/1.1\nContent-Length: 2000", 413),
    )
    for text, status in cases:
        assert raises(HTTPError, parse_head, head(text)).status == status
    assert raises(HTTPError, parse_head, b"GET /\xff HTTP/1.1").status == 400


def test_response_head():
    data = response_head(200, "application/json", 7)
    assert data.startswith(b"HTTP/1.1 200 OK\r\n")
    assert b"Content-Length: 7\r\n" in data and b"Connection: close\r\n" in data
    assert data.endswith(b"\r\n\r\n")
    assert response_head(302, "text/html", 0, "Location: http://192.168.4.1/\r\n").count(b"Location") == 1


# -- the server, on sockets that take what a test lets them and a clock the test moves ----------

GET = b"GET /x HTTP/1.1\r\nHost: 192.168.4.1\r\n\r\n"


class Conn:
    """A client's connection as the server sees it. ``pieces`` arrive one a read (None: nothing
    yet this read; b"": the client is done sending); ``room``: what the client's window takes
    before it reads (None: anything), freed by :meth:`read`."""

    def __init__(self, pieces=(GET,), room=None):
        self.pieces = list(pieces)
        self.room = room
        self.answer = b""
        self.closed = False
        self.sends = 0

    def setblocking(self, flag):
        pass

    def recv_into(self, buffer, nbytes=0):
        if self.closed:
            raise OSError(ECONNRESET)
        if not self.pieces:
            raise OSError(EAGAIN)
        piece = self.pieces[0]
        if piece is None:
            self.pieces.pop(0)
            raise OSError(EAGAIN)
        count = min(len(buffer), len(piece))
        buffer[:count] = piece[:count]
        if count < len(piece):
            self.pieces[0] = piece[count:]
        else:
            self.pieces.pop(0)
        return count

    def send(self, data):
        assert not self.closed
        count = len(data) if self.room is None else min(self.room, len(data))
        if not count:
            raise OSError(EAGAIN)
        if self.room is not None:
            self.room -= count
        self.answer += bytes(data[:count])
        self.sends += 1
        return count

    def read(self, count):
        self.room += count

    def close(self):
        self.closed = True

    def body(self):
        head, _, body = self.answer.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 "), self.answer[:60]
        assert int(head.split(b"Content-Length: ")[1].split(b"\r\n")[0]) == len(body)
        return int(head.split(b" ")[1]), body


def server(handler, max_clients=4):
    pool = Pool()
    clock = Clock()
    return HTTPServer(pool, handler, max_clients=max_clients, clock=clock), pool, clock


def big(request, reply):
    reply.send(200, "text/plain", b"b" * 5000)


def test_an_answer_larger_than_the_socket_takes_leaves_a_slice_per_poll():
    http, pool, clock = server(big)
    conn = Conn(room=1000)
    pool.waiting.append(conn)
    http.poll()  # nothing waits for the client: a poll sends what fits and returns
    assert len(conn.answer) == 1000 and not conn.closed
    for _ in range(10):
        conn.read(1000)
        clock.now += 10
        http.poll()
    assert conn.closed and conn.body() == (200, b"b" * 5000)


def test_a_poll_sends_at_most_2_kb_to_a_client():
    http, pool, _ = server(big)
    conn = Conn()  # takes anything
    pool.waiting.append(conn)
    polls = 0
    while not conn.closed:
        sent = len(conn.answer)
        http.poll()
        polls += 1
        assert len(conn.answer) - sent <= 2048
    assert polls >= 3 and conn.body() == (200, b"b" * 5000)


def test_a_file_is_sent_in_pieces_and_arrives_whole():
    path = httpd.__file__
    with open(path, "rb") as handle:
        content = handle.read()

    def page(request, reply):
        reply.send_file(path, "text/plain")

    http, pool, clock = server(page)
    conn = Conn(room=700)
    pool.waiting.append(conn)
    for _ in range(200):
        if conn.closed:
            break
        http.poll()
        conn.read(700)
        clock.now += 10
    assert conn.body() == (200, content)


def test_an_answer_that_does_not_move_for_3_s_is_dropped():
    http, pool, clock = server(big)
    conn = Conn(room=100)
    pool.waiting.append(conn)
    http.poll()
    clock.now += STALL_MS
    http.poll()
    assert not conn.closed  # 3 s exactly: still waiting for the client
    clock.now += 1
    http.poll()
    assert conn.closed and len(conn.answer) == 100


def test_the_answer_leaves_after_what_the_handler_does_next():
    events = []

    def configure(request, reply):
        reply.send(200, "application/json", '{"status":"ok"}')
        events.append("submitted")  # as portal.configure calls mode.submit after replying

    http, pool, _ = server(configure)
    conn = Conn(room=10)
    pool.waiting.append(conn)
    http.poll()
    assert events == ["submitted"] and not conn.closed
    conn.read(1000)
    http.poll()
    assert conn.body() == (200, b'{"status":"ok"}')


def test_closing_the_server_gives_a_queued_answer_its_last_chance():
    http, pool, _ = server(big)
    conn = Conn(room=10)
    pool.waiting.append(conn)
    http.poll()
    conn.room = None
    http.close()  # as config mode closes the portal: what the socket takes of 2 KB more leaves
    assert conn.closed and len(conn.answer) == 10 + 2048


def test_head_and_a_handler_that_does_not_answer_are_as_before():
    def route(request, reply):
        if request.path != "/reboot":
            reply.send(200, "text/plain", "hello")

    http, pool, _ = server(route)
    head = Conn([b"HEAD / HTTP/1.1\r\n\r\n"])
    reboot = Conn([b"GET /reboot HTTP/1.1\r\n\r\n"])
    pool.waiting.extend([head, reboot])
    http.poll()
    assert head.closed and head.answer.endswith(
        b"Content-Length: 5\r\nConnection: close\r\n" + b"Cache-Control: no-store\r\n\r\n"
    )
    assert reboot.closed and reboot.answer == b""


def test_a_request_in_pieces_is_served_and_one_not_complete_in_5_s_gets_408():
    http, pool, clock = server(big)
    pieces = Conn([b"GET /x HT", None, b"TP/1.1\r\n", None, None, b"\r\n"])
    late = Conn([b"GET /x HTTP/1.1\r\n"])
    pool.waiting.extend([pieces, late])
    start = clock.now
    for _ in range(9):
        http.poll()
        clock.now += 10
    assert pieces.body() == (200, b"b" * 5000) and not late.closed
    clock.now = start + 5000
    http.poll()
    assert not late.closed
    clock.now += 1  # a phone sends its request at once: 5 s is plenty
    http.poll()
    assert late.closed and late.body()[0] == 408


def test_a_full_server_closes_the_quietest_request_for_a_new_connection():
    http, pool, clock = server(big, max_clients=2)
    first, second = Conn([None] * 50), Conn([b"GET /x"])  # silent, and slow
    pool.waiting.append(first)
    http.poll()
    clock.now += 100
    pool.waiting.append(second)
    http.poll()
    clock.now += 100
    phone = Conn(room=None)
    pool.waiting.append(phone)
    for _ in range(4):
        http.poll()
        clock.now += 10
    assert phone.body() == (200, b"b" * 5000)
    assert first.closed and not second.closed  # silent since it came: the quietest


def test_answers_that_move_are_not_closed_for_a_new_connection():
    http, pool, clock = server(big, max_clients=2)
    readers = [Conn(room=500) for _ in range(3)]
    pool.waiting.extend(readers)
    for _ in range(100):
        http.poll()
        for conn in readers:
            conn.read(500)
        clock.now += 10
    for conn in readers:  # the third waited in the backlog until a slot was free
        assert conn.body() == (200, b"b" * 5000)


def test_incomplete_requests_hold_at_most_3_kb_between_polls():
    http, pool, _ = server(big)
    slow = [Conn([b"GET /x HTTP/1.1\r\nX-A: " + b"a" * 900]) for _ in range(4)]
    pool.waiting.extend(slow)
    http.poll()
    assert sum(1 for conn in slow if conn.closed) == 1  # 4 x 920 bytes: one is let go
    phone = Conn()
    pool.waiting.append(phone)
    http.poll()
    http.poll()
    http.poll()
    assert phone.body() == (200, b"b" * 5000)

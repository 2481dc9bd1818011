"""The portal's HTTP parsing: the request head and the response head."""

from blynk_edgent.httpd import HTTPError, parse_head, response_head
from support import raises


def head(text):
    return text.replace("\n", "\r\n").encode()


def test_get_and_post_heads():
    assert parse_head(head("GET /config?ssid=a HTTP/1.1\nHost: 192.168.4.1")) == ("GET", "/config?ssid=a", 0)
    assert parse_head(head("POST /config HTTP/1.0\nContent-Length: 12\nX-A: b")) == ("POST", "/config", 12)
    assert parse_head(head("HEAD / HTTP/1.1")) == ("HEAD", "/", 0)


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

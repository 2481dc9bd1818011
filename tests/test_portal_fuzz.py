# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""Fuzzing the running portal: over 10,000 malformed requests (hypothesis) to a simulated device in
config mode. It must answer each with a clear status or close, keep serving, and leave the stored
configuration as it was.
"""

from __future__ import annotations

import json
import shutil
import socket
import string
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from blynk_edgent.httpd import HTTPError, parse_head
from blynk_edgent.portal import parse_config
from blynk_edgent.urlcodec import parse_query
from edgent_host.cloud.testing import running_cloud
from edgent_host.sim.supervisor import Simulator
from edgent_host.sim.testing import running_sim

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "FUZZtoken0123456789abcdefghijklm"
EXAMPLES = int(__import__("os").environ.get("FUZZ_EXAMPLES", "10500"))

# The device under fuzz runs the library's own loop without the example's 5 ms sleep, so the
# run takes tens of seconds, not minutes; the portal code is the same.
FUZZ_CODE = """
from blynk_edgent import Edgent

edgent = Edgent()
while True:
    edgent.poll()
"""

STATUS = (200, 204, 302, 400, 403, 404, 405, 408, 413, 429, 431, 500, 503)


@pytest.fixture(scope="module")
def device(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Simulator, bytes]]:
    root = tmp_path_factory.mktemp("fuzz")
    drive = root / "esp32s3"
    shutil.copytree(ROOT / "examples" / "esp32s3", drive)
    (drive / "code.py").write_text(FUZZ_CODE)
    with (
        running_cloud(tls=True, tokens=[TOKEN]) as cloud,
        running_sim(
            drive / "code.py",
            root / "state",
            cloud,
            nvm={"ssid": "HomeNet", "password": "correct horse battery", "token": TOKEN},
        ) as sim,
    ):
        assert sim.wait_for(lambda s: s["state"] == "RUNNING", 20)
        cloud.wait_online(TOKEN)
        cloud.send_internal(TOKEN, "dbg", "config start")  # config mode with a configuration stored
        assert sim.wait_for(lambda s: s["state"] == "WAIT_CONFIG" and s["ap"], 20)
        stored = (root / "state" / "nvm.bin").read_bytes()
        yield sim, stored
        assert (root / "state" / "nvm.bin").read_bytes() == stored
        assert sim.snapshot()["boots"] == 1, sim.log_lines()[-30:]  # what it said before it rebooted


def exchange(address: tuple[str, int], data: bytes, close_write: bool = True) -> bytes:
    """Send ``data`` on a new connection and read until the device closes it."""
    with socket.create_connection(address, timeout=10) as sock:
        try:
            sock.sendall(data)
            if close_write:
                sock.shutdown(socket.SHUT_WR)
        except OSError:
            pass  # the device may answer (431) and close before all of a large request is sent
        answer = b""
        try:
            while chunk := sock.recv(4096):
                answer += chunk
        except ConnectionResetError:
            pass
    return answer


def _harmless(target: str, body: str = "") -> bool:
    """Keep out the requests that would legitimately change state: a valid /config, /reset, /reboot."""
    path, _, query = target.partition("?")
    if path in ("/reset", "/reboot"):
        return False
    if path == "/config":
        try:
            params = parse_query(query)
            for name, value in parse_query(body).items():
                params.setdefault(name, value)
            parse_config(params, True)
        except ValueError:
            return True
        return False
    return True


def _harmless_request(request: bytes) -> bool:
    """:func:`_harmless` for a whole request, read as the device reads it (its own head parser):
    hypothesis draws strings from the project's own literals ("reboot" among them), so any
    strategy may form ``GET /reboot HTTP/1.1`` (it did: a fuzz run rebooted the device)."""
    head, complete, rest = request.partition(b"\r\n\r\n")
    if not complete:
        return True  # the device never dispatches a request whose head did not end
    try:
        _, target, length, _ = parse_head(head)
    except HTTPError:
        return True
    return _harmless(target, rest[:length].decode("utf-8", "replace"))


text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=60)
targets = st.one_of(
    st.sampled_from(["/config", "/board_info.json", "/wifi_scan.json", "/", "/generate_204", "/x"]).flatmap(
        lambda path: st.one_of(
            st.just(path),
            text.map(lambda q: f"{path}?{q}"),
            st.lists(st.sampled_from(["ssid=a", "ssid=b", "blynk=x", "%", "%zz", "%ff%fe", "pass=", "&", "="])).map(
                lambda parts: f"{path}?{'&'.join(parts)}"
            ),
        )
    ),
    text.map(lambda t: "/" + t),
)

requests = st.one_of(
    # raw garbage, sometimes shaped like HTTP
    st.binary(max_size=600),
    st.binary(max_size=200).map(lambda b: b"GET /" + b + b" HTTP/1.1\r\n\r\n"),
    # a request line that is wrong in one part
    st.tuples(
        st.sampled_from(["GET", "POST", "PUT", "DELETE", "get", "", "GET GET"]),
        targets,
        st.sampled_from(["HTTP/1.1", "HTTP/1.0", "HTTP/2", "HTTP/1.1 extra", ""]),
    ).map(lambda t: f"{t[0]} {t[1]} {t[2]}\r\n\r\n".encode(errors="surrogatepass")),
    # well-formed requests with hostile queries
    targets.filter(_harmless).map(lambda t: f"GET {t} HTTP/1.1\r\nHost: 192.168.4.1\r\n\r\n".encode()),
    # headers that are too long or broken
    st.integers(2100, 4000).map(lambda n: b"GET / HTTP/1.1\r\nX-Fill: " + b"a" * n + b"\r\n\r\n"),
    st.text(string.printable, max_size=80).map(lambda h: f"GET / HTTP/1.1\r\n{h}\r\n\r\n".encode()),
    # bodies: too large, shorter than announced (the client then closes), not UTF-8
    st.integers(1025, 99999).map(lambda n: f"POST /config HTTP/1.1\r\nContent-Length: {n}\r\n\r\n".encode()),
    st.binary(max_size=300).map(
        lambda b: f"POST /config HTTP/1.1\r\nContent-Length: {len(b) + 5}\r\n\r\n".encode() + b
    ),
    st.binary(min_size=1, max_size=300).map(
        lambda b: f"POST /config HTTP/1.1\r\nContent-Length: {len(b)}\r\n\r\n".encode() + b
    ),
).filter(_harmless_request)


# Requests that would change the device, sent by what is not the device's own page or app: a
# page under another name (DNS rebinding), a form of another site. Each must be refused (403).
VALID_CONFIG = f"/config?ssid=HomeNet&pass=correct+horse+battery&blynk={TOKEN}"
foreign_headers = st.one_of(
    st.sampled_from(["evil.example", "192.168.4.1.nip.io", "192.168.4.1:8080", "localhost", "blynk.setup.evil"]).map(
        lambda h: f"Host: {h}\r\n"
    ),
    st.sampled_from(["http://evil.example", "null", "https://192.168.4.1", "http://192.168.4.1:81", "file://"]).map(
        lambda o: f"Host: 192.168.4.1\r\nOrigin: {o}\r\n"
    ),
    st.sampled_from(["cross-site", "same-site"]).map(lambda f: f"Host: blynk.setup\r\nSec-Fetch-Site: {f}\r\n"),
    st.sampled_from(["http://evil.example/", "https://192.168.4.1/", "http://192.168.4.1.evil/x"]).map(
        lambda r: f"Host: 192.168.4.1\r\nReferer: {r}\r\n"
    ),
    st.text(string.ascii_letters + string.digits + ".-", min_size=1, max_size=40)
    .filter(lambda h: h.lower() not in ("192.168.4.1", "blynk.setup") and not h.lower().startswith("blynk-device"))
    .map(lambda h: f"Host: {h}\r\n"),
)
foreign = st.tuples(
    st.sampled_from([VALID_CONFIG, VALID_CONFIG + "&save=1", "/reset", "/reboot"]), foreign_headers
).map(lambda t: f"GET {t[0]} HTTP/1.1\r\n{t[1]}\r\n".encode())


def test_the_fuzz_keeps_out_only_what_would_change_the_device() -> None:
    token = "&blynk=" + TOKEN
    for request in (
        b"GET /reboot HTTP/1.1\r\n\r\n",
        b"POST /reset HTTP/1.0\r\nX: y\r\n\r\n",
        f"GET /config?ssid=a{token} HTTP/1.1\r\n\r\n".encode(),
        f"POST /config HTTP/1.1\r\nContent-Length: {len(token) + 6}\r\n\r\nssid=a{token}".encode(),
    ):
        assert not _harmless_request(request), request
    for request in (
        b"GET /reboot HTTP/1.1\r\n",  # never completes
        b"GET //reboot HTTP/1.1\r\n\r\n",
        b"get /reboot HTTP/1.1\r\n\r\n",
        b"GET /config?ssid=a&blynk=x HTTP/1.1\r\n\r\n",
        f"POST /config HTTP/1.1\r\nContent-Length: 3\r\n\r\nssid=a{token}".encode(),  # body cut short
    ):
        assert _harmless_request(request), request


def _answered(answer: bytes) -> int:
    head = answer.split(b"\r\n", 1)[0]
    assert head.startswith(b"HTTP/1.1 "), answer[:200]
    status = int(head.split(b" ")[1])
    assert status in STATUS, head
    return status


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(request=requests)
def test_portal_survives_malformed_requests(device: tuple[Simulator, bytes], request: bytes) -> None:
    sim, _ = device
    host, port = sim.options.portal.split(":")
    answer = exchange((host, int(port)), request)
    if answer:  # closing without an answer is fine for a request that never completed
        _answered(answer)


@settings(max_examples=max(50, EXAMPLES // 20), deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(request=foreign)
def test_changes_from_another_site_are_refused(device: tuple[Simulator, bytes], request: bytes) -> None:
    sim, _ = device
    host, port = sim.options.portal.split(":")
    answer = exchange((host, int(port)), request)
    assert _answered(answer) == 403, (request, answer[:300])


@settings(max_examples=max(20, EXAMPLES // 200), deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(
    first=targets.filter(_harmless),
    second=st.one_of(
        targets.filter(_harmless).map(lambda t: f"GET {t} HTTP/1.1\r\n\r\n".encode()), st.binary(max_size=80)
    ).filter(_harmless_request),
)
def test_pipelined_requests_get_the_first_answer(device: tuple[Simulator, bytes], first: str, second: bytes) -> None:
    sim, _ = device
    host, port = sim.options.portal.split(":")
    request = f"GET {first} HTTP/1.1\r\nHost: 192.168.4.1\r\n\r\n".encode() + second
    _answered(exchange((host, int(port)), request))


def test_non_reading_and_slow_clients_leave_the_portal_serving(device: tuple[Simulator, bytes]) -> None:
    """Clients that send a request and never read the answer, and clients that send a byte a
    moment, while a phone asks for the board info: the phone is answered within 3 s each time."""
    import threading
    import time

    sim, _ = device
    host, port = sim.options.portal.split(":")
    address = (host, int(port))
    stop = threading.Event()

    def crowd(kind: str) -> None:
        while not stop.is_set():
            try:
                with socket.create_connection(address, timeout=5) as sock:
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)
                    if kind == "non-reading":
                        sock.sendall(b"GET / HTTP/1.1\r\nHost: 192.168.4.1\r\n\r\n")
                        stop.wait(4)
                    else:
                        for byte in b"GET /board_info.json HTTP/1.1\r\n\r\n":
                            if stop.wait(0.3):
                                break
                            sock.send(bytes((byte,)))
            except OSError:
                stop.wait(0.1)

    threads = [threading.Thread(target=crowd, args=(k,), daemon=True) for k in ["non-reading"] * 2 + ["slow"] * 8]
    for thread in threads:
        thread.start()
    try:
        time.sleep(1)
        for _ in range(5):
            started = time.monotonic()
            answer = exchange(address, b"GET /board_info.json HTTP/1.1\r\nHost: 192.168.4.1\r\n\r\n")
            assert _answered(answer) == 200 and time.monotonic() - started < 3
            time.sleep(0.5)
    finally:
        stop.set()
        for thread in threads:
            thread.join(10)


def test_after_the_fuzz_the_portal_still_answers(device: tuple[Simulator, bytes]) -> None:
    sim, _ = device
    host, port = sim.options.portal.split(":")
    answer = exchange((host, int(port)), b"GET /board_info.json HTTP/1.1\r\n\r\n")
    body = json.loads(answer.split(b"\r\n\r\n", 1)[1])
    assert body["ssid"] == "Blynk Device-PYN6" and body["state"] in ("WAIT_CONFIG", "CONFIGURING")
    # a client that sends nothing gets 408 after 5 s, and others are served meanwhile
    with socket.create_connection((host, int(port)), timeout=15) as idle:
        idle.sendall(b"GET / HT")
        served = exchange((host, int(port)), b"GET /wifi_scan.json HTTP/1.1\r\n\r\n")
        assert served.startswith(b"HTTP/1.1 200")
        answer = b""
        while chunk := idle.recv(4096):
            answer += chunk
        assert answer.startswith(b"HTTP/1.1 408")

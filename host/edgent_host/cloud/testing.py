# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The local cloud for tests: :func:`running_cloud` runs it in a background thread on free loopback ports.

Example::

    from edgent_host.cloud.frames import Command
    from edgent_host.cloud.testing import running_cloud

    with running_cloud(tls=True, tokens=[TOKEN]) as cloud:
        # a device under test connects to cloud.host:cloud.device_port, trusting cloud.ca_file
        with cloud.connect_device(TOKEN) as device:     # or a raw client, already logged in
            device.send(Command.HARDWARE, "vw", 1, 42)
            cloud.wait_until(lambda: cloud.device(TOKEN)["pins"].get("V1") == "42")
        cloud.send_internal(TOKEN, "dbg", "config start")  # needs the device online

The cloud is the real server (:class:`~edgent_host.cloud.server.CloudServer`) on its own event
loop; tests reach it only through real sockets: the device protocol, and the HTTP API that the
helper methods of :class:`RunningCloud` wrap. Leaving the ``with`` block closes every connection
and stops the thread. The ``edgent_host.cloud`` logger says what happens (``caplog`` shows it).
"""

from __future__ import annotations

import asyncio
import http.client
import json
import random
import shutil
import socket
import ssl
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, NamedTuple, TypeVar
from urllib.parse import quote

from edgent_host.cloud.devices import DEFAULT_TEMPLATE_ID
from edgent_host.cloud.frames import Arg, Command, Frame, FrameDecoder, encode
from edgent_host.cloud.server import DEFAULT_CA_DIR, Address, CloudConfig, CloudServer

T = TypeVar("T")

__all__ = ["DeviceClient", "HttpAnswer", "RunningCloud", "running_cloud"]


class HttpAnswer(NamedTuple):
    """An HTTP answer from the cloud: status and body (a tuple, so ``answer == (200, b"42")`` works)."""

    status: int
    body: bytes

    @property
    def text(self) -> str:
        """The body as text."""
        return self.body.decode("utf-8")

    def json(self) -> Any:
        """The body parsed as JSON."""
        return json.loads(self.body)


class DeviceClient:
    """A minimal device over a real socket (plain or TLS), speaking raw frames; for protocol tests.

    Usable as a context manager (closes the socket). Not thread-safe: use it from one thread.
    """

    def __init__(self, sock: socket.socket) -> None:
        """Wrap a connected socket."""
        self.sock = sock
        self._decoder = FrameDecoder()
        self._frames: deque[Frame] = deque()
        self._next_id = 1

    def send(self, command: int, *args: Arg, msg_id: int | None = None) -> int:
        """Send a frame (a fresh message id unless ``msg_id`` is given); return its message id."""
        if msg_id is None:
            msg_id = self._next_id
            self._next_id = self._next_id % 0xFFFF + 1
        self.sock.sendall(encode(command, msg_id, *args))
        return msg_id

    def send_raw(self, data: bytes) -> None:
        """Send bytes as they are (for malformed frames)."""
        self.sock.sendall(data)

    def login(self, token: str, command: int = Command.HW_LOGIN, timeout: float = 5.0) -> int:
        """Send a login (HW_LOGIN, or LOGIN for the legacy form) and return the status of the answer.

        Raises AssertionError when the answer is not a RESPONSE to the login (a REDIRECT, say).
        """
        msg_id = self.send(command, token)
        frame = self.read_frame(timeout)
        assert frame.command == Command.RESPONSE and frame.msg_id == msg_id, "login answered with %r" % (frame,)
        return frame.status

    def read_frame(self, timeout: float = 5.0) -> Frame:
        """The next frame from the cloud. Raises TimeoutError, or ConnectionError once the cloud has closed."""
        deadline = time.monotonic() + timeout
        while not self._frames:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("no frame from the cloud within %g s" % timeout)
            self.sock.settimeout(remaining)
            try:
                data = self.sock.recv(4096)
            except TimeoutError:
                continue
            except (ConnectionResetError, BrokenPipeError, ssl.SSLEOFError, ssl.SSLZeroReturnError):
                data = b""
            if not data:
                raise ConnectionError("the cloud closed the connection")
            self._decoder.feed(data)
            self._frames.extend(self._decoder)
        return self._frames.popleft()

    def read_until_closed(self, timeout: float = 5.0) -> list[Frame]:
        """Every frame until the cloud closes the connection. Raises TimeoutError if it stays open."""
        frames: list[Frame] = []
        deadline = time.monotonic() + timeout
        while True:
            try:
                frames.append(self.read_frame(max(deadline - time.monotonic(), 0.001)))
            except ConnectionError:
                return frames

    def close(self) -> None:
        """Close the socket."""
        self.sock.close()

    def __enter__(self) -> DeviceClient:
        """Return self."""
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None) -> None:
        """Close the socket."""
        self.close()


@dataclass
class RunningCloud:
    """A cloud started by :func:`running_cloud`: where it listens, and shortcuts to its HTTP API.

    ``ca_dir``/``ca_file`` are None without TLS.
    """

    host: str
    device_port: int
    http_port: int
    tls: bool
    ca_dir: Path | None

    @property
    def device_address(self) -> Address:
        """(host, port) of the device protocol listener."""
        return self.host, self.device_port

    @property
    def http_url(self) -> str:
        """Base URL of the HTTP API, e.g. ``http://127.0.0.1:40124``."""
        return "http://%s:%d" % (self.host, self.http_port)

    @property
    def ca_file(self) -> Path | None:
        """The CA certificate a device must trust (``ca_dir/ca.pem``), or None without TLS."""
        return self.ca_dir / "ca.pem" if self.ca_dir else None

    def client_ssl_context(self) -> ssl.SSLContext:
        """An ``ssl`` client context trusting only this cloud's CA (use server_hostname "blynk.cloud")."""
        if self.ca_file is None:
            raise ValueError("this cloud runs without TLS")
        # Imported here: only TLS needs the cryptography package (as in server.py).
        from edgent_host.cloud.ca import client_context

        return client_context(self.ca_file)

    # -- device protocol -----------------------------------------------------------------------

    def connect_device(self, token: str | None = None, timeout: float = 5.0) -> DeviceClient:
        """A raw :class:`DeviceClient` connected to the cloud (over TLS if it runs TLS).

        With ``token`` it also logs in and asserts the answer is 200.
        """
        sock = socket.create_connection(self.device_address, timeout=timeout)
        # Small frames sent one after another would otherwise wait for the server's delayed ACK.
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if self.tls:
            try:
                sock = self.client_ssl_context().wrap_socket(sock, server_hostname="blynk.cloud")
            except BaseException:
                sock.close()
                raise
        client = DeviceClient(sock)
        if token is not None:
            status = client.login(token, timeout=timeout)
            if status != 200:
                client.close()
                raise AssertionError("login with %s... answered %d" % (token[:4], status))
        return client

    # -- HTTP API ------------------------------------------------------------------------------

    def request(self, method: str, path: str, body: Any = None, timeout: float = 5.0) -> HttpAnswer:
        """One HTTP request to the cloud; ``body`` (if not None) is sent as JSON. Any status is returned."""
        connection = http.client.HTTPConnection(self.host, self.http_port, timeout=timeout)
        try:
            headers = {"Content-Type": "application/json"} if body is not None else {}
            data = json.dumps(body).encode("utf-8") if body is not None else None
            connection.request(method, path, body=data, headers=headers)
            answer = connection.getresponse()
            return HttpAnswer(answer.status, answer.read())
        finally:
            connection.close()

    def get(self, path: str) -> HttpAnswer:
        """``GET path``."""
        return self.request("GET", path)

    def post(self, path: str, body: Any = None) -> HttpAnswer:
        """``POST path`` with a JSON body."""
        return self.request("POST", path, {} if body is None else body)

    def api(self, endpoint: str, token: str, *params: tuple[str, str]) -> HttpAnswer:
        """``GET /external/api/<endpoint>?token=...&<params>``; a pin alone is ``("V5", "")``."""
        # A bare pin name (get?token=...&V5) is a parameter without "=".
        query = "&".join(quote(k) + ("=" + quote(v) if v else "") for k, v in [("token", token), *params])
        return self.get("/external/api/%s?%s" % (endpoint, query))

    def _ok(self, answer: HttpAnswer, what: str) -> HttpAnswer:
        if answer.status != 200:
            raise AssertionError("%s: HTTP %d %s" % (what, answer.status, answer.text))
        return answer

    def devices(self) -> list[dict[str, Any]]:
        """``GET /emulator/devices``: every device as a dict (token, online, info, pins, events, ...)."""
        result: list[dict[str, Any]] = self._ok(self.get("/emulator/devices"), "list devices").json()
        return result

    def device(self, token: str) -> dict[str, Any]:
        """``GET /emulator/devices/<token>``: one device as a dict."""
        result: dict[str, Any] = self._ok(self.get("/emulator/devices/" + token), "device %s..." % token[:4]).json()
        return result

    def is_online(self, token: str) -> bool:
        """Whether the device is logged in now (``isHardwareConnected``)."""
        return self._ok(self.api("isHardwareConnected", token), "isHardwareConnected").text == "true"

    def new_device(self, template_id: str = DEFAULT_TEMPLATE_ID, name: str = "Device") -> str:
        """``POST /emulator/devices``, as the Blynk app does when provisioning; returns the new token."""
        answer = self._ok(self.post("/emulator/devices", {"template_id": template_id, "name": name}), "new device")
        token: str = answer.json()["token"]
        return token

    def update(self, token: str, pin: str, *values: str) -> None:
        """``update?token=...&V5=a&V5=b``: store the values and write them to the device if online."""
        self._ok(self.api("update", token, *((pin, str(v)) for v in values)), "update %s" % pin)

    def send_internal(self, token: str, *args: str) -> None:
        """Send INTERNAL ``args`` to the online device, e.g. ``("dbg", "config start")`` or ``("ota", url)``."""
        self._ok(self.post("/emulator/devices/%s/internal" % token, {"args": list(args)}), "internal %r" % (args,))

    def disconnect(self, token: str) -> None:
        """Close the online device's connection from the cloud's side."""
        self._ok(self.post("/emulator/devices/%s/disconnect" % token), "disconnect")

    # -- waiting -------------------------------------------------------------------------------

    @staticmethod
    def wait_until(condition: Callable[[], T], timeout: float = 5.0, interval: float = 0.01, what: str = "") -> T:
        """Call ``condition`` until it returns something true, and return that; AssertionError after ``timeout``."""
        deadline = time.monotonic() + timeout
        while True:
            result = condition()
            if result:
                return result
            if time.monotonic() >= deadline:
                raise AssertionError("timed out after %g s waiting for %s" % (timeout, what or condition))
            time.sleep(interval)

    def wait_online(self, token: str, online: bool = True, timeout: float = 5.0) -> None:
        """Wait until the device is online (or, with ``online=False``, offline)."""
        state = "online" if online else "offline"
        self.wait_until(lambda: self.is_online(token) == online, timeout, what="%s... %s" % (token[:4], state))


class _CloudThread:
    """The server's event loop in a daemon thread."""

    def __init__(self, config: CloudConfig) -> None:
        self.server = CloudServer(config)
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=self._main, name="edgent-cloud", daemon=True)

    def start(self) -> None:
        self._thread.start()
        if not self._ready.wait(60):
            raise RuntimeError("the local cloud did not start within 60 s")
        if self._error is not None:
            self._thread.join(5)
            raise self._error

    def stop(self) -> None:
        if self._loop is not None and self._stop is not None and self._thread.is_alive():
            try:
                self._loop.call_soon_threadsafe(self._stop.set)
            except RuntimeError:  # the loop ended on its own (an error, raised below)
                pass
        self._thread.join(15)
        if self._thread.is_alive():
            raise RuntimeError("the local cloud did not stop within 15 s")
        if self._error is not None:
            raise self._error

    def _main(self) -> None:
        try:
            asyncio.run(self._serve())
        except BaseException as error:  # handed to the test's thread by start() or stop()
            self._error = error
            self._ready.set()

    async def _serve(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        await self.server.start()
        self._ready.set()
        try:
            await self._stop.wait()
        finally:
            await self.server.close()


def port_outside_the_ephemeral_range() -> int:
    """A free loopback port below the kernel's range for outgoing connections.

    A test that stops its cloud and starts another on the same port must not take that port
    from the ephemeral range: in the gap, any outgoing connection on the machine (the device's
    own retries among them) may be given it as its source port, and the second cloud then fails
    with EADDRINUSE (seen under load).
    """
    low = 32768
    try:
        low = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        pass
    for _ in range(200):  # at random: parallel runs, and calls before a bind, stay apart
        port = random.randrange(10000, max(10001, low))
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free loopback port below %d" % low)


@contextmanager
def running_cloud(
    *,
    tls: bool = False,
    tokens: Sequence[str] = (),
    template_id: str = DEFAULT_TEMPLATE_ID,
    redirect: Address | None = None,
    ca_dir: Path | str | None = None,
    host: str = "127.0.0.1",
    login_timeout: float = 10.0,
    default_heartbeat: float = 40.0,
    device_port: int = 0,
) -> Iterator[RunningCloud]:
    """Run the local cloud in a background thread on free ports of ``host`` and yield a :class:`RunningCloud`.

    - ``tls``: serve the device protocol over TLS. The CA lives in ``ca_dir`` (created or reused);
      without one, a temporary directory removed on exit.
    - ``tokens``: devices registered at start, with ``template_id``.
    - ``redirect``: (host, port) to answer every login with a REDIRECT to.
    - ``device_port``: the device protocol's port (0: a free one); a test that stops the cloud
      and starts it again gives the first one's port to the second.
    - ``login_timeout``, ``default_heartbeat``: seconds; a connection is closed if it does not log
      in within ``login_timeout``, or stays silent for 2.5 x its heartbeat (from its info message,
      else ``default_heartbeat``).

    The HTTP API always listens on ``host`` too. On exit every connection is closed and the thread
    stops; an error inside the server's thread is raised here.
    """
    temporary: str | None = None
    if tls and ca_dir is None:
        temporary = tempfile.mkdtemp(prefix="edgent-cloud-ca-")
        ca_dir = temporary
    config = CloudConfig(
        listen=(host, device_port),
        http=(host, 0),
        tls=tls,
        ca_dir=Path(ca_dir) if ca_dir is not None else DEFAULT_CA_DIR,  # unused without TLS
        tokens=list(tokens),
        template_id=template_id,
        redirect=redirect,
        login_timeout=login_timeout,
        default_heartbeat=default_heartbeat,
    )
    try:
        thread = _CloudThread(config)
        thread.start()
        server = thread.server
        try:
            yield RunningCloud(
                host=server.device_address[0],
                device_port=server.device_address[1],
                http_port=server.http_address[1],
                tls=tls,
                ca_dir=server.ca_files.directory if server.ca_files else None,
            )
        finally:
            thread.stop()
    finally:
        if temporary is not None:
            shutil.rmtree(temporary, ignore_errors=True)

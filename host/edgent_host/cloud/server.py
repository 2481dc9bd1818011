# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The local cloud as one object: the device protocol listener and the HTTP API over one device registry.

Usage (inside an event loop)::

    cloud = CloudServer(CloudConfig(listen=("127.0.0.1", 0), http=("127.0.0.1", 0), tokens=[token]))
    await cloud.start()            # binds; cloud.device_address and cloud.http_address are the real ones
    ...
    await cloud.close()

Everything runs on the loop that called :meth:`CloudServer.start`; state is touched from nowhere else.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import ssl
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from edgent_host.cloud.devices import DEFAULT_TEMPLATE_ID, Registry
from edgent_host.cloud.http_api import HttpApi, serve_connection
from edgent_host.cloud.protocol import DEFAULT_HEARTBEAT, DeviceSession, SessionOptions, peer_name

if TYPE_CHECKING:
    from edgent_host.cloud.ca import CAFiles

log = logging.getLogger("edgent_host.cloud")

DEFAULT_CA_DIR = Path("out/cloud-ca")
TLS_HANDSHAKE_TIMEOUT = 10.0

Address = tuple[str, int]


@dataclass
class CloudConfig:
    """What ``edgent cloud`` is told on its command line, plus two timeouts tests may shorten (seconds).

    An empty host in ``listen`` or ``http`` means every IPv4 interface.
    """

    listen: Address = ("127.0.0.1", 0)
    http: Address = ("127.0.0.1", 0)
    tls: bool = False
    ca_dir: Path = DEFAULT_CA_DIR
    tokens: Sequence[str] = ()
    template_id: str = DEFAULT_TEMPLATE_ID
    redirect: Address | None = None
    login_timeout: float = 10.0
    default_heartbeat: float = DEFAULT_HEARTBEAT


class CloudServer:
    """The device protocol server (plain or TLS) and the HTTP API, sharing one :class:`Registry`."""

    def __init__(self, config: CloudConfig) -> None:
        """Prepare the server and register ``config.tokens``; nothing is bound until :meth:`start`."""
        self.config = config
        self.registry = Registry()
        for token in config.tokens:
            self.registry.add(token, config.template_id)
        self.api = HttpApi(self.registry, config.template_id)
        self.ca_files: CAFiles | None = None
        self.device_address: Address = config.listen
        self.http_address: Address = config.http
        self._options = SessionOptions(
            redirect=config.redirect, login_timeout=config.login_timeout, default_heartbeat=config.default_heartbeat
        )
        self._servers: list[asyncio.Server] = []
        self._tasks: set[asyncio.Task[None]] = set()
        self._closing = False
        self._sessions: set[DeviceSession] = set()
        self._http: set[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = set()
        self._handshaking: set[asyncio.StreamWriter] = set()
        self._context: ssl.SSLContext | None = None

    async def start(self) -> None:
        """Create the CA files if TLS is on, then bind both listeners (port 0 picks a free port)."""
        context = None
        if self.config.tls:
            # Imported here: only TLS needs the cryptography package, and every `edgent` command imports this module.
            from edgent_host.cloud import ca

            # Key generation takes a moment; keep the loop free for anything else already running.
            self.ca_files = await asyncio.to_thread(ca.ensure_ca, self.config.ca_dir)
            context = ca.server_context(self.ca_files)
        self._context = context
        # Plain TCP, upgraded in _device_connected: a failed handshake then reaches our code and the
        # log (a wrong CA on the device is the commonest TLS problem); asyncio would drop it silently.
        devices = await _listen(self._device_connected, self.config.listen)
        self._servers.append(devices)
        http = await _listen(self._http_connected, self.config.http)
        self._servers.append(http)
        self.device_address = _bound(devices)
        self.http_address = _bound(http)

    async def close(self) -> None:
        """Stop listening, close every connection and wait for their handlers to finish."""
        self._closing = True
        for server in self._servers:
            server.close()
        for session in list(self._sessions):
            session.close("the cloud is stopping")
        for writer in list(self._handshaking):
            writer.transport.abort()
        for reader, writer in list(self._http):
            reader.feed_eof()
            writer.close()
        tasks = list(self._tasks)
        if tasks:
            _, pending = await asyncio.wait(tasks, timeout=5.0)
            for task in pending:  # a handler stuck despite its closed connection: a bug, but not a hang
                log.warning("cancelling a connection handler that did not end")
                task.cancel()
        for server in self._servers:
            await server.wait_closed()
        self._servers.clear()

    def _track(self) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _device_connected(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self._closing:  # accepted just as the cloud began to stop
            writer.close()
            return
        self._track()
        transport = "tls" if self._context else "plain"
        peer = peer_name(writer)
        log.info("%s: connected (%s)", peer, transport)
        if self._context is not None:
            self._handshaking.add(writer)
            try:
                await writer.start_tls(self._context, ssl_handshake_timeout=TLS_HANDSHAKE_TIMEOUT)
            except (OSError, TimeoutError) as error:
                log.info("%s: TLS handshake failed: %s", peer, _tls_failure(error))
                writer.close()
                return
            except asyncio.CancelledError:  # see below
                writer.close()
                return
            finally:
                self._handshaking.discard(writer)
        session = DeviceSession(reader, writer, self.registry, self._options, transport)
        self._sessions.add(session)
        try:
            await session.run()
        except asyncio.CancelledError:
            # Only close() cancels, after the connection is closed. Python 3.11's stream server
            # logs a handler task that ends cancelled as an error, so end it normally.
            pass
        finally:
            self._sessions.discard(session)

    async def _http_connected(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self._closing:
            writer.close()
            return
        self._track()
        self._http.add((reader, writer))
        try:
            await serve_connection(reader, writer, self.api)
        except asyncio.CancelledError:  # as above
            pass
        finally:
            self._http.discard((reader, writer))


async def _listen(
    handler: Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]], address: Address
) -> asyncio.Server:
    # One socket on one address: with port 0, a name with several addresses (localhost may be ::1
    # and 127.0.0.1) would get a different free port on each, and only one could be announced.
    host, port = address
    infos = await asyncio.get_running_loop().getaddrinfo(
        host or "0.0.0.0", port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
    )
    return await asyncio.start_server(handler, str(infos[0][4][0]), port)


# What a failed handshake usually means, for the log.
_TLS_HINTS = {
    "TLSV1_ALERT_UNKNOWN_CA": "the device does not trust this cloud's CA: give it ca.pem from the --ca directory",
    "SSLV3_ALERT_BAD_CERTIFICATE": "the device refused the certificate (its name, or the device's clock?)",
    "SSLV3_ALERT_CERTIFICATE_UNKNOWN": "the device refused the certificate (its name, or the device's clock?)",
    "WRONG_VERSION_NUMBER": "the device spoke plain TCP to the TLS port",
    "HTTP_REQUEST": "an HTTP request reached the TLS port",
}


def _tls_failure(error: BaseException) -> str:
    reason = getattr(error, "reason", None)
    text = str(reason or error) or type(error).__name__
    hint = _TLS_HINTS.get(reason) if isinstance(reason, str) else None
    return "%s (%s)" % (text, hint) if hint else text


def _bound(server: asyncio.Server) -> Address:
    name = server.sockets[0].getsockname()
    return str(name[0]), int(name[1])

# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""``ssl`` for the simulator: CircuitPython's TLS client over the simulated sockets.

``create_default_context()`` trusts what the board's certificate bundle would: here the local
cloud's CA (``--ca DIR``), as if it were one of the bundled roots. Failures come out as
CircuitPython's do (shared-module/ssl/SSLSocket.c): ``OSError`` with mbedtls's negative code and
its message, and a read with nothing to read raises ``OSError(EAGAIN)`` (newlib's numbers, ``errno``).
"""

from __future__ import annotations

import ssl as host_ssl
from typing import Any

from edgent_host.sim import runtime as _sim
from edgent_host.sim.cp.errno import EAGAIN, ECONNRESET, ETIMEDOUT
from edgent_host.sim.cp.socketpool import Socket, SocketPool

MBEDTLS_ERR_X509_CERT_VERIFY_FAILED = -0x2700
MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE = -0x7780
MBEDTLS_ERR_SSL_CONN_EOF = -0x7280

_HANDSHAKE_TIMEOUT_S = 10


class SSLContext:
    """Settings for TLS connections."""

    def __init__(self) -> None:
        self._context = host_ssl.SSLContext(host_ssl.PROTOCOL_TLS_CLIENT)
        self.check_hostname = True

    def load_verify_locations(self, cafile: str | None = None, capath: str | None = None, cadata: str | None = None):
        """Trust only these certificates (replaces the bundle, as on the board)."""
        self._context = host_ssl.SSLContext(host_ssl.PROTOCOL_TLS_CLIENT)
        self._context.load_verify_locations(cafile=cafile, capath=capath, cadata=cadata)

    def set_default_verify_paths(self) -> None:
        """Trust the built-in bundle again."""
        self._context = _bundle_context()

    def load_cert_chain(self, certfile: str, keyfile: str) -> None:
        """Use a client certificate."""
        self._context.load_cert_chain(certfile, keyfile)

    def wrap_socket(self, sock: Socket, *, server_side: bool = False, server_hostname: str | None = None) -> SSLSocket:
        """Wrap a stream socket; the handshake happens in ``connect``."""
        if sock.type != SocketPool.SOCK_STREAM:
            raise RuntimeError("Invalid socket for TLS")
        return SSLSocket(self, sock, server_hostname)


def _bundle_context() -> host_ssl.SSLContext:
    return _sim.trusting_context(_sim.current().ca_file)


def create_default_context() -> SSLContext:
    """A context that verifies servers against the board's bundle of root certificates."""
    context = SSLContext()
    context._context = _bundle_context()
    return context


class SSLSocket:
    """A TLS connection over a simulated socket."""

    def __init__(self, context: SSLContext, sock: Socket, server_hostname: str | None) -> None:
        self._context = context
        self._sock = sock
        self._hostname = server_hostname
        self._tls: host_ssl.SSLSocket | None = None
        self.type = sock.type

    def connect(self, address: tuple[str, int]) -> None:
        """TCP connect, then the TLS handshake."""
        self._sock.connect(address)
        raw = self._sock._host_socket()
        timeout = raw.gettimeout()
        raw.settimeout(_HANDSHAKE_TIMEOUT_S if not timeout else timeout)
        try:
            context = self._context._context
            context.check_hostname = self._context.check_hostname and self._hostname is not None
            self._tls = context.wrap_socket(raw, server_hostname=self._hostname)
        except host_ssl.SSLCertVerificationError as error:
            self._sock.close()
            raise OSError(
                MBEDTLS_ERR_X509_CERT_VERIFY_FAILED,
                "X509 - Certificate verification failed, e.g. CRL, CA or signature check failed; "
                + str(error.verify_message),
            ) from None
        except host_ssl.SSLError as error:
            self._sock.close()
            raise OSError(MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE, f"SSL - handshake failed ({error.reason})") from None
        except (ConnectionError, TimeoutError, OSError):
            self._sock.close()
            raise OSError(MBEDTLS_ERR_SSL_CONN_EOF, "SSL - The connection indicated an EOF") from None
        self._tls.settimeout(timeout)

    def _live(self) -> host_ssl.SSLSocket:
        self._sock._real()  # raises as the plain socket would (network gone, closed)
        if self._tls is None:
            raise OSError(ECONNRESET)
        return self._tls

    def settimeout(self, value: float | None) -> None:
        """None blocks, 0 never blocks, else seconds."""
        if self._tls is not None:
            self._tls.settimeout(value)  # the plain socket was handed to TLS at connect
        else:
            self._sock.settimeout(value)

    def setblocking(self, flag: bool) -> None:
        """True: block; False: never block."""
        self.settimeout(None if flag else 0)

    def recv_into(self, buffer: Any, bufsize: int = 0) -> int:
        """Read decrypted bytes; 0 when the peer closed."""
        tls = self._live()
        try:
            return tls.recv_into(buffer, bufsize)
        except (host_ssl.SSLWantReadError, host_ssl.SSLWantWriteError, BlockingIOError):
            raise OSError(EAGAIN) from None
        except TimeoutError:
            raise OSError(ETIMEDOUT) from None
        except host_ssl.SSLZeroReturnError:
            return 0
        except OSError:
            raise OSError(ECONNRESET) from None

    def send(self, data: Any) -> int:
        """Encrypt and send; return the count."""
        tls = self._live()
        try:
            return tls.send(data)
        except (host_ssl.SSLWantReadError, host_ssl.SSLWantWriteError, BlockingIOError):
            raise OSError(EAGAIN) from None
        except OSError:
            raise OSError(ECONNRESET) from None

    def close(self) -> None:
        """Close the connection."""
        if self._tls is not None:
            try:
                self._tls.close()
            except OSError:
                pass
            self._tls = None
        self._sock.close()

    def __enter__(self) -> SSLSocket:
        return self

    def __exit__(self, *args: object) -> None:
        self.close()

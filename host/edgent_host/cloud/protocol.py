# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The server side of the Blynk binary protocol: one :class:`DeviceSession` per device connection.

What a session does with each frame from the device (protocol doc section 6):

- HW_LOGIN (29) or legacy LOGIN (2, blynklib 0.2.6): RESPONSE 200 with the same id if the token is
  known, else RESPONSE 9 (INVALID_TOKEN) and close. In redirect mode every login gets a REDIRECT
  ``host\\0port`` instead, then the connection closes. A new login with a token replaces (closes)
  that device's older connection.
- INTERNAL (17): ``meta\\0set\\0<field>\\0<value>`` is stored as metadata, anything else as the info
  message (alternating keys and values). Always answered with RESPONSE 200, because blynklib 0.2.6
  waits for one after its info message; other clients ignore a response they did not ask for.
- HARDWARE (20) ``vw\\0<pin>\\0<value>...``: stored. HARDWARE_SYNC (16) ``vr\\0<pin>...`` (or nothing,
  meaning all pins): each stored pin is written back as HARDWARE ``vw`` with the request's id.
- PROPERTY (19), EVENT_LOG (64): stored. PING (6): RESPONSE 200. RESPONSE (0): ignored.
- A malformed frame (unknown command, id 0, body too long) closes the connection. So does silence
  longer than the device's ``h-beat`` (from its info message, default 40 s) times 2.5.

The server never pings on its own: BlynkLib 0.2.0 crashes answering a server PING (``kwargs.id``)
and blynklib 0.2.6 answers with a malformed RESPONSE, and neither needs it.
"""

from __future__ import annotations

import asyncio
import datetime
import logging
import math
import ssl
from dataclasses import dataclass

from edgent_host.cloud.devices import Device, Event, Registry, pin_key, pin_number, redact
from edgent_host.cloud.frames import (
    HEADER,
    MAX_BODY,
    Arg,
    Command,
    Frame,
    FrameError,
    Status,
    check_header,
    describe,
    encode,
    encode_response,
)

log = logging.getLogger("edgent_host.cloud")

DEFAULT_HEARTBEAT = 40.0
HEARTBEAT_FACTOR = 2.5
CLOSE_TIMEOUT = 1.0

# Commands old libraries may send that this cloud accepts and drops (notifications, bridges, groups).
_IGNORED = {Command.TWEET, Command.EMAIL, Command.NOTIFY, Command.BRIDGE, Command.GROUP, Command.EVENT_CLEAR}


@dataclass(frozen=True)
class SessionOptions:
    """How sessions behave; the same for every connection of one server."""

    redirect: tuple[str, int] | None = None
    login_timeout: float = 10.0
    default_heartbeat: float = DEFAULT_HEARTBEAT
    heartbeat_factor: float = HEARTBEAT_FACTOR
    max_body: int = MAX_BODY


class _SessionEndedError(Exception):
    """Raised inside a session to end it, with the reason for the log."""


def peer_name(writer: asyncio.StreamWriter) -> str:
    """``host:port`` of the other end of a connection, for the log."""
    address = writer.get_extra_info("peername")
    return "%s:%s" % tuple(address[:2]) if isinstance(address, tuple) else str(address)


class DeviceSession:
    """One device connection, from the first byte to the close. :meth:`run` never raises (but may be cancelled)."""

    def __init__(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        registry: Registry,
        options: SessionOptions,
        transport: str,
    ) -> None:
        """Wrap an accepted connection; ``transport`` is ``tls`` or ``plain`` (for the log)."""
        self._reader = reader
        self._writer = writer
        self._registry = registry
        self._options = options
        self._transport = transport
        self.peer = peer_name(writer)
        self.device: Device | None = None
        self.heartbeat = options.default_heartbeat
        self._next_id = 1
        self._close_reason: str | None = None
        self._reading: asyncio.Future[Frame] | None = None

    @property
    def label(self) -> str:
        """How log lines name this connection: the redacted token once logged in, else the peer address."""
        return redact(self.device.token) if self.device else self.peer

    # -- sending -------------------------------------------------------------------------------

    def send(self, command: int, *args: Arg, msg_id: int | None = None) -> None:
        """Queue a frame to the device, with a fresh server message id unless ``msg_id`` is given."""
        if self._close_reason is not None:
            return
        if msg_id is None:
            msg_id = self._next_id
            self._next_id = self._next_id % 0xFFFF + 1  # 1..65535, never 0
        data = encode(command, msg_id, *args)
        log.info("%s < %s", self.label, describe(Frame(command, msg_id, data[HEADER.size :])))
        self._writer.write(data)

    def _respond(self, msg_id: int, status: int) -> None:
        if self._close_reason is not None:
            return
        log.info("%s < RESPONSE #%d status %d", self.label, msg_id, status)
        self._writer.write(encode_response(msg_id, status))

    def close(self, reason: str) -> None:
        """Close the connection after what is queued has been sent, and end :meth:`run` now."""
        if self._close_reason is None:
            self._close_reason = reason
        self._writer.close()
        # End a pending read at once: a TLS transport reports the end only after the peer's
        # close_notify or FIN, which a quiet (or gone) device may take long to send.
        if self._reading is not None:
            self._reading.cancel()

    # -- the connection's life -----------------------------------------------------------------

    async def run(self) -> None:
        """Serve the connection until the device leaves, breaks the protocol, falls silent or is closed."""
        reason = "closed"
        try:
            while self._close_reason is None:
                self._reading = asyncio.ensure_future(self._read_frame())
                try:
                    frame = await self._reading
                except asyncio.CancelledError:
                    current = asyncio.current_task()
                    if self._close_reason is None or (current is not None and current.cancelling()):
                        raise  # cancelled from outside, not by close()
                    break
                finally:
                    self._reading = None
                if self._close_reason is not None:  # closed while this frame came in: drop it
                    break
                self._log_frame(frame)
                self._handle(frame)
        except _SessionEndedError as closed:
            reason = str(closed)
        except FrameError as error:
            reason = "protocol error: %s" % error
        except asyncio.IncompleteReadError:
            reason = "connection closed by the device"
        except (ConnectionError, ssl.SSLError, OSError) as error:
            reason = "connection lost: %s" % (error or type(error).__name__)
        except Exception:  # a bug here must cost one connection, never the server
            log.exception("%s: unexpected error, closing the connection", self.label)
            reason = "internal error"
        finally:
            if self._close_reason is not None:
                reason = self._close_reason
            self._finish(reason)
            await self._wait_closed()

    async def _read_frame(self) -> Frame:
        timeout = (
            self._options.login_timeout if self.device is None else self.heartbeat * self._options.heartbeat_factor
        )
        try:
            async with asyncio.timeout(timeout):
                header = await self._reader.readexactly(HEADER.size)
                command, msg_id, length = HEADER.unpack(header)
                check_header(command, msg_id, length, self._options.max_body)
                if command == Command.RESPONSE:
                    return Frame(command, msg_id, b"", length)
                body = await self._reader.readexactly(length)
        except TimeoutError:
            if self.device is None:
                raise _SessionEndedError("no login within %g s" % timeout) from None
            factor = self._options.heartbeat_factor
            raise _SessionEndedError("silent for %g s (h-beat %g x %g)" % (timeout, self.heartbeat, factor)) from None
        return Frame(command, msg_id, body)

    def _finish(self, reason: str) -> None:
        self._close_reason = self._close_reason or reason
        self._writer.close()
        device = self.device
        if device is None:
            log.info("%s: connection ended (%s)", self.peer, reason)
            return
        if device.link is self:
            device.link = None
        log.info("logout %s from %s (%s)", redact(device.token), self.peer, reason)

    async def _wait_closed(self) -> None:
        # A TLS peer that never answers our close_notify (gone, or not reading) would hold the
        # connection for asyncio's 30 s shutdown timeout; a live device answers within the second.
        try:
            await asyncio.wait_for(self._writer.wait_closed(), CLOSE_TIMEOUT)
        except TimeoutError:
            self._writer.transport.abort()
        except (ConnectionError, ssl.SSLError, OSError):
            pass

    def _log_frame(self, frame: Frame) -> None:
        if frame.command in (Command.LOGIN, Command.HW_LOGIN):
            token = frame.args[0] if frame.args else ""
            log.info("%s > %s #%d %s", self.label, frame.name, frame.msg_id, redact(token))
        else:
            log.info("%s > %s", self.label, describe(frame))

    # -- frames --------------------------------------------------------------------------------

    def _handle(self, frame: Frame) -> None:
        command = frame.command
        if command in (Command.LOGIN, Command.HW_LOGIN):
            if self.device is not None:
                raise _SessionEndedError("protocol error: a second login on the same connection")
            self._login(frame)
            return
        device = self.device
        if device is None:
            self._respond(frame.msg_id, Status.NOT_AUTHENTICATED)
            raise _SessionEndedError("protocol error: %s before login" % frame.name)
        if command == Command.PING:
            self._respond(frame.msg_id, Status.SUCCESS)
        elif command == Command.RESPONSE or command in _IGNORED:
            pass
        elif command == Command.HARDWARE:
            self._hardware(device, frame.args)
        elif command == Command.HARDWARE_SYNC:
            self._sync(device, frame)
        elif command == Command.INTERNAL:
            self._internal(device, frame.args)
            self._respond(frame.msg_id, Status.SUCCESS)
        elif command == Command.PROPERTY:
            args = frame.args
            if len(args) >= 3:
                device.properties.setdefault(pin_key(args[0]), {})[args[1]] = args[2:]
        elif command == Command.EVENT_LOG:
            self._event(device, frame.args)
        else:  # REDIRECT, DEBUG_PRINT: only a server sends those
            raise _SessionEndedError("protocol error: %s is not sent by devices" % frame.name)

    def _login(self, frame: Frame) -> None:
        token = frame.args[0] if frame.args else ""
        redirect = self._options.redirect
        if redirect is not None:
            host, port = redirect
            self.send(Command.REDIRECT, host, port, msg_id=frame.msg_id)
            raise _SessionEndedError("redirected %s to %s:%d" % (redact(token), host, port))
        device = self._registry.get(token)
        if device is None:
            self._respond(frame.msg_id, Status.INVALID_TOKEN)
            raise _SessionEndedError("login refused: unknown token %s" % redact(token))
        old = device.link
        device.link = self
        self.device = device
        device.connections += 1
        device.last_login = datetime.datetime.now(datetime.UTC)
        if old is not None:
            old.close("replaced by a new login from %s" % self.peer)
        log.info("login %s from %s (%s), connection %d", redact(token), self.peer, self._transport, device.connections)
        self._respond(frame.msg_id, Status.SUCCESS)

    def _hardware(self, device: Device, args: list[str]) -> None:
        # Only virtual writes are stored; dw/aw/pm and the like mean nothing to this cloud.
        if len(args) >= 3 and args[0] == "vw":
            device.pins[pin_key(args[1])] = args[2:]

    def _sync(self, device: Device, frame: Frame) -> None:
        args = frame.args
        if args and args[0] != "vr":
            return
        wanted = [pin_key(pin) for pin in args[1:] if pin] or device.sorted_pins()
        for key in wanted:
            values = device.pins.get(key)
            if values is not None:
                self.send(Command.HARDWARE, "vw", pin_number(key), *values, msg_id=frame.msg_id)

    def _internal(self, device: Device, args: list[str]) -> None:
        if args[:2] == ["meta", "set"]:
            if len(args) >= 4:
                device.metadata[args[2]] = "\0".join(args[3:])
            return
        if not args or len(args) % 2:
            log.info("%s: INTERNAL %s is neither metadata nor an info message, ignored", self.label, args[:1])
            return
        device.info = dict(zip(args[0::2], args[1::2], strict=True))
        self.heartbeat = _heartbeat(device.info.get("h-beat"), self._options.default_heartbeat)

    def _event(self, device: Device, args: list[str]) -> None:
        if args and args[0]:
            device.events.append(Event(args[0], "\0".join(args[1:]) if len(args) > 1 else None))


def _heartbeat(value: str | None, default: float) -> float:
    """The heartbeat a device announced, in seconds. Decimals are accepted so tests can use short ones."""
    try:
        seconds = float(value) if value is not None else default
    except ValueError:
        return default
    return seconds if math.isfinite(seconds) and seconds > 0 else default

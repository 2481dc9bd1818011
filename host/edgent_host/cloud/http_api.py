# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The local cloud's HTTP side: Blynk's device HTTP API, and ``/emulator`` endpoints for the app and tests.

Blynk's documented API (answers as the real cloud gives them):

- ``GET /external/api/isHardwareConnected?token=T``: ``true`` or ``false``.
- ``GET /external/api/get?token=T&V5``: the pin's value as text (a multi-value pin as a JSON list);
  several pins (``&V5&V6``) give a JSON object.
- ``GET /external/api/update?token=T&V5=42``: stores the value and writes it to the device if online
  (``V5=a&V5=b`` is one multi-value write ``vw 5 a b``).
- ``GET /external/api/logEvent?token=T&code=C[&description=D]``: records an event.

Emulator endpoints (not Blynk's; what the Blynk app and tests need from a cloud):

- ``POST /emulator/devices`` ``{"template_id": ..., "name": ...}``: a new device with a fresh token.
- ``GET /emulator/devices``, ``GET /emulator/devices/<token>``: everything known about the devices.
- ``POST /emulator/devices/<token>/internal`` ``{"args": ["dbg", "config start"]}``: sends INTERNAL.
- ``POST /emulator/devices/<token>/disconnect``: closes the device's connection.

Every error is JSON ``{"error": {"message": "..."}}``; an unknown path is 404. One request per
connection (``Connection: close``), which every HTTP client handles.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from edgent_host.cloud.devices import (
    DEFAULT_TEMPLATE_ID,
    Device,
    Event,
    Registry,
    pin_key,
    pin_number,
    plain,
    redact,
)
from edgent_host.cloud.frames import Command

log = logging.getLogger("edgent_host.cloud")

_PIN = re.compile(r"^[Vv]\d{1,3}$")
_MAX_BODY = 64 * 1024
_REQUEST_TIMEOUT = 10.0


@dataclass
class Request:
    """A parsed HTTP request."""

    method: str
    path: str
    query: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""

    def param(self, name: str) -> str | None:
        """The first value of a query parameter, or None."""
        for key, value in self.query:
            if key == name:
                return value
        return None


@dataclass
class Response:
    """An HTTP answer."""

    status: int
    body: bytes = b""
    content_type: str = "text/plain; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, value: Any, status: int = 200) -> Response:
        """A JSON answer."""
        return cls(status, json.dumps(value).encode("utf-8"), "application/json")

    @classmethod
    def error(cls, status: int, message: str) -> Response:
        """A JSON error answer in the real cloud's shape: ``{"error": {"message": ...}}``."""
        return cls.json({"error": {"message": message}}, status)

    @classmethod
    def text(cls, text: str) -> Response:
        """A 200 answer with a text body."""
        return cls(200, text.encode("utf-8"))


class _HttpError(Exception):
    """Ends a request with an error answer."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.response = Response.error(status, message)


Handler = Callable[[Request], Response]


class HttpApi:
    """The routes, over the device registry. :meth:`handle` runs on the server's event loop."""

    def __init__(self, registry: Registry, template_id: str = DEFAULT_TEMPLATE_ID) -> None:
        """Serve ``registry``; devices created without a template get ``template_id``."""
        self._registry = registry
        self._template_id = template_id
        self._routes: dict[str, dict[str, Handler]] = {
            "/external/api/isHardwareConnected": {"GET": self._is_connected},
            "/external/api/get": {"GET": self._get},
            "/external/api/update": {"GET": self._update},
            "/external/api/logEvent": {"GET": self._log_event},
            "/emulator/devices": {"GET": self._list_devices, "POST": self._create_device},
        }
        self._device_routes: dict[str, dict[str, Callable[[Request, Device], Response]]] = {
            "": {"GET": self._show_device},
            "internal": {"POST": self._internal},
            "disconnect": {"POST": self._disconnect},
        }

    def handle(self, request: Request) -> Response:
        """Answer one request; never raises."""
        try:
            return self._route(request)
        except _HttpError as refusal:
            return refusal.response
        except Exception:  # a bug must cost one request, never the server
            log.exception("http %s %s failed", request.method, _redacted(request.path))
            return Response.error(500, "Internal error in the local cloud; see its log.")

    def _route(self, request: Request) -> Response:
        methods = self._routes.get(request.path)
        if methods is not None:
            return _pick(methods, request)(request)
        match = re.fullmatch(r"/emulator/devices/([^/]+)(?:/([^/]+))?", request.path)
        if match and (match.group(2) or "") in self._device_routes:
            handler = _pick(self._device_routes[match.group(2) or ""], request)
            token = match.group(1)
            device = self._registry.get(token)
            if device is None:
                raise _HttpError(
                    404,
                    "No device with token %s: start the cloud with --token, or POST /emulator/devices." % redact(token),
                )
            return handler(request, device)
        raise _HttpError(404, "Not found: %s" % request.path)

    # -- Blynk's device HTTP API ---------------------------------------------------------------

    def _device(self, request: Request) -> Device:
        token = request.param("token")
        device = self._registry.get(token) if token else None
        if device is None:
            raise _HttpError(400, "Invalid token.")
        return device

    def _is_connected(self, request: Request) -> Response:
        return Response.text("true" if self._device(request).online else "false")

    def _get(self, request: Request) -> Response:
        device = self._device(request)
        pins = [name for name, _ in request.query if name != "token"]
        if not pins:
            raise _HttpError(400, "No pin given: ask for one like get?token=...&V5.")
        for name in pins:
            _check_pin(name)
        missing = [name for name in pins if pin_key(name) not in device.pins]
        if missing:
            raise _HttpError(400, "Requested pin doesn't exist in the app: no value yet for %s." % ", ".join(missing))
        if len(pins) == 1:
            value = plain(device.pins[pin_key(pins[0])])
            return Response.text(value) if isinstance(value, str) else Response.json(value)
        return Response.json({name: plain(device.pins[pin_key(name)]) for name in pins})

    def _update(self, request: Request) -> Response:
        device = self._device(request)
        writes: dict[str, list[str]] = {}
        for name, value in request.query:
            if name != "token":
                _check_pin(name)
                writes.setdefault(pin_key(name), []).append(value)
        if not writes:
            raise _HttpError(400, "No pin given: write one like update?token=...&V5=42.")
        for key, values in writes.items():
            device.pins[key] = values
            if device.link is not None:
                device.link.send(Command.HARDWARE, "vw", pin_number(key), *values)
        return Response(200)

    def _log_event(self, request: Request) -> Response:
        device = self._device(request)
        code = request.param("code")
        if not code:
            raise _HttpError(400, "No event code given: logEvent?token=...&code=<event code>.")
        device.events.append(Event(code, request.param("description")))
        return Response(200)

    # -- emulator endpoints --------------------------------------------------------------------

    def _list_devices(self, request: Request) -> Response:
        return Response.json([device.to_json() for device in self._registry.all()])

    def _create_device(self, request: Request) -> Response:
        body = _json_object(request, '{"template_id": "TMPL...", "name": "..."}')
        template_id = body.get("template_id", self._template_id)
        name = body.get("name", "Device")
        if not isinstance(template_id, str) or not template_id or not isinstance(name, str):
            raise _HttpError(400, 'Expected {"template_id": "TMPL...", "name": "..."} with strings.')
        device = self._registry.create(template_id, name)
        log.info("created device %s (%s, %r)", redact(device.token), template_id, name)
        return Response.json({"token": device.token, "template_id": template_id, "name": name})

    def _show_device(self, request: Request, device: Device) -> Response:
        return Response.json(device.to_json())

    def _internal(self, request: Request, device: Device) -> Response:
        body = _json_object(request, '{"args": ["dbg", "config start"]}')
        args = body.get("args")
        if not isinstance(args, list) or not args or not all(_is_arg(a) for a in args):
            raise _HttpError(400, 'Expected {"args": ["dbg", "config start"]}: a non-empty list of strings.')
        if device.link is None:
            raise _HttpError(409, "Device %s is offline." % redact(device.token))
        device.link.send(Command.INTERNAL, *args)
        return Response.json({"sent": [str(a) for a in args]})

    def _disconnect(self, request: Request, device: Device) -> Response:
        if device.link is None:
            raise _HttpError(409, "Device %s is offline." % redact(device.token))
        device.link.close("disconnected through the HTTP API")
        return Response.json({"disconnected": True})


def _pick(methods: dict[str, Any], request: Request) -> Any:
    handler = methods.get(request.method)
    if handler is None:
        refusal = _HttpError(405, "Method %s not allowed here; use %s." % (request.method, " or ".join(methods)))
        refusal.response.headers["Allow"] = ", ".join(methods)
        raise refusal
    return handler


def _is_arg(value: object) -> bool:
    return isinstance(value, str) or (isinstance(value, int | float) and not isinstance(value, bool))


def _check_pin(name: str) -> None:
    if not _PIN.match(name) or int(name[1:]) > 255:
        raise _HttpError(400, "Invalid pin %r: only virtual pins V0 to V255 are supported." % name)


def _json_object(request: Request, example: str) -> dict[str, Any]:
    try:
        value = json.loads(request.body or b"{}")
    except ValueError:
        raise _HttpError(400, "The body is not JSON; expected %s." % example) from None
    if not isinstance(value, dict):
        raise _HttpError(400, "Expected a JSON object like %s." % example)
    return value


def _redacted(target: str) -> str:
    """A request target fit for logs: tokens in the query and in /emulator/devices/<token> cut to 4 characters."""
    target = re.sub(r"(token=)([^&]{0,4})[^&]*", r"\1\2...", target)
    return re.sub(r"(/emulator/devices/)([^/?]{0,4})[^/?]*", r"\1\2...", target)


# -- the HTTP/1.1 transport ----------------------------------------------------------------------


async def serve_connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, api: HttpApi) -> None:
    """Read one request from the connection, answer it and close. Never raises (but may be cancelled)."""
    target = "?"
    method = "?"
    try:
        try:
            async with asyncio.timeout(_REQUEST_TIMEOUT):
                method, target, request = await _read_request(reader, writer)
            response = api.handle(request)
        except _HttpError as refusal:
            response = refusal.response
        except (TimeoutError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError):
            response = Response.error(400, "Malformed or incomplete HTTP request.")
        log.info("http %s %s -> %d", method, _redacted(target), response.status)
        if writer.is_closing():  # the cloud is stopping
            return
        writer.write(_encode(response))
        await writer.drain()
    except (ConnectionError, OSError):
        pass
    except Exception:
        log.exception("http: unexpected error")
    finally:
        writer.close()
        try:
            await asyncio.wait_for(writer.wait_closed(), 2.0)
        except (TimeoutError, ConnectionError, OSError):
            pass


async def _read_request(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> tuple[str, str, Request]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) != 3 or not parts[2].startswith("HTTP/"):
        raise ValueError("bad request line")
    method, target = parts[0], parts[1]
    headers = {}
    for line in lines[1:]:
        if line:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
    if "chunked" in headers.get("transfer-encoding", "").lower():
        raise _HttpError(411, "Chunked bodies are not supported; send Content-Length.")
    length = int(headers.get("content-length", "0") or "0")
    if length < 0 or length > _MAX_BODY:
        raise _HttpError(413, "Body too large (%d bytes, at most %d)." % (length, _MAX_BODY))
    if length and headers.get("expect", "").lower() == "100-continue":  # curl asks so for bodies over 1 KiB
        writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
    body = await reader.readexactly(length) if length else b""
    parts_of_url = urlsplit(target)
    query = parse_qsl(parts_of_url.query, keep_blank_values=True)
    return method, target, Request(method.upper(), unquote(parts_of_url.path), query, body)


def _encode(response: Response) -> bytes:
    try:
        reason = HTTPStatus(response.status).phrase
    except ValueError:
        reason = "Unknown"
    head = [
        "HTTP/1.1 %d %s" % (response.status, reason),
        "Content-Type: %s" % response.content_type,
        "Content-Length: %d" % len(response.body),
        "Connection: close",
    ]
    head += ["%s: %s" % item for item in response.headers.items()]
    return ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + response.body

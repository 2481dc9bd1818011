# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""``edgent provision``: the phone's side of provisioning, from a laptop joined to the device's AP.

It does what the Blynk app does: reads the board info, lists networks when asked, gets a token
from the cloud's API when none is given, sends ``/config``, then waits for proof that the device
is online: the cloud's API saying so, or the device's own report (``/board_info.json``'s attempt
phase ``connected``, set only once the cloud accepted its login), whichever comes first, so that
a laptop on the device's access point with no way to the cloud sees the success too. It says in
words why the device is not online when it fails. Exit status 0 on success, 2 when the device
refused the configuration it was sent, else 1.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlencode

from blynk_edgent import messages
from edgent_host.cloud.devices import redact

DEFAULT_DEVICE = "http://192.168.4.1"
# The device takes changes only from what names it as a phone on its access point does.
DEVICE_HOST = "192.168.4.1"
DEFAULT_CLOUD_API = "https://blynk.cloud"


class ProvisionError(Exception):
    """Provisioning stopped; the message says why and what to do."""


class RefusedError(ProvisionError):
    """The device answered ``/config`` that the configuration is invalid (HTTP 400 or 500)."""


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``provision`` to the ``edgent`` command."""
    cmd = commands.add_parser("provision", help="provision a device in config mode, as the Blynk app does")
    cmd.add_argument("--device", default=DEFAULT_DEVICE, help=f"the device's portal (default {DEFAULT_DEVICE})")
    cmd.add_argument("--ssid", help="the network the device should join")
    cmd.add_argument("--password", default="", help="its password")
    cmd.add_argument("--token", help="the device's Blynk auth token")
    cmd.add_argument(
        "--cloud-api",
        default=DEFAULT_CLOUD_API,
        help=f"the cloud's HTTP API: where to get a token and check the device is online (default {DEFAULT_CLOUD_API})",
    )
    cmd.add_argument("--template", help="template id to create the device with (default: the device's own)")
    cmd.add_argument("--name", default="My Device", help="name of the device created in the cloud")
    cmd.add_argument("--host", help="cloud host the device should use (default: its own default, blynk.cloud)")
    cmd.add_argument("--port", type=int, help="cloud port the device should use")
    cmd.add_argument("--static", nargs=5, metavar=("IP", "MASK", "GW", "DNS", "DNS2"), help="static IPv4 settings")
    cmd.add_argument("--save", action="store_true", help="store first, before trying (Blynk's save=1)")
    cmd.add_argument("--list-networks", action="store_true", help="print the networks the device sees")
    cmd.add_argument("--timeout", type=float, default=90, help="seconds to wait for the device to come online")
    cmd.set_defaults(run=run)


def _http(method: str, url: str, body: Any = None, timeout: float = 5, host: str | None = None) -> tuple[int, bytes]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    if host is not None:
        request.add_header("Host", host)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def _json(status: int, body: bytes, what: str) -> Any:
    try:
        return json.loads(body)
    except ValueError:
        raise ProvisionError(f"{what}: HTTP {status}, not JSON: {body[:200]!r}") from None


def board_info(device: str, timeout: float = 5) -> dict[str, Any]:
    """The device's ``/board_info.json``."""
    try:
        status, body = _http("GET", device.rstrip("/") + "/board_info.json", timeout=timeout, host=DEVICE_HOST)
    except (urllib.error.URLError, OSError) as error:
        raise ProvisionError(
            f'no device at {device} ({error}). Join the device\'s access point ("Blynk <template>-XXXX") first.'
        ) from None
    info = _json(status, body, "board info")
    if status != 200 or not isinstance(info, dict):
        raise ProvisionError(f"board info: HTTP {status}")
    return info


def explain(code: int) -> str:
    """``last_error`` in words, with what to do."""
    return f"{messages.describe(code)} {messages.remedy(code)}".strip() + f" (last_error {code})"


def new_token(cloud_api: str, template_id: str, name: str) -> str:
    """Create the device in the cloud, as the Blynk app does, and return its token."""
    try:
        status, body = _http(
            "POST", cloud_api.rstrip("/") + "/emulator/devices", {"template_id": template_id, "name": name}
        )
    except (urllib.error.URLError, OSError) as error:
        raise ProvisionError(f"cannot reach the cloud API at {cloud_api}: {error}") from None
    answer = _json(status, body, "new device")
    if status != 200 or "token" not in answer:
        raise ProvisionError(f"the cloud did not create the device: HTTP {status} {answer}")
    return str(answer["token"])


def is_online(cloud_api: str, token: str, timeout: float = 5) -> bool | None:
    """Whether the cloud sees the device logged in; None when its API does not answer."""
    try:
        status, body = _http(
            "GET", f"{cloud_api.rstrip('/')}/external/api/isHardwareConnected?token={token}", timeout=timeout
        )
    except (urllib.error.URLError, OSError):
        return None
    return status == 200 and body.strip() == b"true"


def provision(args: argparse.Namespace, say: Any = print) -> None:
    """Do the whole flow; raise ProvisionError with the reason when it does not succeed."""
    info = board_info(args.device)
    say(f"device: {info.get('board')} (template {info.get('tmpl_id')}, firmware {info.get('fw_ver')}), "
        f"access point {info.get('ssid')!r}")  # fmt: skip
    if info.get("last_error"):
        say("its last attempt failed: " + explain(int(info["last_error"])))
    if args.list_networks:
        status, body = _http("GET", args.device.rstrip("/") + "/wifi_scan.json", timeout=30, host=DEVICE_HOST)
        for net in _json(status, body, "scan"):
            say(f"  {net['ssid']!r:34} {net['rssi']:4} dBm  ch {net['ch']:2}  {net['sec']}")
        if not args.ssid:
            return
    if not args.ssid:
        raise ProvisionError("--ssid is needed (add --list-networks to see what the device sees)")
    if args.template and args.template != info.get("tmpl_id"):
        raise ProvisionError(
            f"the device runs template {info.get('tmpl_id')}, not {args.template}: the template ids must match"
        )
    token = args.token
    if not token:
        token = new_token(args.cloud_api, args.template or str(info.get("tmpl_id")), args.name)
        say(f"device created in the cloud: token {redact(token)}")
    params: dict[str, str] = {"ssid": args.ssid, "pass": args.password, "blynk": token}
    if args.host:
        params["host"] = args.host
    if args.port:
        params["port_ssl"] = params["port"] = str(args.port)
    if args.static:
        params.update(zip(("ip", "mask", "gw", "dns", "dns2"), args.static, strict=True))
    if args.save:
        params["save"] = "1"
    try:
        status, body = _http(
            "GET", args.device.rstrip("/") + "/config?" + urlencode(params), timeout=10, host=DEVICE_HOST
        )
    except (urllib.error.URLError, OSError) as error:
        raise ProvisionError(f"sending the configuration failed: {error}") from None
    answer = _json(status, body, "config")
    if status != 200 or answer.get("status") != "ok":
        # Blynk's 500 says only "Configuration invalid"; this device adds the reason beside it.
        reason = answer.get("reason") or answer.get("msg", body.decode(errors="replace"))
        # 400 (a malformed request) and 500 (Blynk's answer to an invalid configuration) are about
        # what was sent; anything else (503: still busy with the last one) is worth a retry.
        kind = RefusedError if status in (400, 500) else ProvisionError
        raise kind(f"the device refused the configuration: {reason} (HTTP {status})")
    say(f"device: {answer.get('msg')}")
    _wait(args, token, say)


def _wait(args: argparse.Namespace, token: str, say: Any) -> None:
    """Return once the cloud's API or the device itself says it is online; ProvisionError otherwise."""
    deadline = time.monotonic() + args.timeout
    last_phase = ""
    cloud_answered = False
    while time.monotonic() < deadline:
        # The device first: it shows "connected" only for a moment before its access point closes, and a
        # cloud API that hangs (a laptop on the device's access point, without internet) must
        # not make this loop miss it; hence also the cloud's short timeout.
        try:
            info = board_info(args.device, timeout=2)
        except ProvisionError:
            info = {}  # its access point is down while it tries (radios that cannot do both)
        attempt = info.get("attempt") or {}
        phase = attempt.get("phase", "")
        if phase == "connected":
            # The device sets it only after the cloud accepted its login, and closes its access
            # point a moment later: its own report is proof enough, and may be the only one a
            # laptop on its access point without internet can get.
            say(
                f"online: the device is connected to {attempt.get('ssid', args.ssid)!r} and logged in to the cloud "
                "(its own report; it runs on this configuration now and closes its access point)"
            )
            return
        online = is_online(args.cloud_api, token, timeout=1)
        cloud_answered = cloud_answered or online is not None
        if online:
            say(f"online: the device is connected to {args.ssid!r} and to Blynk.Cloud (the cloud's API says so)")
            return
        if phase == "failed":
            raise ProvisionError("the device could not connect: " + explain(int(info.get("last_error", 0))))
        if phase and phase != last_phase:
            say(f"device: {phase} {attempt.get('ssid', '')!r} ({info.get('state')})")
            last_phase = phase
        time.sleep(1)
    unreachable = "" if cloud_answered else f" The cloud's API at {args.cloud_api} did not answer either."
    raise ProvisionError(
        f"the device did not come online within {args.timeout:g} s.{unreachable} If its access point is back, "
        "run this again to read why; otherwise check the network reaches the internet."
    )


def run(args: argparse.Namespace) -> int:
    """``edgent provision``: 0 on success, 1 when provisioning failed, 2 for a refused configuration."""
    try:
        provision(args)
    except ProvisionError as error:
        print(f"edgent provision: {error}", file=sys.stderr)
        return 2 if isinstance(error, RefusedError) else 1
    return 0

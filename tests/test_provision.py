# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""`edgent provision` against a stand-in for the device's portal: what counts as success, and the exit statuses.

The stand-in answers /board_info.json and /config as lib/blynk_edgent/portal.py does; the flow with the
real device code and the local cloud is in test_e2e_config.py.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import pytest
from devices import HOME_PASSWORD

from edgent_host.cli import main
from edgent_host.sim.testing import free_port

TOKEN = "abcdefghijklmnopqrstuvwxyzAB12_-"


class FakePortal(ThreadingHTTPServer):
    """A device in config mode: ``config_answer`` is what /config gets, ``outcome`` the attempt phase after it."""

    def __init__(self, config_answer: tuple[int, dict[str, str]], outcome: str, shown_s: float | None = None) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.config_answer = config_answer
        self.outcome = outcome
        self.shown_s = shown_s  # how long the outcome shows before the access point closes (None: for good)
        self.attempt: dict[str, Any] = {"phase": "idle"}

    @property
    def url(self) -> str:
        return "http://127.0.0.1:%d" % self.server_address[1]


class _Handler(BaseHTTPRequestHandler):
    server: FakePortal

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        if path == "/board_info.json":
            self._json(200, {"board": "Test", "tmpl_id": "TMPL4abcd123", "ssid": "Blynk Test-ABCD", "last_error": 0,
                             "state": "CONFIGURING", "attempt": self.server.attempt})  # fmt: skip
        elif path == "/config":
            status, answer = self.server.config_answer
            if status == 200:
                self.server.attempt = {"phase": self.server.outcome, "ssid": "HomeNet"}
                if self.server.shown_s is not None:
                    threading.Timer(self.server.shown_s, self.server.attempt.clear).start()
            self._json(status, answer)
        else:
            self._json(404, {"status": "error", "msg": "not found"})

    def _json(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def _portal(
    config_answer: tuple[int, dict[str, str]], outcome: str = "connected", shown_s: float | None = None
) -> Iterator[FakePortal]:
    portal = FakePortal(config_answer, outcome, shown_s)
    threading.Thread(target=portal.serve_forever, daemon=True).start()
    try:
        yield portal
    finally:
        portal.shutdown()
        portal.server_close()


@pytest.fixture
def no_cloud() -> str:
    """The URL of a cloud API nobody answers at: a laptop on the device's AP, without internet."""
    return f"http://127.0.0.1:{free_port()}"


def _provision(portal: FakePortal, cloud_api: str) -> int:
    return main(
        ["provision", "--device", portal.url, "--cloud-api", cloud_api, "--ssid", "HomeNet", "--password",
         HOME_PASSWORD, "--token", TOKEN, "--timeout", "10"]
    )  # fmt: skip


def test_the_devices_own_report_counts_when_the_cloud_cannot_be_reached(
    no_cloud: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with _portal((200, {"status": "ok", "msg": "Trying to connect..."})) as portal:
        assert _provision(portal, no_cloud) == 0
    out = capsys.readouterr().out
    assert "online: the device is connected to 'HomeNet'" in out and "its own report" in out


def test_a_failed_attempt_is_explained_and_exits_1(no_cloud: str, capsys: pytest.CaptureFixture[str]) -> None:
    with _portal((200, {"status": "ok", "msg": "Trying to connect..."}), outcome="failed") as portal:
        assert _provision(portal, no_cloud) == 1
    assert "edgent provision: the device could not connect" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("status", "answer"),
    [
        (400, {"status": "error", "msg": "blynk: expected 32 characters"}),
        (500, {"status": "error", "msg": "Configuration invalid", "reason": "blynk: expected 32 characters"}),
    ],
)
def test_a_refused_configuration_exits_2(
    status: int, answer: dict[str, str], no_cloud: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with _portal((status, answer)) as portal:
        assert _provision(portal, no_cloud) == 2
    err = capsys.readouterr().err
    assert f"the device refused the configuration: blynk: expected 32 characters (HTTP {status})" in err


def test_a_busy_device_is_a_failure_not_a_refusal(no_cloud: str, capsys: pytest.CaptureFixture[str]) -> None:
    with _portal((503, {"status": "error", "msg": "busy trying the last configuration"})) as portal:
        assert _provision(portal, no_cloud) == 1
    assert "busy trying the last configuration (HTTP 503)" in capsys.readouterr().err


def test_a_cloud_that_hangs_does_not_hide_the_devices_short_report(capsys: pytest.CaptureFixture[str]) -> None:
    # A cloud API that takes connections and never answers (a captive network, say), and a device
    # that shows "connected" for 2 s before its access point closes (config mode: until a phone read it).
    with socket.create_server(("127.0.0.1", 0)) as silent:
        cloud_api = "http://127.0.0.1:%d" % silent.getsockname()[1]
        with _portal((200, {"status": "ok", "msg": "Trying to connect..."}), shown_s=2.0) as portal:
            assert _provision(portal, cloud_api) == 0
    assert "its own report" in capsys.readouterr().out

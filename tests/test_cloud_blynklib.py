# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The local cloud against clients nobody here wrote: BlynkLib 0.2.0 and blynklib 0.2.6 from PyPI.

Both are driven from the test's thread by calling their ``run()`` in a polling loop, so nothing
runs behind the test's back. See ../shared/docs/host-tooling.md section 8 for their wire bytes.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import BlynkLib
import blynklib
import pytest

from edgent_host.cloud.testing import RunningCloud, running_cloud

TOKEN = "TOKEN1234567890abcdefghijklmnopq"


@pytest.fixture
def cloud() -> Iterator[RunningCloud]:
    with running_cloud(tokens=[TOKEN]) as running:
        yield running


def drive(client: Any, condition: Callable[[], object], timeout: float = 5.0) -> None:
    """Call the client's ``run()`` (each waits at most 50 ms for data) until ``condition()`` holds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out after %g s" % timeout)
        client.run()


# -- BlynkLib 0.2.0 (HW_LOGIN 29) ----------------------------------------------------------------


@pytest.fixture
def blynk(cloud: RunningCloud) -> Iterator[BlynkLib.Blynk]:
    client = BlynkLib.Blynk(TOKEN, server=cloud.host, port=cloud.device_port)  # logs in from the constructor
    yield client
    client.conn.close()


def test_blynklib_020_logs_in_and_writes_a_pin(cloud: RunningCloud, blynk: BlynkLib.Blynk) -> None:
    connected: list[bool] = []
    blynk.on("connected", lambda ping=None: connected.append(True))
    drive(blynk, lambda: connected)
    blynk.virtual_write(1, 42)
    cloud.wait_until(lambda: cloud.api("get", TOKEN, ("V1", "")) == (200, b"42"))
    info = cloud.device(TOKEN)["info"]
    assert info == {"ver": "0.2.0", "h-beat": "10", "buff-in": "1024", "dev": "python"}
    assert cloud.is_online(TOKEN)


def test_blynklib_020_handler_gets_an_http_update(cloud: RunningCloud, blynk: BlynkLib.Blynk) -> None:
    received: list[list[str]] = []

    @blynk.VIRTUAL_WRITE(5)
    def v5(value: list[str]) -> None:
        received.append(value)

    drive(blynk, lambda: cloud.is_online(TOKEN))
    cloud.update(TOKEN, "V5", "7")
    drive(blynk, lambda: received)
    assert received == [["7"]]


def test_blynklib_020_sync_gets_values_stored_while_offline(cloud: RunningCloud) -> None:
    cloud.update(TOKEN, "V3", "9")
    client = BlynkLib.Blynk(TOKEN, server=cloud.host, port=cloud.device_port)
    try:
        received: list[list[str]] = []
        client.on("V3", received.append)
        drive(client, lambda: client.state == BlynkLib.CONNECTED)
        client.sync_virtual(3)
        drive(client, lambda: received)
        assert received == [["9"]]
    finally:
        client.conn.close()


def test_blynklib_020_heartbeat_keeps_it_online(cloud: RunningCloud) -> None:
    # heartbeat=1: BlynkLib pings about every second; the cloud drops a device silent for 2.5 s.
    client = BlynkLib.Blynk(TOKEN, server=cloud.host, port=cloud.device_port, heartbeat=1)
    try:
        drive(client, lambda: client.state == BlynkLib.CONNECTED)
        end = time.monotonic() + 2.8
        drive(client, lambda: time.monotonic() > end)
        assert client.state == BlynkLib.CONNECTED
        shown = cloud.device(TOKEN)
        assert shown["online"] is True and shown["connections"] == 1 and shown["info"]["h-beat"] == "1"
    finally:
        client.conn.close()


def test_blynklib_020_with_an_unknown_token_gives_up(cloud: RunningCloud, capsys: pytest.CaptureFixture[str]) -> None:
    client = BlynkLib.Blynk("u" * 32, server=cloud.host, port=cloud.device_port)
    try:
        drive(client, lambda: client.state == BlynkLib.DISCONNECTED)
        assert "Invalid auth token" in capsys.readouterr().out
    finally:
        client.conn.close()


# -- blynklib 0.2.6 (legacy LOGIN 2, waits for an answer to its info message) --------------------


def _blynklib(server: str, port: int, **options: Any) -> blynklib.Blynk:
    client = blynklib.Blynk(TOKEN, server=server, port=port, **options)
    client._events = {}  # the class shares one handler dict between instances; give this one its own
    client.RECONNECT_SLEEP = 0  # its disconnect() sleeps a second otherwise
    return client


def test_blynklib_026_connects_writes_and_gets_writes_and_internals(cloud: RunningCloud) -> None:
    client = _blynklib(cloud.host, cloud.device_port)
    try:
        writes: list[tuple[int, list[str]]] = []
        internals: list[list[str]] = []
        client.handle_event("write V5")(lambda pin, values: writes.append((pin, values)))
        client.handle_event("internal_dbg")(internals.append)
        assert client.connect(timeout=5) is True
        assert cloud.device(TOKEN)["info"] == {"ver": "0.2.6", "buff-in": "1024", "h-beat": "10", "dev": "python"}
        client.virtual_write(1, 42)
        cloud.wait_until(lambda: cloud.api("get", TOKEN, ("V1", "")).text == "42")
        cloud.update(TOKEN, "V5", "7")
        drive(client, lambda: writes)
        assert writes == [(5, ["7"])]
        cloud.send_internal(TOKEN, "dbg", "config start")
        drive(client, lambda: internals)
        assert internals == [["config start"]]
    finally:
        client._socket.close()


def test_blynklib_026_over_tls_trusting_the_local_ca(tmp_path: Path) -> None:
    with running_cloud(tls=True, tokens=[TOKEN], ca_dir=tmp_path / "ca") as cloud:
        assert cloud.ca_file is not None
        # 127.0.0.1 is among the certificate's names, and blynklib checks the name it connects to.
        client = _blynklib(cloud.host, cloud.device_port, ssl_cert=str(cloud.ca_file))
        try:
            assert client.connect(timeout=5) is True
            client.virtual_write(2, "tls")
            cloud.wait_until(lambda: cloud.api("get", TOKEN, ("V2", "")).text == "tls")
        finally:
            client._socket.close()


def test_blynklib_026_follows_a_redirect(cloud: RunningCloud) -> None:
    with running_cloud(redirect=cloud.device_address) as redirecting:
        client = _blynklib(redirecting.host, redirecting.device_port)
        try:
            assert client.connect(timeout=5) is True
            assert (client.server, int(client.port)) == cloud.device_address
            assert cloud.is_online(TOKEN)
        finally:
            client._socket.close()

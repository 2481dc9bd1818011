# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The local cloud (`edgent cloud`): the real server on loopback ports, driven through real sockets.

Raw frames play the device; the HTTP API plays the app and the test. See edgent_host/cloud/testing.py.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import ssl
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from edgent_host.cloud import ca
from edgent_host.cloud.devices import TOKEN_ALPHABET
from edgent_host.cloud.frames import HEADER, Command, Status, encode
from edgent_host.cloud.testing import RunningCloud, running_cloud

TOKEN = "TOKEN1234567890abcdefghijklmnopq"
OTHER = "OTHER1234567890abcdefghijklmnopq"
INFO = ("mcu", "0.1.0", "fw-type", "TMPL4abcd123", "build", "Jan  1 2025 12:00:00", "blynk", "1.4.0")
INFO += ("h-beat", "40", "buff-in", "1024", "dev", "ESP32", "tmpl", "TMPL4abcd123")


@pytest.fixture
def cloud() -> Iterator[RunningCloud]:
    with running_cloud(tokens=[TOKEN, OTHER]) as running:
        yield running


@pytest.fixture(scope="module")
def ca_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One CA for the module: key generation is the slow part of a TLS cloud."""
    return tmp_path_factory.mktemp("cloud-ca")


# -- login ---------------------------------------------------------------------------------------


def test_login_ok_then_ping_answered_with_same_id(cloud: RunningCloud) -> None:
    with cloud.connect_device() as device:
        device.sock.sendall(bytes.fromhex("1d00010020") + TOKEN.encode())
        assert device.sock.recv(5) == bytes.fromhex("00000100c8")  # RESPONSE #1 status 200, byte for byte
        device.send(Command.PING, msg_id=5)
        frame = device.read_frame()
        assert (frame.command, frame.msg_id, frame.status) == (Command.RESPONSE, 5, 200)
        assert cloud.is_online(TOKEN)
        assert not cloud.is_online(OTHER)
    cloud.wait_online(TOKEN, False)


def test_unknown_token_gets_invalid_token_and_is_closed(cloud: RunningCloud) -> None:
    with cloud.connect_device() as device:
        assert device.login("x" * 32) == Status.INVALID_TOKEN
        assert device.read_until_closed() == []


def test_legacy_login_of_blynklib(cloud: RunningCloud) -> None:
    with cloud.connect_device() as device:
        assert device.login(TOKEN, command=Command.LOGIN) == 200
        assert cloud.device(TOKEN)["online"] is True


def test_second_login_replaces_the_first(cloud: RunningCloud) -> None:
    with cloud.connect_device(TOKEN) as first, cloud.connect_device(TOKEN) as second:
        assert first.read_until_closed() == []
        second.send(Command.PING)
        assert second.read_frame().status == 200
        shown = cloud.device(TOKEN)
        assert shown["online"] is True and shown["connections"] == 2 and shown["last_login"]


def test_frame_before_login_is_refused_and_closed(cloud: RunningCloud) -> None:
    with cloud.connect_device() as device:
        device.send(Command.HARDWARE, "vw", 1, 2)
        frames = device.read_until_closed()
        assert [(f.command, f.status) for f in frames] == [(Command.RESPONSE, Status.NOT_AUTHENTICATED)]


# -- pins, sync, events, properties --------------------------------------------------------------


def test_virtual_write_is_readable_through_http_get(cloud: RunningCloud) -> None:
    with cloud.connect_device(TOKEN) as device:
        device.send(Command.HARDWARE, "vw", 5, "23.5")
        device.send(Command.HARDWARE, "vw", 6, "a", "b")
        device.send(Command.HARDWARE, "dw", 2, 1)  # digital write: ignored
        cloud.wait_until(lambda: "V6" in cloud.device(TOKEN)["pins"])
    assert cloud.api("get", TOKEN, ("V5", "")) == (200, b"23.5")
    assert cloud.api("get", TOKEN, ("v5", "")).text == "23.5"
    assert cloud.api("get", TOKEN, ("V6", "")).json() == ["a", "b"]
    assert cloud.api("get", TOKEN, ("V5", ""), ("V6", "")).json() == {"V5": "23.5", "V6": ["a", "b"]}
    assert cloud.device(TOKEN)["pins"] == {"V5": "23.5", "V6": ["a", "b"]}
    missing = cloud.api("get", TOKEN, ("V7", ""))
    assert missing.status == 400 and "V7" in missing.json()["error"]["message"]
    assert cloud.api("get", "nope", ("V5", "")).json() == {"error": {"message": "Invalid token."}}
    assert cloud.api("get", TOKEN, ("D5", "")).status == 400


def test_http_update_writes_to_the_device(cloud: RunningCloud) -> None:
    with cloud.connect_device(TOKEN) as device:
        cloud.update(TOKEN, "V5", "42")
        frame = device.read_frame()
        assert (frame.command, frame.args) == (Command.HARDWARE, ["vw", "5", "42"])
        cloud.update(TOKEN, "V5", "a", "b")
        assert device.read_frame().args == ["vw", "5", "a", "b"]
        answer = cloud.api("update", TOKEN, ("V1", "1"), ("V2", "2"))
        assert answer == (200, b"")
        assert [device.read_frame().args for _ in range(2)] == [["vw", "1", "1"], ["vw", "2", "2"]]
    assert cloud.api("get", TOKEN, ("V5", "")).json() == ["a", "b"]


def test_update_while_offline_is_stored_and_synced_later(cloud: RunningCloud) -> None:
    cloud.update(TOKEN, "V3", "7")
    cloud.update(TOKEN, "V10", "x", "y")
    with cloud.connect_device(TOKEN) as device:
        device.send(Command.HARDWARE, "vw", 1, 42)
        msg_id = device.send(Command.HARDWARE_SYNC, "vr", 3, 4)  # V4 has no value: nothing for it
        frame = device.read_frame()
        assert (frame.command, frame.msg_id, frame.args) == (Command.HARDWARE, msg_id, ["vw", "3", "7"])
        msg_id = device.send(Command.HARDWARE_SYNC)  # empty body: every pin, in pin order
        frames = [device.read_frame() for _ in range(3)]
        assert [f.args for f in frames] == [["vw", "1", "42"], ["vw", "3", "7"], ["vw", "10", "x", "y"]]
        assert {f.msg_id for f in frames} == {msg_id}
        device.send(Command.PING, msg_id=99)  # nothing else was queued before the ping's answer
        assert device.read_frame().msg_id == 99


def test_events_from_http_and_from_the_device(cloud: RunningCloud) -> None:
    assert cloud.api("logEvent", TOKEN, ("code", "sys_boot")).status == 200
    assert cloud.api("logEvent", TOKEN, ("code", "hot"), ("description", "31 C")).status == 200
    assert cloud.api("logEvent", TOKEN).status == 400
    with cloud.connect_device(TOKEN) as device:
        device.send(Command.EVENT_LOG, "sys_ota", "OTA started")
        device.send(Command.EVENT_LOG, "plain")
        device.send(Command.PROPERTY, 5, "label", "Temperature")
        cloud.wait_until(lambda: len(cloud.device(TOKEN)["events"]) == 4)
    shown = cloud.device(TOKEN)
    assert shown["events"] == [
        {"code": "sys_boot", "description": None},
        {"code": "hot", "description": "31 C"},
        {"code": "sys_ota", "description": "OTA started"},
        {"code": "plain", "description": None},
    ]
    assert shown["properties"] == {"V5": {"label": "Temperature"}}


def test_info_message_and_metadata_are_stored_and_answered(cloud: RunningCloud) -> None:
    with cloud.connect_device(TOKEN) as device:
        for args in (INFO, ("meta", "set", "Hotspot Name", "Blynk Device-PYN6")):
            msg_id = device.send(Command.INTERNAL, *args)
            frame = device.read_frame()  # blynklib 0.2.6 waits for this answer to its info message
            assert (frame.command, frame.msg_id, frame.status) == (Command.RESPONSE, msg_id, 200)
    shown = cloud.device(TOKEN)
    assert shown["info"] == dict(zip(INFO[0::2], INFO[1::2], strict=True))
    assert shown["metadata"] == {"Hotspot Name": "Blynk Device-PYN6"}


def test_internal_endpoint_sends_internal_to_the_device(cloud: RunningCloud) -> None:
    offline = cloud.post("/emulator/devices/%s/internal" % TOKEN, {"args": ["dbg", "reboot"]})
    assert offline.status == 409 and "offline" in offline.json()["error"]["message"]
    with cloud.connect_device(TOKEN) as device:
        for args in (["dbg", "config start"], ["dbg", "config erase"], ["ota", "http://10.0.0.2/fw.bin"]):
            cloud.send_internal(TOKEN, *args)
            frame = device.read_frame()
            assert (frame.command, frame.args) == (Command.INTERNAL, args)
        bad = cloud.post("/emulator/devices/%s/internal" % TOKEN, {"args": "dbg"})
        assert bad.status == 400 and "args" in bad.json()["error"]["message"]
        assert cloud.post("/emulator/devices/%s/internal" % ("y" * 32), {"args": ["dbg"]}).status == 404


def test_disconnect_endpoint_closes_the_connection(cloud: RunningCloud) -> None:
    with cloud.connect_device(TOKEN) as device:
        cloud.disconnect(TOKEN)
        assert device.read_until_closed() == []
    assert not cloud.is_online(TOKEN)
    assert cloud.post("/emulator/devices/%s/disconnect" % TOKEN).status == 409


def test_a_silent_device_is_dropped_after_its_heartbeat(cloud: RunningCloud) -> None:
    with cloud.connect_device(TOKEN) as device:
        device.send(Command.INTERNAL, "h-beat", "0.2")  # decimals accepted, for tests: 0.5 s of silence
        assert device.read_frame().status == 200
        device.send(Command.PING)
        assert device.read_frame().status == 200
        assert device.read_until_closed(timeout=3) == []
    assert not cloud.is_online(TOKEN)


def test_no_login_within_the_login_timeout_closes() -> None:
    with running_cloud(tokens=[TOKEN], login_timeout=0.3) as cloud, cloud.connect_device() as device:
        assert device.read_until_closed(timeout=3) == []


# -- malformed input -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "garbage",
    [
        b"GET / HTTP/1.1\r\nHost: x\r\n\r\n",  # 'G' = 71 is no command
        HEADER.pack(Command.HARDWARE, 3, 60000),  # body far too long
        HEADER.pack(Command.PING, 0, 0),  # message id 0
        encode(Command.REDIRECT, 3, "evil", 80),  # only servers send this
        encode(Command.HW_LOGIN, 3, TOKEN),  # a second login on one connection
    ],
    ids=["http", "too-long", "id-0", "redirect", "second-login"],
)
def test_garbage_closes_the_connection_and_the_server_keeps_serving(cloud: RunningCloud, garbage: bytes) -> None:
    with cloud.connect_device(TOKEN) as device:
        device.send_raw(garbage)
        assert device.read_until_closed() == []
    cloud.wait_online(TOKEN, False)
    with cloud.connect_device(TOKEN) as device:
        device.send(Command.PING)
        assert device.read_frame().status == 200


def test_garbage_before_login_and_a_half_frame_then_close(
    cloud: RunningCloud, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="edgent_host.cloud")
    with cloud.connect_device() as device:
        device.send_raw(b"\xff\x00\x01\x00\x00")
        assert device.read_until_closed() == []
    with socket.create_connection(cloud.device_address) as raw:  # TLS to the plain port
        with pytest.raises((ssl.SSLError, OSError)):
            ssl.create_default_context().wrap_socket(raw, server_hostname="blynk.cloud")
    with socket.create_connection(cloud.device_address) as sock:
        sock.sendall(b"\x1d\x00")  # half a header, then gone
    with cloud.connect_device(TOKEN):
        assert cloud.is_online(TOKEN)
    assert "protocol error: unknown command 255" in caplog.text
    assert "unknown command 22 (a TLS handshake: the device speaks TLS, so run the cloud with --tls)" in caplog.text


# -- HTTP API ------------------------------------------------------------------------------------


def test_new_device_from_the_app_gets_a_usable_token(cloud: RunningCloud) -> None:
    answer = cloud.post("/emulator/devices", {"template_id": "TMPL4abcd123", "name": "Kitchen"})
    assert answer.status == 200
    created = answer.json()
    token = created["token"]
    assert len(token) == 32 and set(token) <= set(TOKEN_ALPHABET)
    assert (created["template_id"], created["name"]) == ("TMPL4abcd123", "Kitchen")
    with cloud.connect_device(token):
        shown = cloud.device(token)
        assert shown["online"] is True and shown["template_id"] == "TMPL4abcd123" and shown["name"] == "Kitchen"
    assert cloud.new_device() != cloud.new_device()
    assert [d["token"] for d in cloud.devices()][:3] == [TOKEN, OTHER, token]
    assert cloud.post("/emulator/devices", ["not", "an", "object"]).status == 400
    assert cloud.request("POST", "/emulator/devices").status == 200  # no body: defaults


def test_http_errors_are_json_with_a_message(cloud: RunningCloud) -> None:
    for path in ("/nope", "/external/api/nope", "/emulator/devices/%s/nope" % TOKEN):
        answer = cloud.get(path)
        assert answer.status == 404 and answer.json()["error"]["message"]
    assert cloud.get("/emulator/devices/unknown").status == 404
    wrong = cloud.request("DELETE", "/emulator/devices")
    assert wrong.status == 405 and "GET or POST" in wrong.json()["error"]["message"]
    assert cloud.api("isHardwareConnected", "nope").json() == {"error": {"message": "Invalid token."}}
    assert cloud.get("/external/api/isHardwareConnected").status == 400
    assert cloud.api("isHardwareConnected", TOKEN) == (200, b"false")
    assert cloud.api("update", TOKEN).status == 400
    assert cloud.request("POST", "/emulator/devices/%s/internal" % TOKEN, None).status == 400
    with socket.create_connection((cloud.host, cloud.http_port)) as sock:
        sock.sendall(b"nonsense\r\n\r\n")
        assert sock.recv(100).startswith(b"HTTP/1.1 400 ")


def test_logs_name_tokens_by_their_first_4_characters(cloud: RunningCloud, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="edgent_host.cloud")
    with cloud.connect_device(TOKEN) as device:
        device.send(Command.HARDWARE, "vw", 1, 42)
        cloud.update(TOKEN, "V2", "3")
        device.read_frame()
    with cloud.connect_device() as device:
        device.login(OTHER[:-1] + "!")
    cloud.wait_online(TOKEN, False)
    text = caplog.text
    assert "login TOKE... from 127.0.0.1:" in text and "HARDWARE #2 vw 1 42" in text
    assert "logout TOKE..." in text and "unknown token OTHE..." in text and "token=TOKE...&V2=3" in text
    assert TOKEN not in text and OTHER[:-1] not in text


# -- redirect ------------------------------------------------------------------------------------


def test_redirect_answers_every_login_with_redirect() -> None:
    with running_cloud(redirect=("fra1.blynk.cloud", 8080), tokens=[TOKEN]) as cloud:
        for token in (TOKEN, "z" * 32):
            with cloud.connect_device() as device:
                msg_id = device.send(Command.HW_LOGIN, token)
                frames = device.read_until_closed()
                assert [(f.command, f.msg_id, f.body) for f in frames] == [
                    (Command.REDIRECT, msg_id, b"fra1.blynk.cloud\x008080")
                ]


# -- TLS -----------------------------------------------------------------------------------------


def test_tls_with_the_local_ca(ca_dir: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="edgent_host.cloud")
    with running_cloud(tls=True, tokens=[TOKEN], ca_dir=ca_dir) as cloud:
        assert cloud.ca_file == ca_dir / "ca.pem"
        context = ssl.create_default_context(cafile=str(ca_dir / "ca.pem"))
        with (
            socket.create_connection(cloud.device_address, timeout=5) as raw,
            context.wrap_socket(raw, server_hostname="blynk.cloud") as sock,
        ):
            sock.sendall(encode(Command.HW_LOGIN, 1, TOKEN))
            assert sock.recv(5) == bytes.fromhex("00000100c8")
            assert sock.version() in ("TLSv1.2", "TLSv1.3")
        untrusting = ssl.create_default_context()  # the system's CAs only
        with socket.create_connection(cloud.device_address, timeout=5) as raw, pytest.raises(ssl.SSLError):
            untrusting.wrap_socket(raw, server_hostname="blynk.cloud")
        with socket.create_connection(cloud.device_address, timeout=5) as raw, pytest.raises(ssl.SSLError):
            context.wrap_socket(raw, server_hostname="blynk.example")  # not a name in the certificate
        with socket.create_connection(cloud.device_address, timeout=5) as raw:
            raw.sendall(encode(Command.HW_LOGIN, 1, TOKEN))  # plain frames to the TLS port: no login
            answer = b""
            while chunk := _recv_or_reset(raw):
                answer += chunk
            assert not answer.startswith(bytes.fromhex("000001"))  # a TLS alert at most, never a RESPONSE
        for hostname in ("localhost", "127.0.0.1"):  # the other names in the certificate
            with socket.create_connection(cloud.device_address, timeout=5) as raw:
                context.wrap_socket(raw, server_hostname=hostname).close()
        with cloud.connect_device(TOKEN) as device:  # still serving
            device.send(Command.PING)
            assert device.read_frame().status == 200
    # The log says why a handshake failed.
    assert "TLS handshake failed: TLSV1_ALERT_UNKNOWN_CA (the device does not trust this cloud's CA" in caplog.text
    assert "TLS handshake failed: WRONG_VERSION_NUMBER (the device spoke plain TCP" in caplog.text


def _recv_or_reset(sock: socket.socket) -> bytes:
    try:
        return sock.recv(4096)
    except ConnectionResetError:
        return b""


def test_ca_files_are_created_once_and_reused(tmp_path: Path) -> None:
    files = ca.ensure_ca(tmp_path / "ca")
    names = sorted(p.name for p in files.directory.iterdir())
    assert names == ["ca.key", "ca.pem", "server.key", "server.pem"]
    assert os.stat(files.ca_key).st_mode & 0o077 == 0 and os.stat(files.server_key).st_mode & 0o077 == 0
    before = {p.name: p.read_bytes() for p in files.directory.iterdir()}
    ca.ensure_ca(tmp_path / "ca")
    assert {p.name: p.read_bytes() for p in files.directory.iterdir()} == before
    files.server_cert.unlink()  # a lost server certificate is issued again by the same CA
    ca.ensure_ca(tmp_path / "ca")
    assert files.ca_cert.read_bytes() == before["ca.pem"] and files.server_cert.read_bytes() != before["server.pem"]
    context = ca.client_context(files.ca_cert)
    server = ca.server_context(files)
    assert context.verify_mode == ssl.CERT_REQUIRED and server is not None


# -- the command line ----------------------------------------------------------------------------


def _start_cli(*args: str) -> tuple[subprocess.Popen[str], str, str]:
    edgent = Path(sys.executable).parent / "edgent"
    command = [str(edgent), "cloud", "--listen", "127.0.0.1:0", "--http", "127.0.0.1:0", *args]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None
    lines = [process.stdout.readline().strip() for _ in range(2)]
    return process, lines[0], lines[1]


def _address(line: str, prefix: str) -> tuple[str, int]:
    assert line.startswith(prefix), line
    host, _, port = line[len(prefix) :].split(" ")[0].rpartition(":")
    return host, int(port)


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_cli_prints_its_listeners_serves_and_stops_on_a_signal(stop: signal.Signals) -> None:
    process, device_line, http_line = _start_cli("--token", TOKEN, "--template", "TMPL_CLI")
    try:
        assert device_line.endswith(" (plain)")
        device_address = _address(device_line, "edgent cloud: device protocol on ")
        http_host, http_port = _address(http_line, "edgent cloud: http api on ")
        cloud = RunningCloud(http_host, device_address[1], http_port, tls=False, ca_dir=None)
        with cloud.connect_device(TOKEN) as device:
            device.send(Command.HARDWARE, "vw", 1, 42)
            cloud.wait_until(lambda: cloud.api("get", TOKEN, ("V1", "")).text == "42")
            assert cloud.device(TOKEN)["template_id"] == "TMPL_CLI"
            process.send_signal(stop)
            assert device.read_until_closed() == []
        assert process.wait(10) == 0
    finally:
        if process.poll() is None:
            process.kill()
        _, stderr = process.communicate(timeout=10)
    assert "login TOKE... from 127.0.0.1:" in stderr and "HARDWARE #2 vw 1 42" in stderr
    assert TOKEN not in stderr and "Traceback" not in stderr


def test_cli_with_tls_creates_the_ca(tmp_path: Path) -> None:
    process, device_line, _ = _start_cli("--tls", "--ca", str(tmp_path / "ca"), "--token", TOKEN)
    try:
        assert device_line.endswith(" (tls)")
        host, port = _address(device_line, "edgent cloud: device protocol on ")
        context = ssl.create_default_context(cafile=str(tmp_path / "ca" / "ca.pem"))
        with (
            socket.create_connection((host, port), timeout=5) as raw,
            context.wrap_socket(raw, server_hostname="blynk.cloud") as sock,
        ):
            sock.sendall(encode(Command.HW_LOGIN, 1, TOKEN))
            assert sock.recv(5) == bytes.fromhex("00000100c8")
        process.send_signal(signal.SIGTERM)
        assert process.wait(10) == 0
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=10)


def test_python_m_runs_the_same_command() -> None:
    command = [sys.executable, "-m", "edgent_host.cloud", "--help"]
    assert "--listen HOST:PORT" in subprocess.run(command, capture_output=True, text=True, check=True).stdout


def test_edgent_has_the_cloud_command(capsys: pytest.CaptureFixture[str]) -> None:
    from edgent_host.cli import build_parser, main

    args = build_parser().parse_args(["cloud", "--listen", ":8080", "--http", "[::1]:0", "--redirect", "h:1"])
    assert (args.listen, args.http, args.redirect, args.tls, args.token) == (
        ("", 8080),
        ("::1", 0),
        ("h", 1),
        False,
        [],
    )
    assert args.ca == Path("out/cloud-ca") and args.template == "TMPL_LOCAL"
    with pytest.raises(SystemExit):
        main(["cloud", "--listen", "nowhere", "--http", "127.0.0.1:0"])
    assert "expected HOST:PORT" in capsys.readouterr().err

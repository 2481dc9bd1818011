# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The simulator's supervisor: boots the device (a process per boot) and serves the panel.

The panel is the board's outside: ``GET /`` the panel page, and over HTTP JSON ``GET /api/state``
(the board, the state, ``last_error``, the LED colour, the access point, boots, whether it runs
and how it last exited, its buttons, and the count of screen pictures on a board with a screen),
``GET /api/screen.png`` (the screen now), ``GET /api/log``, ``GET /api/modules`` (the
blynk_edgent modules the device holds; 409 when it is off), ``POST /api/button/<name>`` with
``{"action": "press"}`` or ``{"action": "release"}`` (409 when it is off), and ``POST /api/power``
with ``{"action": "cycle"}``. The device's serial output goes to ``DIR/serial.log``.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, TextIO

from edgent_host.address import parse_address
from edgent_host.sim import boards
from edgent_host.sim.runtime import REBOOT_EXIT


@dataclass
class Options:
    """How to run one simulated device."""

    code: Path
    state_dir: Path
    board: str
    cloud: str
    ca: Path | None = None
    world: Path | None = None
    portal: str = "127.0.0.1:8080"
    dns: str | None = None
    panel: str | None = None
    echo: TextIO | None = None  # where serial output is also printed (the terminal)
    nina_firmware: str | None = None  # the emulated ESP32's NINA version (AirLift boards), else the board's
    rtl_firmware: str | None = None  # the emulated RTL8720DN's eRPC firmware ("AT": the AT one), else the board's
    micropython: int | None = None  # run code.py under 32-bit MicroPython with this heap (bytes), not CPython


@dataclass
class Status:
    """What the panel knows about the device."""

    state: str = "OFF"
    last_error: int = 0
    led: str = "#000000"
    ap: str | None = None
    boots: int = 0
    running: bool = False
    exit_code: int | None = None
    screen: int = 0  # how many pictures the device's display has shown (DIR/screen.png)
    log: list[str] = field(default_factory=list)


class Simulator:
    """One simulated board: its boots, its serial log, its panel."""

    def __init__(self, options: Options) -> None:
        self.options = options
        self.board = boards.get(options.board)
        self.status = Status()
        self._lock = threading.RLock()
        self._process: subprocess.Popen[str] | None = None
        self._control: socket.socket | None = None
        self._stopping = False
        self._serial_reader: threading.Thread | None = None
        self._panel: ThreadingHTTPServer | None = None
        self._changed = threading.Condition(self._lock)
        self._modules: list[str] | None = None
        options.state_dir.mkdir(parents=True, exist_ok=True)
        self._serial = open(options.state_dir / "serial.log", "a", encoding="utf-8")

    # -- running ---------------------------------------------------------------------------

    def start(self) -> None:
        """Start the panel (if asked) and the first boot."""
        if self.options.panel:
            self._panel = _panel_server(self, parse_address(self.options.panel))
            threading.Thread(target=self._panel.serve_forever, daemon=True).start()
        self._boot()

    @property
    def panel_address(self) -> tuple[str, int] | None:
        """The panel's bound address (its port is real even when asked for port 0)."""
        if self._panel is None:
            return None
        host, port = self._panel.server_address[:2]
        return str(host), int(port)

    def _stored_last_error(self) -> int:
        from blynk_edgent.store import ConfigStore
        from edgent_host.nvmfile import NVMFile

        if self.board.nvm_size is None:
            return 0
        try:
            nvm = NVMFile(self.options.state_dir / "nvm.bin", self.board.nvm_size, create=False)
        except FileNotFoundError:  # the board has not booted yet
            return 0
        return ConfigStore(nvm).load().last_error

    def _boot(self) -> None:
        with self._lock:
            if self._stopping:
                return
        parent, child = socket.socketpair()
        opts = self.options
        command = [
            sys.executable,
            "-m",
            "edgent_host.sim.device",
            "--code",
            str(opts.code),
            "--state",
            str(opts.state_dir),
            "--board",
            opts.board,
            "--cloud",
            opts.cloud,
            "--portal",
            opts.portal,
            "--control-fd",
            str(child.fileno()),
        ]
        if opts.ca:
            command += ["--ca", str(opts.ca)]
        if opts.world:
            command += ["--world", str(opts.world)]
        if opts.dns:
            command += ["--dns", opts.dns]
        if opts.nina_firmware:
            command += ["--nina-firmware", opts.nina_firmware]
        if opts.rtl_firmware:
            command += ["--rtl-firmware", opts.rtl_firmware]
        if opts.micropython:
            command += ["--micropython", str(opts.micropython)]
        env = dict(os.environ, PYTHONUNBUFFERED="1", BLINKA_OS_AGNOSTIC="1")
        process = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            text=True,
            pass_fds=(child.fileno(),),
            env=env,
        )
        child.close()
        with self._lock:
            if self._stopping:  # stop() came while this boot was starting
                _kill(process)
                parent.close()
                return
            self._process = process
            self._control = parent
            self._serial_reader = serial_reader = threading.Thread(
                target=self._read_serial, args=(process,), daemon=True
            )
            self.status.boots += 1
            self.status.running = True
            self.status.exit_code = None
            self.status.state = "INIT"
            self.status.ap = None
            self.status.last_error = self._stored_last_error()
            self._changed.notify_all()
        serial_reader.start()
        threading.Thread(target=self._read_control, args=(parent,), daemon=True).start()
        threading.Thread(target=self._wait, args=(process, serial_reader), daemon=True).start()

    def _read_serial(self, process: subprocess.Popen[str]) -> None:
        assert process.stdout is not None
        for line in process.stdout:
            line = line.rstrip("\n")
            self._serial.write(line + "\n")
            self._serial.flush()
            if self.options.echo is not None:
                print(line, file=self.options.echo, flush=True)
            with self._lock:
                self.status.log.append(line)
                del self.status.log[:-500]
                self._changed.notify_all()

    def _read_control(self, sock: socket.socket) -> None:
        try:
            self._take_reports(sock)
        except OSError:  # the board reset while it reported (its end reset the socket)
            pass

    def _take_reports(self, sock: socket.socket) -> None:
        for line in sock.makefile("r", encoding="utf-8"):
            try:
                message = json.loads(line)
            except ValueError:
                continue
            with self._lock:
                if sock is not self._control:
                    return  # let go (a power cycle, a reboot): what it still buffered is stale
                if "state" in message:
                    self.status.state = message["state"]
                if "last_error" in message:
                    self.status.last_error = message["last_error"]
                if "led" in message:
                    self.status.led = message["led"]
                if "ap" in message:
                    self.status.ap = message["ap"]
                if "screen" in message:
                    self.status.screen += 1
                if "modules" in message:
                    self._modules = list(message["modules"])
                self._changed.notify_all()

    def _wait(self, process: subprocess.Popen[str], serial_reader: threading.Thread) -> None:
        code = process.wait()
        # The last lines (a traceback, say) may still sit in the pipe: a watcher that sees the
        # board stop must also see what it printed before it stopped.
        serial_reader.join(5)
        with self._lock:
            if process is not self._process:
                return  # a power cycle has already let it go and booted anew
            self._let_go()
            reboot = code == REBOOT_EXIT and not self._stopping
            # A reboot keeps the board "running": only a stop, a crash or the end of code.py
            # leaves it off (so a watcher never mistakes the moment between two boots for either).
            self.status.running = reboot
            self.status.exit_code = code
            self.status.ap = None
            self._changed.notify_all()
        if reboot:
            self._boot()

    def _let_go(self) -> None:
        """Forget the current device process and its control channel (the caller holds the lock)."""
        self._process = None
        if self._control is not None:
            self._control.close()
            self._control = None

    # -- the panel's actions ---------------------------------------------------------------

    def _send(self, message: dict[str, Any]) -> None:
        """Send ``message`` to the running device; RuntimeError when it is off."""
        with self._lock:
            control = self._control
        try:
            if control is None:
                raise OSError("no control channel")
            control.sendall((json.dumps(message) + "\n").encode())
        except OSError:  # off, or it went off while we sent
            raise RuntimeError("the device is off") from None

    def button(self, name: str, pressed: bool) -> None:
        """Press or release the button on pin ``name``; RuntimeError when the device is off."""
        if name not in self.board.buttons:
            raise ValueError(f"{self.board.board_id} has no button {name!r}; it has {', '.join(self.board.buttons)}")
        self._send({"button": name, "pressed": pressed})

    def modules(self, timeout: float = 5) -> list[str]:
        """The blynk_edgent modules the running device holds imported now."""
        with self._lock:
            self._modules = None
        self._send({"query": "modules"})
        deadline = time.monotonic() + timeout
        with self._lock:
            while self._modules is None:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError("the device did not answer")
                self._changed.wait(left)
            return list(self._modules)

    def power_cycle(self) -> None:
        """Cut the power and turn it on again: whatever the device was doing stops at once."""
        with self._lock:
            process = self._process
            self._let_go()  # so its exit watcher neither reports it nor reboots it
        _kill(process)
        self._boot()

    def stop(self) -> None:
        """Turn the device off and stop the panel."""
        with self._lock:
            self._stopping = True  # from here on no boot starts (see _boot)
            process = self._process
            serial_reader = self._serial_reader
        _kill(process)
        if serial_reader is not None:
            serial_reader.join(5)  # it writes to serial.log until the pipe is drained
        if self._panel is not None:
            self._panel.shutdown()
            self._panel.server_close()
        self._serial.close()

    def snapshot(self) -> dict[str, Any]:
        """The status as the panel reports it."""
        with self._lock:
            status = self.status
            return {
                "board": self.board.board_id,
                "state": status.state,
                "last_error": status.last_error,
                "led": status.led,
                "ap": status.ap,
                "boots": status.boots,
                "running": status.running,
                "exit_code": status.exit_code,
                "buttons": list(self.board.buttons),
                **({"screen": status.screen} if self.board.display else {}),
            }

    def wait_for(self, predicate: Any, timeout: float) -> bool:
        """Wait until ``predicate(snapshot)`` holds; False on timeout."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while not predicate(self.snapshot()):
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._changed.wait(min(left, 0.2))
        return True

    def log_lines(self) -> list[str]:
        """The last lines of serial output."""
        with self._lock:
            return list(self.status.log)


def _kill(process: subprocess.Popen[str] | None) -> None:
    """Cut a device process's power: SIGKILL, then reap it."""
    if process is None:
        return
    try:
        process.send_signal(signal.SIGKILL)
    except ProcessLookupError:
        pass
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass


def _panel_server(sim: Simulator, address: tuple[str, int]) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _reply(self, status: int, body: Any) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(data)

        def _body(self) -> dict[str, Any]:
            length = int(self.headers.get("Content-Length") or 0)
            if not length:
                return {}
            data = json.loads(self.rfile.read(length))
            if not isinstance(data, dict):
                raise ValueError("expected a JSON object")
            return data

        def _file(self, path: Path, content_type: str) -> None:
            try:
                data = path.read_bytes()
            except OSError:
                self._reply(404, {"error": f"{path.name} does not exist (yet)"})
                return
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            route = self.path.split("?", 1)[0]
            if route in ("/", "/index.html"):
                self._file(Path(__file__).with_name("panel.html"), "text/html; charset=utf-8")
            elif route == "/api/screen.png":
                self._file(sim.options.state_dir / "screen.png", "image/png")
            elif route == "/api/state":
                self._reply(200, sim.snapshot())
            elif route == "/api/log":
                self._reply(200, {"lines": sim.log_lines()})
            elif route == "/api/modules":
                try:
                    self._reply(200, {"modules": sim.modules()})
                except (RuntimeError, TimeoutError) as error:
                    self._reply(409, {"error": str(error)})
            else:
                self._reply(404, {"error": f"no such page: {self.path}"})

        def do_POST(self) -> None:
            try:
                body = self._body()
            except ValueError as error:
                self._reply(400, {"error": f"bad JSON: {error}"})
                return
            action = body.get("action")
            if self.path.startswith("/api/button/"):
                name = self.path.rsplit("/", 1)[1]
                if action not in ("press", "release"):
                    self._reply(400, {"error": 'action must be "press" or "release"'})
                    return
                try:
                    sim.button(name, action == "press")
                except ValueError as error:
                    self._reply(404, {"error": str(error)})
                    return
                except RuntimeError as error:
                    self._reply(409, {"error": str(error)})
                    return
                self._reply(200, {"ok": True})
            elif self.path == "/api/power":
                if action != "cycle":
                    self._reply(400, {"error": 'action must be "cycle"'})
                    return
                sim.power_cycle()
                self._reply(200, {"ok": True})
            else:
                self._reply(404, {"error": f"no such action: {self.path}"})

    return ThreadingHTTPServer(address, Handler)

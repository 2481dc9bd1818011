# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""nina-fw's CommandHandler: one command frame in, one reply frame out.

Each handler reads its parameters where nina-fw's does (``CommandHandler.cpp``, 1.x and 3.x,
which agree on every command the library sends) and answers what it answers, including the
values the library then misreads:

- GET_REMOTE_DATA sends the port high byte first, the library unpacks it little-endian: the
  port ``accept()`` reports is byte-swapped.
- SET_IP_CONFIG never sets its answer byte: it answers 0 (the library does not look).
- AVAIL_DATA_TCP (3.x) reads its "accept" flag from the byte after the frame's END, which is
  padding left in the library's send buffer by an earlier command.
- SET_AP_NET / SET_AP_PASSPHRASE take the first byte of the channel parameter: 0 for the
  library's ``create_AP``, which sends ``bytes(channel)``.
- A failed START_CLIENT_TCP answers with no parameter: the library raises
  ``BrokenPipeError("Expected 01 but got 00")``, not its own "Could not connect" error.
- START_CLIENT_TCP (TCP, TLS) takes as long as the firmware's connect does: :meth:`Firmware.handle`
  answers None and the firmware stays busy until :meth:`Firmware.pending_done`, when
  :meth:`Firmware.finish` gives the answer (chip.py holds the ready line meanwhile; truth §15).
- Network names are bytes (SET_NET, SCAN_NETWORKS, GET_CURR_SSID): C strings, up to the first NUL.

Commands the firmware has no handler for (low-level socket calls 0x70+, file calls; on 1.7.x
0x1E GET_DNS_CONFIG and 0x1F GET_REASON_CODE, truth §12) get the error reply. Enterprise WiFi and
client certificates are accepted and ignored.
"""

from __future__ import annotations

import ipaddress
import struct
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from edgent_host.sim.nina import protocol as p
from edgent_host.sim.nina.files import FileStore, number
from edgent_host.sim.nina.protocol import Cmd
from edgent_host.sim.nina.radio import NO_ADDRESS, Radio, air_name, dotted, packed
from edgent_host.sim.nina.sockets import Connecting, SocketTable
from edgent_host.sim.world import GATEWAY, NETMASK, SCAN_S

if TYPE_CHECKING:
    from edgent_host.sim.nina.personality import Personality
    from edgent_host.sim.runtime import Runtime

Params = list[bytes]
# None: the handler gives up (error reply); bytes: the reply as the handler made it, whole
Answer = list[bytes] | Connecting | bytes | None
Handler = Callable[[bytes, Params], Answer]

_OK = [b"\x01"]
_NO = [b"\x00"]
_LAN = ipaddress.IPv4Network(f"{GATEWAY}/{NETMASK}", strict=False)  # the station's network: no internet needed


def _cstr(data: bytes) -> bytes:
    """A C string from a parameter: its bytes up to the first NUL."""
    return data.split(b"\0", 1)[0]


def _text(data: bytes) -> str:
    """A C string from a parameter, as text (for what the emulator only logs or compares)."""
    return _cstr(data).decode("utf-8", errors="replace")


def _byte(data: bytes) -> int:
    return data[0] if data else 0


def _arg(params: Params, index: int) -> bytes:
    """Parameter ``index``, b"" past the end (which _byte reads as 0, _text as "")."""
    return params[index] if index < len(params) else b""


def _raw(frame: bytes, index: int) -> int:
    return frame[index] if 0 <= index < len(frame) else 0


class Firmware:
    """The command handler of one boot of NINA firmware, with its WiFi and its sockets."""

    def __init__(self, runtime: Runtime, personality: Personality, mac: bytes) -> None:
        self.personality = personality
        self.radio = Radio(runtime, personality, mac)
        self.sockets = SocketTable(runtime, personality, self.radio)
        self.radio.on_station_down = self.sockets.drop_station
        self.radio.on_ap_down = self.sockets.drop_ap
        self.radio.on_phones_dropped = self.sockets.phones_dropped
        self.took = 0.0  # how long the last command kept the firmware busy, beyond real time
        self._pending: int | None = None  # the command whose connect is under way
        self._resolved = packed(NO_ADDRESS)
        self.files = FileStore(runtime.state_dir / "nina-fs")  # the ESP32's flash: it outlives boots
        self._last_reply = b""  # the reply buffer, whose stale bytes some replies carry
        self._handlers: dict[int, Handler] = {
            Cmd.SET_NET: self._set_net,
            Cmd.SET_PASSPHRASE: self._set_passphrase,
            Cmd.SET_KEY: self._set_key,
            Cmd.SET_IP_CONFIG: self._set_ip_config,
            Cmd.SET_DNS_CONFIG: self._set_dns_config,
            Cmd.SET_HOSTNAME: self._ok,  # the name is not used by anything emulated
            Cmd.SET_POWER_MODE: self._ok,
            Cmd.SET_AP_NET: self._set_ap_net,
            Cmd.SET_AP_PASSPHRASE: self._set_ap_passphrase,
            Cmd.SET_DEBUG: self._ok,
            Cmd.GET_TEMPERATURE: lambda frame, params: [struct.pack("<f", 45.0)],
            Cmd.GET_CONN_STATUS: lambda frame, params: [bytes((self.radio.status(),))],
            Cmd.GET_IPADDR: lambda frame, params: [packed(a) for a in self.radio.addresses()],
            Cmd.GET_MACADDR: lambda frame, params: [self.radio.mac()],
            Cmd.GET_CURR_SSID: lambda frame, params: [self.radio.current()[0]],
            Cmd.GET_CURR_BSSID: lambda frame, params: [self.radio.current()[1]],
            Cmd.GET_CURR_RSSI: lambda frame, params: [struct.pack("<i", self.radio.current()[2])],
            Cmd.GET_CURR_ENCT: lambda frame, params: [bytes((self.radio.current()[3],))],
            Cmd.SCAN_NETWORKS: self._scan_networks,
            Cmd.START_SERVER_TCP: self._start_server,
            Cmd.GET_STATE_TCP: self._server_state,
            Cmd.DATA_SENT_TCP: self._ok,
            Cmd.AVAIL_DATA_TCP: self._available,
            Cmd.GET_DATA_TCP: self._get_data,
            Cmd.START_CLIENT_TCP: self._start_client,
            Cmd.STOP_CLIENT_TCP: self._stop_client,
            Cmd.GET_CLIENT_STATE_TCP: self._client_state,
            Cmd.DISCONNECT: self._disconnect,
            Cmd.GET_IDX_RSSI: lambda frame, params: [struct.pack("<i", self._entry(params)[1])],
            Cmd.GET_IDX_ENCT: lambda frame, params: [bytes((self._entry(params)[3],))],
            Cmd.REQ_HOST_BY_NAME: self._req_host_by_name,
            Cmd.GET_HOST_BY_NAME: lambda frame, params: [self._resolved],
            Cmd.START_SCAN_NETWORKS: self._ok,  # a stub in both lines: the scan runs in SCAN_NETWORKS
            Cmd.GET_FW_VERSION: lambda frame, params: [personality.reported.encode() + b"\0"],
            Cmd.SEND_UDP_DATA: self._send_udp,
            Cmd.GET_REMOTE_DATA: self._remote_data,
            Cmd.GET_TIME: self._time,
            Cmd.GET_IDX_BSSID: lambda frame, params: [self._entry(params)[0]],
            Cmd.GET_IDX_CHAN: lambda frame, params: [bytes((self._entry(params)[2],))],
            Cmd.PING: self._ping,
            Cmd.GET_SOCKET: lambda frame, params: [bytes((self.sockets.get_socket(),))],
            Cmd.SET_CLI_CERT: self._ok,
            Cmd.SET_PK: self._ok,
            Cmd.SEND_DATA_TCP: self._send_data,
            Cmd.GET_DATABUF_TCP: self._get_databuf,
            Cmd.INSERT_DATABUF: self._insert_databuf,
            Cmd.SET_ENT_IDENT: self._ok,
            Cmd.SET_ENT_UNAME: self._ok,
            Cmd.SET_ENT_PASSWD: self._ok,
            Cmd.SET_ENT_ENABLE: self._ok,
            Cmd.SET_PIN_MODE: self._ok,
            Cmd.SET_DIGITAL_WRITE: self._ok,
            Cmd.SET_ANALOG_WRITE: self._ok,
            Cmd.GET_DIGITAL_READ: lambda frame, params: [b"\x00"],
            Cmd.GET_ANALOG_READ: lambda frame, params: [struct.pack("<i", 0)],
        }
        # 0x60-0x63: nina-fw's file store (1.4.0 and later; every line emulated here has it)
        self._handlers[0x60] = self._write_file
        self._handlers[0x61] = self._read_file
        self._handlers[0x62] = self._delete_file
        self._handlers[0x63] = lambda frame, params: [self.files.size(params[2] if len(params) > 2 else b"")]
        if personality.has_reason_code:
            # commandHandlers[] 0x1E/0x1F: NULL on 1.7.x (truth §12), getDNSconfig/getReasonCode from 2.0.
            self._handlers[Cmd.GET_DNS_CONFIG] = lambda frame, params: [packed(a) for a in self.radio.dns]
            self._handlers[Cmd.GET_REASON_CODE] = lambda frame, params: [bytes((self.radio.reason & 0xFF,))]

    def handle(self, frame: bytes) -> bytes | None:
        """Answer one command frame (CommandHandlerClass::handle); None while a connect it started
        is under way (then :meth:`pending_done` and :meth:`finish`)."""
        self.took = 0.0
        self.radio.poll()
        code = _raw(frame, 1)
        handler = self._handlers.get(code) if _raw(frame, 0) == p.START_CMD else None
        answer: Answer = None
        if handler is not None:
            _, params = p.parse(frame, code in p.WIDE_PARAMS)
            answer = handler(frame, params)
        if isinstance(answer, Connecting):
            self._pending = code
            return None
        return self._reply(code, answer)

    def _reply(self, code: int, answer: list[bytes] | bytes | None) -> bytes:
        self.sockets.update()  # the GPIO0 task runs after every command
        if answer is None:
            return p.ERROR_REPLY
        made = answer if isinstance(answer, bytes) else p.reply(code, answer, wide=code in p.WIDE_REPLIES)
        self._last_reply = made
        return made

    def pending_done(self) -> bool:
        """True when the command under way (a connect) has ended, and :meth:`finish` may answer it.
        The WiFi events go on meanwhile: a station lost under the connect ends it."""
        if self._pending is None:
            return False
        self.radio.poll()
        return self.sockets.connect_done()

    def finish(self) -> bytes:
        """The reply to the command that was under way."""
        assert self._pending is not None
        code, self._pending = self._pending, None
        return self._reply(code, _OK if self.sockets.finish_connect() else [])

    def irq(self) -> bool:
        """The level the firmware drives on GPIO0: high while some socket has something to read."""
        return self.sockets.irq()

    def shutdown(self) -> None:
        """The ESP32 stops (reset): every socket closes and the AP disappears."""
        self.sockets.close_all()
        self.radio.power_off()

    # -- handlers --------------------------------------------------------------------------

    def _write_file(self, frame: bytes, params: Params) -> Answer:
        # writeFile returns the count written as the reply's length (files.py)
        if len(params) < 4:
            return None
        written = self.files.write(params[2], params[3][: number(params[1])])
        if written is None:
            return b""  # fopen failed: -1, aligned up to a reply of no bytes
        if written == 0:
            return None
        reply = bytearray(self._last_reply.ljust(written, b"\0")[:written])
        reply[0] = p.START_CMD
        if written > 1:
            reply[1] = 0x60 | p.REPLY_FLAG
        reply[written - 1] = p.END_CMD
        return bytes(reply.ljust((written + 3) & ~3, b"\0"))

    def _read_file(self, frame: bytes, params: Params) -> Answer:
        if len(params) < 3:
            return None
        length = number(params[1]) & 0xFF  # response[3] = len: one byte
        stale = self._last_reply[4:]
        data = self.files.read(params[2], number(params[0]), length, stale)
        return [data] if data is not None else b""

    def _delete_file(self, frame: bytes, params: Params) -> Answer:
        if len(params) >= 3:
            self.files.delete(params[2])
        return None  # deleteFile returns 0: "no such command", whatever it did

    def _ok(self, frame: bytes, params: Params) -> Answer:
        return _OK

    def _set_net(self, frame: bytes, params: Params) -> Answer:
        self.radio.begin(_cstr(_arg(params, 0)), "")
        return _OK

    def _set_passphrase(self, frame: bytes, params: Params) -> Answer:
        self.radio.begin(_cstr(_arg(params, 0)), _text(_arg(params, 1)))
        return _OK

    def _set_key(self, frame: bytes, params: Params) -> Answer:
        # WEP: ssid, key index, key (setKey reads the third parameter).
        self.radio.begin(_cstr(_arg(params, 0)), _text(_arg(params, 2)))
        return _OK

    def _set_ip_config(self, frame: bytes, params: Params) -> Answer:
        # The library sends a valid-flag byte, then ip, gateway, netmask.
        if len(params) >= 4:
            self.radio.set_ip_config(dotted(params[1]), dotted(params[2]), dotted(params[3]))
        return _NO  # setIPconfig never sets response[4]

    def _set_dns_config(self, frame: bytes, params: Params) -> Answer:
        if len(params) >= 3:
            self.radio.set_dns(dotted(params[1]), dotted(params[2]))
        return _OK

    def _set_ap_net(self, frame: bytes, params: Params) -> Answer:
        ssid = _text(_arg(params, 0))
        # The channel is the byte where the channel parameter's first byte would be, read from the
        # raw frame as the firmware does, not the parsed parameter's: they differ when that
        # parameter is empty (create_AP(channel=0) sends bytes(0): END, 0xEE, is read) or missing.
        channel = _raw(frame, 5 + _raw(frame, 3))
        return _OK if self.radio.start_ap(ssid, "", channel, secured=False) else _NO

    def _set_ap_passphrase(self, frame: bytes, params: Params) -> Answer:
        ssid, password = _text(_arg(params, 0)), _text(_arg(params, 1))
        ssid_len = _raw(frame, 3)
        channel = _raw(frame, 6 + ssid_len + _raw(frame, 4 + ssid_len))  # raw, as in _set_ap_net
        return _OK if self.radio.start_ap(ssid, password, channel, secured=True) else _NO

    def _scan_networks(self, frame: bytes, params: Params) -> Answer:
        networks = self.radio.scan()
        self.took = SCAN_S if self.radio.scanned else 0.0  # a scan that could not start returns at once
        return [air_name(network) for network in networks]

    def _entry(self, params: Params) -> tuple[bytes, int, int, int]:
        return self.radio.scan_entry(_byte(_arg(params, 0)))

    def _start_server(self, frame: bytes, params: Params) -> Answer:
        if len(params) == 3:  # port, socket, type
            port_param, number, mode = params[0], _byte(params[1]), _byte(params[2])
        elif len(params) >= 4:  # ip (multicast), port, socket, type
            port_param, number, mode = params[1], _byte(params[2]), _byte(params[3])
        else:
            return _NO
        port = struct.unpack(">H", port_param[:2].rjust(2, b"\0"))[0]
        return _OK if self.sockets.start_server(number, port, mode) else _NO

    def _server_state(self, frame: bytes, params: Params) -> Answer:
        return _OK if self.sockets.server_state(_byte(_arg(params, 0))) else _NO

    def _available(self, frame: bytes, params: Params) -> Answer:
        count = self.sockets.available(_byte(_arg(params, 0)), _raw(frame, 6))
        return [struct.pack("<H", count & 0xFFFF)]

    def _get_data(self, frame: bytes, params: Params) -> Answer:
        number = _byte(_arg(params, 0))
        return [bytes((self.sockets.read_byte(number, bool(_raw(frame, 6))),))]

    def _start_client(self, frame: bytes, params: Params) -> Answer:
        if len(params) == 4:  # ip, port, socket, type
            name, address, port_param, number, mode = "", params[0], params[1], params[2], params[3]
        elif len(params) >= 5:  # host name, ip, port, socket, type
            name, address, port_param, number, mode = _text(params[0]), params[1], params[2], params[3], params[4]
        else:
            return []
        port = struct.unpack(">H", port_param[:2].rjust(2, b"\0"))[0]
        started = self.sockets.start_client(_byte(number), _byte(mode), name, address, port)
        if isinstance(started, Connecting):
            return started  # answered by finish() once the connect ends
        return _OK if started else []  # "response[2] = 0": no parameter

    def _stop_client(self, frame: bytes, params: Params) -> Answer:
        self.sockets.stop(_byte(_arg(params, 0)))
        return _OK

    def _client_state(self, frame: bytes, params: Params) -> Answer:
        return [bytes((self.sockets.client_state(_byte(_arg(params, 0))),))]

    def _disconnect(self, frame: bytes, params: Params) -> Answer:
        self.radio.disconnect()
        return _OK

    def _req_host_by_name(self, frame: bytes, params: Params) -> Answer:
        if self.personality.legacy:
            self._resolved = b"\xff\xff\xff\xff"  # hostByName sets 255.255.255.255 first
        resolved = self.radio.resolve(_text(_arg(params, 0)))
        if resolved is None:
            return _NO
        self._resolved = packed(resolved)
        return _OK

    def _send_udp(self, frame: bytes, params: Params) -> Answer:
        return _OK if self.sockets.udp_send(_byte(_arg(params, 0))) else _NO

    def _remote_data(self, frame: bytes, params: Params) -> Answer:
        address, port = self.sockets.remote(_byte(_arg(params, 0)))
        return [packed(address), struct.pack(">H", port & 0xFFFF)]

    def _time(self, frame: bytes, params: Params) -> Answer:
        # NTP runs once the station reaches the internet; before that the clock reads < 2000: 0.
        now = int(time.time()) if self.radio.has_internet() else 0
        return [now.to_bytes(self.personality.time_bytes, "little")]

    def _ping(self, frame: bytes, params: Params) -> Answer:
        target = dotted(_arg(params, 0))
        reachable = self.radio.station_up() and (ipaddress.IPv4Address(target) in _LAN or self.radio.has_internet())
        return [struct.pack("<h", 12 if reachable else -1)]

    def _send_data(self, frame: bytes, params: Params) -> Answer:
        if len(params) < 2:
            return [struct.pack("<H", 0)]
        written = self.sockets.send(_byte(params[0]), params[1])
        return [struct.pack("<H", written & 0xFFFF)]

    def _get_databuf(self, frame: bytes, params: Params) -> Answer:
        if len(params) < 2:
            return [b""]
        count = struct.unpack("<H", params[1][:2].ljust(2, b"\0"))[0]
        return [self.sockets.read(_byte(params[0]), count)]

    def _insert_databuf(self, frame: bytes, params: Params) -> Answer:
        if len(params) < 2:
            return _NO
        return _OK if self.sockets.udp_write(_byte(params[0]), params[1]) else _NO

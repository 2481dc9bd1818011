# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The simulator's native WiFi is never kinder than the real ports (../shared/docs/hardware-truth.md
sections 1-11, and the watchdog the library uses against section 5).

Each test drives the simulated CircuitPython modules of a board in this process
(``edgent_host.sim.testing.simulated_board``) and asserts what the real port does, with the
section it comes from: espressif for the ESP32-S3 boards, raspberrypi for the Pico W.
"""

from __future__ import annotations

import errno as host_errno
import socket
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from edgent_host.nvmfile import NVMFile
from edgent_host.sim import boards
from edgent_host.sim.testing import SimulatedBoard, simulated_board
from edgent_host.sim.world import DEFAULT_WORLD

ESP = "adafruit_feather_esp32s3_4mbflash_2mbpsram"
PICO = "raspberry_pi_pico_w"
HOME = next(dict(n) for n in DEFAULT_WORLD["networks"] if n["ssid"] == "HomeNet")
CAFE = next(dict(n) for n in DEFAULT_WORLD["networks"] if n["ssid"] == "CoffeeShop")
PASSWORD = HOME["password"]
ROOT = Path(__file__).resolve().parent.parent


def network(**fields: Any) -> dict[str, Any]:
    """A network of the world file: HomeNet's fields, changed by ``fields``."""
    return {**HOME, **fields}


@pytest.fixture
def esp(tmp_path: Path) -> Iterator[SimulatedBoard]:
    with simulated_board(ESP, tmp_path / "esp") as board:
        yield board


@pytest.fixture
def pico(tmp_path: Path) -> Iterator[SimulatedBoard]:
    with simulated_board(PICO, tmp_path / "pico") as board:
        yield board


def elapsed(since: float) -> float:
    return time.monotonic() - since


# -- 1. ap_info --------------------------------------------------------------------------------


def test_ap_info_raises_on_pico_w_and_is_the_network_on_esp32(esp: SimulatedBoard, pico: SimulatedBoard) -> None:
    # Section 1: raspberrypi common_hal_wifi_radio_get_ap_info is mp_raise_NotImplementedError.
    pico.wifi.radio.connect("HomeNet", PASSWORD)
    with pytest.raises(NotImplementedError):
        pico.wifi.radio.ap_info  # noqa: B018
    # espressif: None until joined, then the network.
    assert esp.wifi.radio.ap_info is None
    esp.wifi.radio.connect("HomeNet", PASSWORD)
    info = esp.wifi.radio.ap_info
    assert (info.ssid, info.channel, info.rssi) == ("HomeNet", 6, -48)


# -- 2. stations_ap ----------------------------------------------------------------------------


@pytest.mark.parametrize("board_id", [ESP, PICO])
def test_stations_ap_is_none_while_the_access_point_is_down(board_id: str, tmp_path: Path) -> None:
    # Section 2: both ports return None (not an empty sequence) when the AP is down.
    with simulated_board(board_id, tmp_path) as board:
        radio = board.wifi.radio
        assert radio.stations_ap is None
        radio.start_ap("Blynk Device-1234")
        assert radio.stations_ap == []
        radio.stop_ap()
        assert radio.stations_ap is None


# -- 3. the access point's MAC -----------------------------------------------------------------


def test_pico_w_ap_mac_is_the_station_mac(esp: SimulatedBoard, pico: SimulatedBoard) -> None:
    # Section 3: the CYW43 has one MAC for both interfaces; espressif's AP MAC is the station's + 1.
    assert pico.wifi.radio.mac_address_ap == pico.wifi.radio.mac_address == boards.get(PICO).mac
    station = esp.wifi.radio.mac_address
    assert esp.wifi.radio.mac_address_ap == station[:5] + bytes([station[5] + 1])


# -- 4. the Pico W's access point, once per boot -----------------------------------------------


def test_pico_w_access_point_starts_once_per_boot(esp: SimulatedBoard, pico: SimulatedBoard) -> None:
    # Section 4: raspberrypi Radio.c start_ap: "If the AP is stopped once it cannot be restarted".
    pico.wifi.radio.start_ap("Blynk Device-1234")
    pico.wifi.radio.stop_ap()
    with pytest.raises(RuntimeError):
        pico.wifi.radio.start_ap("Blynk Device-1234")
    assert not pico.wifi.radio.ap_active
    esp.wifi.radio.start_ap("Blynk Device-1234")
    esp.wifi.radio.stop_ap()
    esp.wifi.radio.start_ap("Blynk Device-1234")
    assert esp.wifi.radio.ap_active


# -- 5. joins that take long or never get an address --------------------------------------------


def test_esp32_connect_without_dhcp_blocks_past_its_timeout_until_the_watchdog(tmp_path: Path) -> None:
    # Section 5: espressif connect loops until an address or a disconnect; its timeout only stops
    # retries. The watchdog in RAISE mode (section 12) is the one interrupt a program can arrange.
    world = {"networks": [network(ssid="NoDhcp", dhcp=False, join_s=0.05)]}
    with simulated_board(ESP, tmp_path, world) as board:
        dog = board.microcontroller.watchdog
        dog.timeout = 0.4
        dog.mode = board.watchdog.WatchDogMode.RAISE
        start = time.monotonic()
        with pytest.raises(board.watchdog.WatchDogTimeout):
            board.wifi.radio.connect("NoDhcp", PASSWORD, timeout=0.05)
        assert 0.35 < elapsed(start) < 1.5
        # Left associated, without an address; the watchdog turned itself off.
        radio = board.wifi.radio
        assert radio.connected and str(radio.ipv4_address) == "0.0.0.0"
        assert radio.ap_info is not None and dog.mode is None


def test_pico_w_connect_without_dhcp_keeps_its_deadline(pico: SimulatedBoard, tmp_path: Path) -> None:
    # Section 5: raspberrypi honours the deadline: WIFI_RADIO_ERROR_UNSPECIFIED, "Unknown failure 1".
    with simulated_board(PICO, tmp_path / "nodhcp", {"networks": [network(dhcp=False, join_s=0.05)]}) as board:
        start = time.monotonic()
        with pytest.raises(ConnectionError, match=r"^Unknown failure 1$"):
            board.wifi.radio.connect("HomeNet", PASSWORD, timeout=0.3)
        assert 0.25 < elapsed(start) < 1.0
        assert not board.wifi.radio.connected and board.wifi.radio.ipv4_address is None


def test_a_join_slower_than_the_timeout(tmp_path: Path) -> None:
    # Section 5: join_s is association + DHCP. raspberrypi gives up at the deadline (the join goes
    # on in the background); espressif's timeout does not end the wait (the harsher reading).
    slow = {"networks": [network(join_s=0.5)]}
    with simulated_board(PICO, tmp_path / "pico", slow) as board:
        start = time.monotonic()
        with pytest.raises(ConnectionError, match=r"^Unknown failure 1$"):
            board.wifi.radio.connect("HomeNet", PASSWORD, timeout=0.1)
        assert elapsed(start) < 0.4 and not board.wifi.radio.connected
        time.sleep(0.5)
        assert board.wifi.radio.connected  # cyw43_arch_wifi_connect_async finished after all
    with simulated_board(ESP, tmp_path / "esp", slow) as board:
        start = time.monotonic()
        board.wifi.radio.connect("HomeNet", PASSWORD, timeout=0.1)
        assert elapsed(start) >= 0.5 and board.wifi.radio.ipv4_address is not None


def test_esp32_connect_without_dhcp_ends_when_the_network_goes(tmp_path: Path) -> None:
    # Section 5: the other way out of espressif's loop is a disconnect.
    with simulated_board(ESP, tmp_path, {"networks": [network(dhcp=False, join_s=0.05)]}) as board:
        threading.Timer(0.3, board.set_world, args=({"networks": [CAFE]},)).start()
        start = time.monotonic()
        with pytest.raises(ConnectionError, match="No network with that ssid"):
            board.wifi.radio.connect("HomeNet", PASSWORD, timeout=0.05)
        assert 0.25 < elapsed(start) < 1.5 and not board.wifi.radio.connected


# -- 6. errno numbers ----------------------------------------------------------------------------


def test_errno_numbers_are_newlib_s_and_the_sockets_raise_them(esp: SimulatedBoard) -> None:
    # Section 6: MICROPY_USE_INTERNAL_ERRNO = 0, newlib's sys/errno.h; the names of
    # MICROPY_PY_ERRNO_LIST (py/moderrno.c).
    errno = esp.errno
    numbers = {name: getattr(errno, name) for name in dir(errno) if name.startswith("E")}
    assert numbers == {
        **dict(EPERM=1, ENOENT=2, EIO=5, EBADF=9, EAGAIN=11, ENOMEM=12, EACCES=13, EEXIST=17, ENODEV=19),
        **dict(EISDIR=21, EINVAL=22, ENOSPC=28, EROFS=30, EOPNOTSUPP=95, ECONNRESET=104, ENOBUFS=105),
        **dict(ECONNREFUSED=111, EADDRINUSE=112, ECONNABORTED=113, ETIMEDOUT=116, EHOSTUNREACH=118),
        **dict(EINPROGRESS=119, EALREADY=120, ENOTCONN=128),
    }
    assert errno.errorcode[116] == "ETIMEDOUT" and len(errno.errorcode) == len(numbers)
    pool = esp.socketpool.SocketPool(esp.wifi.radio)
    # No network: no route.
    with pool.socket() as sock, pytest.raises(OSError) as unreachable:
        sock.connect(("127.0.0.1", 9))
    assert unreachable.value.args == (errno.EHOSTUNREACH,)
    # A portal with nobody waiting, non-blocking then with a timeout.
    with pool.socket() as server:
        server.bind(("0.0.0.0", 80))
        server.listen(1)
        server.setblocking(False)
        with pytest.raises(OSError) as nobody:
            server.accept()
        assert nobody.value.args == (errno.EAGAIN,)
        server.settimeout(0.05)
        with pytest.raises(OSError) as late:
            server.accept()
        assert late.value.args == (errno.ETIMEDOUT,)
    # Host errors become their newlib namesakes.
    assert esp.socketpool._cp_errno_of(host_errno.ETIMEDOUT) == 116
    assert esp.socketpool._cp_errno_of(host_errno.ENOTCONN) == 128
    assert esp.socketpool._cp_errno_of(host_errno.EPIPE) == 104


def test_the_device_process_gets_circuitpython_errno_and_cpython_keeps_its_own(tmp_path: Path) -> None:
    # Section 6: device.install_modules installs errno last: code imported afterwards sees
    # newlib's numbers, CPython's modules loaded before keep the host's.
    script = textwrap.dedent(
        f"""
        from pathlib import Path
        from edgent_host.sim import boards, device, runtime
        from edgent_host.sim.world import World
        rt = runtime.Runtime(board=boards.get({ESP!r}), state_dir=Path({str(tmp_path)!r}),
                             code_dir=Path({str(tmp_path)!r}), cloud=("127.0.0.1", 9), world=World(),
                             portal=("127.0.0.1", 9))
        device.install_modules(rt)
        import errno, socket
        print(errno.ETIMEDOUT, errno.ENOTCONN, socket.errno.ETIMEDOUT)
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=30, cwd=ROOT)
    assert done.stdout.split() == ["116", "128", str(host_errno.ETIMEDOUT)], done.stderr


# -- 7. a closed peer on a non-blocking socket ---------------------------------------------------


@pytest.mark.parametrize(("board_id", "raises"), [(ESP, True), (PICO, False)])
def test_a_closed_peer_on_a_non_blocking_socket(board_id: str, raises: bool, tmp_path: Path) -> None:
    # Section 7: espressif socketpool_socket_recv_into: 0 from lwip_recv in non-blocking mode is
    # OSError(ENOTCONN); raspberrypi lwip_tcp_receive returns 0.
    with simulated_board(board_id, tmp_path) as board, socket.create_server(("127.0.0.1", 0)) as peer:
        board.wifi.radio.connect("HomeNet", PASSWORD)
        pool = board.socketpool.SocketPool(board.wifi.radio)
        with pool.socket() as sock:
            sock.connect(peer.getsockname())
            conn, _ = peer.accept()
            conn.close()
            time.sleep(0.05)
            sock.setblocking(False)
            buffer = bytearray(8)
            if raises:
                with pytest.raises(OSError) as closed:
                    sock.recv_into(buffer)
                assert closed.value.args == (board.errno.ENOTCONN,)
            else:
                assert sock.recv_into(buffer) == 0


# -- 8. the access point follows the station's channel ------------------------------------------


@pytest.mark.parametrize("board_id", [ESP, PICO])
def test_the_access_point_follows_the_station_and_drops_the_phone(
    board_id: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Section 8: the soft-AP takes the station's channel; the phone on it drops off. (espressif per
    # the ESP-IDF guide; the CYW43 has one radio too: the simulator does the same, the harsher case.)
    with simulated_board(board_id, tmp_path) as board:
        monkeypatch.setattr(board.wifi, "PHONE_REJOIN_S", 0.4)
        radio, errno = board.wifi.radio, board.errno
        radio.start_ap("Blynk Device-1234", channel=1)
        pool = board.socketpool.SocketPool(radio)
        server = pool.socket()
        server.bind(("0.0.0.0", 80))
        server.listen(2)
        server.setblocking(False)
        phone = socket.create_connection(board.runtime.portal, timeout=2)
        time.sleep(0.05)
        conn, _ = server.accept()
        conn.setblocking(False)
        assert radio.stations_ap and radio._ap["channel"] == 1

        radio.connect("HomeNet", PASSWORD)  # channel 6
        assert radio._ap["channel"] == 6 and radio.stations_ap == []
        phone.settimeout(1)
        with pytest.raises(ConnectionResetError):  # the phone's side of the connection is gone
            phone.recv(1)
        phone.close()
        with pytest.raises(ConnectionRefusedError):  # nobody reaches the portal while it rejoins
            socket.create_connection(board.runtime.portal, timeout=1)
        with pytest.raises(OSError) as nothing:
            conn.recv_into(bytearray(8))
        assert nothing.value.args == (errno.EAGAIN,)
        assert conn.send(b"HTTP/1.1 200 OK\r\n") == 17  # queued for a phone that is not there
        with pytest.raises(OSError) as none_yet:
            server.accept()
        assert none_yet.value.args == (errno.EAGAIN,)

        time.sleep(0.45)  # the phone is back: its stack resets the old connection
        with pytest.raises(OSError) as reset:
            conn.recv_into(bytearray(8))
        assert reset.value.args == (errno.ECONNRESET,)
        with pytest.raises(OSError) as listening:  # listening again, nobody there yet
            server.accept()
        assert listening.value.args == (errno.EAGAIN,)
        with socket.create_connection(board.runtime.portal, timeout=2):
            time.sleep(0.05)
            again, _ = server.accept()
            again.close()
        conn.close()
        server.close()


def test_an_access_point_started_after_the_join_takes_the_station_channel(esp: SimulatedBoard) -> None:
    # Section 8 and shared-bindings start_ap: "the access point will use that channel unless a
    # station is already operating on a different channel".
    esp.wifi.radio.connect("HomeNet", PASSWORD)
    esp.wifi.radio.start_ap("Blynk Device-1234", channel=1)
    assert esp.wifi.radio._ap["channel"] == 6


# -- 9. scans ------------------------------------------------------------------------------------

SCAN_WORLD = {
    "networks": [
        network(ssid="Six", channel=6, beacons=3, bssid="02:00:00:00:00:06"),
        network(ssid="Twelve", channel=12, bssid="02:00:00:00:00:12"),
        network(ssid="Ghost", channel=1, hidden=True, bssid="02:00:00:00:00:01"),
        network(ssid_hex="436166e9", channel=11, bssid="02:00:00:00:00:11"),  # Latin-1 "Café"
    ]
}


def _names(networks: Any) -> list[str | None]:
    names: list[str | None] = []
    for found in networks:
        try:
            names.append(found.ssid)
        except UnicodeError:
            names.append(None)
    return names


def test_esp32_scans_channel_by_channel_within_its_range(tmp_path: Path) -> None:
    # Section 9: espressif ScannedNetworks.c scans channels in scan_pattern order (6, 1, 11, ...)
    # between start_channel and stop_channel (default 11: no 12 or 13), each network once.
    with simulated_board(ESP, tmp_path, SCAN_WORLD) as board:
        radio = board.wifi.radio
        assert _names(radio.start_scanning_networks()) == ["Six", "", None]
        with pytest.raises(RuntimeError, match="Already scanning"):  # until stop_scanning_networks
            radio.start_scanning_networks()
        radio.stop_scanning_networks()
        assert _names(radio.start_scanning_networks(stop_channel=13)) == ["Six", "", None, "Twelve"]
        radio.stop_scanning_networks()
        assert _names(radio.start_scanning_networks(start_channel=13, stop_channel=12)) == ["Twelve"]
        radio.stop_scanning_networks()
        with pytest.raises(ValueError, match="stop_channel must be 1-14"):
            radio.start_scanning_networks(stop_channel=15)


def test_pico_w_scans_return_raw_beacons(tmp_path: Path) -> None:
    # Section 9: raspberrypi ScannedNetworks.c: every channel whatever the bounds, each beacon as
    # heard (not de-duplicated), hidden networks with an empty name, names not UTF-8 unreadable.
    with simulated_board(PICO, tmp_path, SCAN_WORLD) as board:
        assert _names(board.wifi.radio.start_scanning_networks()) == ["", "Six", "Six", "Six", None, "Twelve"]
        # The last result ended the scan (current_scan = NULL): a new one may start at once.
        assert _names(board.wifi.radio.start_scanning_networks())[0] == ""


def test_pico_w_scan_ring_loses_what_a_slow_reader_leaves(tmp_path: Path) -> None:
    # Section 9: the CYW43's results go through a 16-entry ring; a full ring drops what comes.
    with simulated_board(PICO, tmp_path, {"networks": [network(beacons=20)]}) as board:
        scan = board.wifi.radio.start_scanning_networks()
        time.sleep(0.3)  # everything has been heard by now
        assert len(list(scan)) == 16


def test_a_name_that_is_not_utf8_is_joined_by_its_bytes(tmp_path: Path) -> None:
    # Section 9: the name as bytes from the air; connect() takes bytes.
    with simulated_board(ESP, tmp_path, SCAN_WORLD) as board:
        radio = board.wifi.radio
        with pytest.raises(ConnectionError, match="No network"):
            radio.connect("Caf\ufffd", PASSWORD)
        radio.connect(b"Caf\xe9", PASSWORD)
        assert radio.connected
        with pytest.raises(UnicodeError):
            radio.ap_info.ssid  # noqa: B018


# -- 10. hostname ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "hostname length must be 1-253"),
        ("a" * 254, "hostname length must be 1-253"),
        ("-blynk", "invalid hostname"),
        ("blynk_device", "invalid hostname"),
        ("blynk..device", "invalid hostname"),
        ("a" * 64, "invalid hostname"),
        ("blynk device", "invalid hostname"),
    ],
)
def test_hostname_is_checked(esp: SimulatedBoard, name: str, message: str) -> None:
    # Section 10: shared-bindings/wifi/Radio.c wifi_radio_set_hostname and hostname_valid.
    with pytest.raises(ValueError, match=f"^{message}$"):
        esp.wifi.radio.hostname = name


def test_a_valid_hostname_is_taken(esp: SimulatedBoard) -> None:
    esp.wifi.radio.hostname = "blynk-device-01.local"
    assert esp.wifi.radio.hostname == "blynk-device-01.local"
    esp.wifi.radio.hostname = b"Blynk-" + b"a" * 57
    assert esp.wifi.radio.hostname == "Blynk-" + "a" * 57


# -- 11. NVM ---------------------------------------------------------------------------------------


def test_new_nvm_reads_zeros_on_esp32_and_erased_flash_elsewhere(esp: SimulatedBoard, pico: SimulatedBoard) -> None:
    # Section 11: an ESP32's missing NVS blob reads as a cleared buffer; flash reads 0xFF.
    assert esp.microcontroller.nvm[0:16] == bytearray(16)
    assert pico.microcontroller.nvm[0:16] == bytearray(b"\xff" * 16)


def test_a_power_cut_between_erase_and_write_leaves_the_nvm_blank(tmp_path: Path) -> None:
    # Section 11: each write erases the whole block first; SIGKILL (the simulator's power cut)
    # during the erase-to-write window leaves it blank, not a mix of old and new.
    image = tmp_path / "nvm.bin"
    nvm = NVMFile(image, 256, "zeros")
    nvm[0:4] = b"old!"
    script = textwrap.dedent(
        f"""
        from edgent_host.nvmfile import NVMFile
        nvm = NVMFile({str(image)!r}, 256, "zeros", erase_s=30)
        print("writing", flush=True)
        nvm[100:104] = b"new!"
        """
    )
    writer = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    assert writer.stdout is not None and writer.stdout.readline() == "writing\n"
    time.sleep(0.2)
    writer.kill()
    writer.wait(5)
    assert image.read_bytes() == bytes(256)
    # Uninterrupted, each write leaves the whole new image.
    nvm = NVMFile(image, 256, "erased", erase_s=0.01)
    nvm[0:4] = b"new!"
    assert image.read_bytes()[:8] == b"new!\x00\x00\x00\x00"


# -- 12. the watchdog ------------------------------------------------------------------------------


def test_pico_w_watchdog_cannot_raise(pico: SimulatedBoard) -> None:
    # Section 12: raspberrypi WatchDogTimer.c: RAISE is NotImplementedError, timeout at most 8 s;
    # CircuitPython 10 has no deinit() (removed for 10.0.0): mode = None turns it off.
    dog = pico.microcontroller.watchdog
    assert dog is pico.watchdog._the_timer and dog.mode is None and dog.timeout == 0.0
    with pytest.raises(ValueError, match="timeout must be <= 8"):
        dog.timeout = 9
    dog.timeout = 5
    with pytest.raises(NotImplementedError):
        dog.mode = pico.watchdog.WatchDogMode.RAISE
    assert not hasattr(dog, "deinit")
    with pytest.raises(TypeError):
        pico.watchdog.WatchDogTimer()


def test_esp32_watchdog_raises_in_the_code_that_runs_and_feeding_holds_it_off(esp: SimulatedBoard) -> None:
    # Section 12: espressif esp_task_wdt_isr_user_handler turns the watchdog off and makes
    # WatchDogTimeout the pending exception: the running code gets it, here in a sleep.
    dog, mode = esp.microcontroller.watchdog, esp.watchdog.WatchDogMode
    dog.timeout = 0.2
    dog.mode = mode.RAISE
    for _ in range(5):
        time.sleep(0.1)
        dog.feed()
    start = time.monotonic()
    with pytest.raises(esp.watchdog.WatchDogTimeout):
        time.sleep(2)
    assert elapsed(start) < 0.5 and dog.mode is None
    dog.mode = mode.RAISE
    dog.mode = None  # off again before it fires
    time.sleep(0.3)


def test_watchdog_reset_reboots_with_reason_watchdog(tmp_path: Path) -> None:
    # Section 12: RESET mode resets the board (the simulator's reboot exit, 75); the next boot's
    # microcontroller.cpu.reset_reason is WATCHDOG.
    script = textwrap.dedent(
        f"""
        import time
        from pathlib import Path
        from edgent_host.sim.testing import simulated_board
        with simulated_board({PICO!r}, Path({str(tmp_path)!r})) as board:
            dog = board.microcontroller.watchdog
            dog.timeout = 0.2
            dog.mode = board.watchdog.WatchDogMode.RESET
            time.sleep(5)
        """
    )
    start = time.monotonic()
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=30, cwd=ROOT)
    assert done.returncode == 75 and elapsed(start) < 4, done.stderr
    with simulated_board(PICO, tmp_path) as board:
        assert board.microcontroller.cpu.reset_reason == board.microcontroller.ResetReason.WATCHDOG
    with simulated_board(PICO, tmp_path) as board:
        assert board.microcontroller.cpu.reset_reason == board.microcontroller.ResetReason.POWER_ON


def test_a_soft_reload_keeps_the_reset_reason_and_says_it_reloaded(tmp_path: Path) -> None:
    # supervisor.reload() (and a file saved, Ctrl-D) runs code.py again without a hard reset:
    # reset_reason stays the hard start's, run_reason is no longer STARTUP (CircuitPython main.c).
    script = textwrap.dedent(
        f"""
        from pathlib import Path
        from edgent_host.sim.testing import simulated_board
        with simulated_board({PICO!r}, Path({str(tmp_path)!r})) as board:
            board.supervisor.reload()
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=30, cwd=ROOT)
    assert done.returncode == 75, done.stderr
    with simulated_board(PICO, tmp_path) as board:
        assert board.microcontroller.cpu.reset_reason == board.microcontroller.ResetReason.POWER_ON
        assert board.supervisor.runtime.run_reason == board.supervisor.RunReason.SUPERVISOR_RELOAD
    with simulated_board(PICO, tmp_path) as board:  # a power cycle: a hard start again
        assert board.supervisor.runtime.run_reason == board.supervisor.RunReason.STARTUP


def test_samd51_boards_cannot_say_why_they_started(tmp_path: Path) -> None:
    with simulated_board("pyportal", tmp_path) as board:
        assert board.microcontroller.cpu.reset_reason == board.microcontroller.ResetReason.UNKNOWN

# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The device's state machine on a real Edgent, built with stand-ins only for what needs hardware
(the radio and its sockets, the NVM, the button's pin) and a virtual clock; a phone on the access
point talks to the real portal. The cloud cannot be reached here (no name resolves): what
happens once it answers is test_edgent_cloud.py's, over loopback.
"""

import json
import sys

from blynk_edgent import states
from blynk_edgent.button import ResetButton
from blynk_edgent.config import Config
from blynk_edgent.configmode import PHONE_QUIET_MS
from blynk_edgent.connecting import ERROR_REBOOT_MS, SWITCH_TO_STA_MS, TRIAL_CLOUD_MS
from blynk_edgent.edgent import Edgent
from blynk_edgent.store import ConfigStore
from support import Clock, FakeNVM, FakeRadio, fields, quote, raises

TOKEN = "abcdefghijklmnopqrstuvwxyzAB12_-"
HOME = Config(ssid="HomeNet", password="correct horse", token=TOKEN, provisioned=True)
AP_NAME = "Blynk Device-PYN6"


class Board:
    """A board running an Edgent: its radio, NVM, button pin, clock and serial log."""

    def __init__(self, radio=None, stored=None):
        self.radio = radio or FakeRadio()
        self.nvm = FakeNVM(8192)
        if stored is not None:
            ConfigStore(self.nvm).save(stored)
        self.clock = Clock()
        self.released = True  # the button's level: active low, released
        self.lines = []
        self.edgent = None

    def start(self, **options):
        button = ResetButton(read=lambda: self.released)
        self.edgent = Edgent(
            "TMPL4abcd123", "Device", "0.1.0", radio=self.radio, nvm=self.nvm, tls=True,
            log=self.lines.append, clock=self.clock, button=button, **options
        )  # fmt: skip
        return self.edgent

    def run(self, ms, step=10):
        """Poll every ``step`` ms for ``ms``."""
        end = self.clock.now + ms
        while self.clock.now < end:
            self.edgent.poll()
            self.clock.now += step

    def ask(self, path, body="", headers="Host: 192.168.4.1\r\n"):
        """A phone's request to the portal; returns the status and the body of the answer."""
        phone = self.radio.phone(path, body, headers)
        self.run(10)
        return phone.status_and_body()

    def stored(self):
        return ConfigStore(self.nvm).load()

    def logged(self, words):
        return [line for line in self.lines if words in line]


def config_query(ssid="HomeNet", password="correct horse", token=TOKEN, **extra):
    params = {"ssid": ssid, "pass": password, "blynk": token}
    params.update(extra)
    return "&".join(name + "=" + quote(params[name]) for name in params)


def test_a_blank_device_opens_its_access_point_and_a_phone_makes_it_configuring():
    board = Board()
    edgent = board.start()
    assert edgent.state == states.WAIT_CONFIG and board.radio.ap == AP_NAME
    status, body = board.ask("/board_info.json")
    info = json.loads(body)
    assert status == 200 and (info["ssid"], info["last_error"], info["tmpl_id"]) == (AP_NAME, 0, "TMPL4abcd123")
    assert edgent.state == states.CONFIGURING


def test_board_info_carries_both_of_blynks_schemas():
    board = Board()
    board.start(vendor_prefix="Acme")
    body = board.ask("/board_info.json")[1]
    info = json.loads(body)
    # the classic firmware's keys in its order, then Blynk.Inject's, then this library's (read from
    # the text: MicroPython's dicts keep no order)
    keys = ["board", "tmpl_id", "fw_type", "fw_ver", "ssid", "bssid", "mac", "last_error", "wifi_scan", "static_ip",
            "vendor", "name", "uid", "ifs", "state"]  # fmt: skip
    places = [body.index('"%s":' % key) for key in keys]
    assert places == sorted(places) and places[0] == 1
    assert (info["vendor"], info["name"]) == ("Acme", info["ssid"]) and info["ssid"].startswith("Acme Device-")
    assert info["ifs"] == [{"name": "wifi", "mac": info["mac"], "scan": 1, "5ghz": 0, "static_ip": 1}]
    uid = info["uid"]
    assert [len(part) for part in uid.split("-")] == [8, 4, 4, 4, 12] and uid[14] == "4" and uid[19] in "89ab"
    assert json.loads(board.ask("/board_info.json")[1])["uid"] == uid  # the same every time


def test_a_radio_that_cannot_count_phones_waits_for_two_quiet_minutes():
    board = Board()
    edgent = board.start()
    board.ask("/board_info.json")
    board.run(PHONE_QUIET_MS - 1000, step=500)
    assert edgent.state == states.CONFIGURING
    board.ask("/board_info.json")  # another request keeps the phone there
    board.run(PHONE_QUIET_MS - 1000, step=500)
    assert edgent.state == states.CONFIGURING
    board.run(2000, step=500)
    assert edgent.state == states.WAIT_CONFIG


def test_a_radio_that_counts_phones_follows_its_count():
    radio = FakeRadio()
    radio.ap_clients = 1
    board = Board(radio)
    edgent = board.start()
    board.ask("/board_info.json")
    board.run(PHONE_QUIET_MS + 60000, step=1000)
    assert edgent.state == states.CONFIGURING
    radio.ap_clients = 0
    board.run(1100, step=100)
    assert edgent.state == states.WAIT_CONFIG


def test_a_stored_configuration_is_joined_under_blynks_station_name():
    board = Board(stored=HOME)
    edgent = board.start()
    assert edgent.state == states.CONNECTING_NET
    board.run(10)
    assert board.radio.joins == [("HomeNet", "correct horse", "Blynk-Device-PYN6")]
    assert edgent.state == states.CONNECTING_CLOUD
    board.run(10)
    # no name resolves here: 710, and the next attempt waits its turn
    assert edgent.last_error == 710 and edgent.attempts == 1
    assert board.logged("retrying in")


def test_a_failed_join_is_retried_after_a_backoff():
    board = Board(FakeRadio(join_codes=(720, 0)), stored=HOME)
    edgent = board.start(backoff_ms=(1000, 30000))
    board.run(10)
    assert (edgent.state, edgent.last_error, len(board.radio.joins)) == (states.CONNECTING_NET, 720, 1)
    board.run(400)  # the wait is drawn from 500 to 1000 ms
    assert len(board.radio.joins) == 1
    board.run(700)
    assert len(board.radio.joins) == 2 and edgent.state == states.CONNECTING_CLOUD
    assert board.stored().last_error == 0  # a retry is not a record: NVM keeps what it had


def test_an_access_point_that_fails_is_error_704_and_reboots_after_ten_seconds():
    board = Board(FakeRadio(ap_fails=True))
    edgent = board.start()
    assert (edgent.state, edgent.last_error) == (states.ERROR, 704)
    board.run(ERROR_REBOOT_MS - 100, step=100)
    assert raises(SystemExit, board.run, 200, 100)  # microcontroller.reset()


def test_a_held_button_postpones_the_reboot_and_its_release_erases():
    board = Board(FakeRadio(ap_fails=True), stored=HOME)
    radio = board.radio
    radio.join_codes = [720]
    edgent = board.start()
    board.run(10)
    assert edgent.state == states.CONNECTING_NET
    board.released = False
    board.run(ERROR_REBOOT_MS + 5000, step=100)  # held 15 s: nothing yet
    assert edgent.state == states.CONNECTING_NET and board.stored().provisioned
    board.released = True
    board.run(100)
    assert board.logged("reset button held for 15.0 s")
    assert not board.stored().provisioned
    # erased, then config mode, whose access point fails here: ERROR, which a held button postpones
    assert (edgent.state, edgent.last_error) == (states.ERROR, 704)
    board.released = False
    board.run(ERROR_REBOOT_MS + 2000, step=100)
    assert edgent.state == states.ERROR


def test_a_configuration_that_fails_keeps_the_earlier_one_and_says_why():
    board = Board(FakeRadio(join_codes=(722,)))
    edgent = board.start()
    status, body = board.ask("/config?" + config_query(password="wrong password"))
    assert (status, body) == (200, '{"status":"ok","msg":"Trying to connect..."}')
    assert edgent.state == states.SWITCH_TO_STA
    status, _ = board.ask("/config?" + config_query())
    assert status == 503  # one at a time
    board.run(SWITCH_TO_STA_MS + 100)
    assert (edgent.state, edgent.last_error) == (states.WAIT_CONFIG, 722)
    assert board.radio.ap == AP_NAME and board.radio.ap_starts == 1  # it stayed up beside the join
    info = json.loads(board.ask("/board_info.json")[1])
    assert info["last_error"] == 722 and info["attempt"] == {"phase": "failed", "ssid": "HomeNet", "last_error": 722}
    assert fields(board.stored()) == fields(Config(last_error=722))


def test_a_test_join_that_cannot_reach_the_cloud_fails_back_to_config_mode_after_blynks_50_s():
    board = Board()
    edgent = board.start()
    board.ask("/config?" + config_query())
    board.run(SWITCH_TO_STA_MS + 100)
    # the cloud gets TRIAL_CLOUD_MS of attempts, as Blynk's firmware gives it (before: one, 10 s)
    assert (edgent.state, edgent.last_error) == (states.CONNECTING_CLOUD, 0)
    board.run(TRIAL_CLOUD_MS // 2, step=100)
    assert edgent.state == states.CONNECTING_CLOUD and len(board.logged("; trying again in")) >= 3
    board.run(TRIAL_CLOUD_MS // 2 - 1000, step=100)
    assert edgent.state == states.CONNECTING_CLOUD
    board.run(1100, step=100)  # the last attempt, as the 50 s end
    assert (edgent.state, edgent.last_error) == (states.WAIT_CONFIG, 710)
    assert board.radio.joins and not board.radio.connected  # it left the network again
    assert not board.stored().provisioned


def test_a_radio_that_cannot_keep_its_access_point_closes_it_and_reopens_it():
    board = Board(FakeRadio(join_codes=(720,), ap_beside=False))  # NINA: closing the AP resets the ESP32
    edgent = board.start()
    board.ask("/config?" + config_query())
    board.run(SWITCH_TO_STA_MS - 100)
    assert board.radio.ap == AP_NAME and not board.radio.joins  # the answer is still leaving
    board.run(300)
    assert board.radio.joins and board.radio.ap_starts == 2 and board.radio.ap == AP_NAME
    assert (edgent.state, edgent.last_error) == (states.WAIT_CONFIG, 720)


def test_a_radio_that_starts_its_access_point_once_a_boot_reboots_after_a_failed_test_join():
    board = Board(FakeRadio(join_codes=(722,), ap_beside=False, restartable=False))  # a Pico W
    board.start()
    board.ask("/config?" + config_query())
    assert raises(SystemExit, board.run, SWITCH_TO_STA_MS + 100)
    assert board.logged("cannot reopen its access point; rebooting into config mode")
    assert board.stored().last_error == 722


def test_save_first_stores_at_once_and_retries_instead_of_returning_to_config_mode():
    board = Board(FakeRadio(join_codes=(720,)))
    edgent = board.start()
    status, body = board.ask("/config?" + config_query(save="1"))
    assert (status, body) == (200, '{"status":"ok","msg":"Configuration saved"}')
    stored = board.stored()
    assert stored.provisioned and (stored.ssid, stored.token) == ("HomeNet", TOKEN)
    board.run(SWITCH_TO_STA_MS + 100)
    assert board.radio.ap is None  # config mode is over
    assert (edgent.state, edgent.last_error) == (states.CONNECTING_NET, 720)
    assert board.logged("retrying in")


def test_reset_erases_and_stays_in_config_mode():
    board = Board(FakeRadio(join_codes=(722,)))
    edgent = board.start()
    board.ask("/config?" + config_query())
    board.run(SWITCH_TO_STA_MS + 100)
    assert board.stored().last_error == 722
    status, body = board.ask("/reset")
    assert (status, body) == (200, '{"status":"ok","msg":"Configuration reset"}')
    board.run(20)
    assert fields(board.stored()) == fields(Config())
    assert (edgent.state, edgent.last_error) == (states.WAIT_CONFIG, 0)
    assert raises(SystemExit, board.ask, "/reboot")


def test_the_portal_asks_for_few_flash_writes_whatever_it_is_sent():
    """Issue 14: alternating /config and /reset rewrote the NVM block without limit (907 writes
    in 10 s); now at most WRITES_PER_MINUTE changes a minute reach the store, and the phone is
    told why and when to try again."""
    from blynk_edgent.configmode import WRITES_PER_MINUTE

    board = Board(FakeRadio(join_codes=[722] * 100))
    edgent = board.start()
    answers = []
    for _ in range(20):  # a phone (or an attacker) floods for a minute
        answers.append(board.ask("/config?" + config_query(password="wrong password")))
        board.run(SWITCH_TO_STA_MS + 100)
        answers.append(board.ask("/reset"))
        board.run(500)
    assert edgent.state in states.CONFIG_MODE
    taken = [a for a in answers if a[0] == 200]
    refused = [a for a in answers if a[0] == 429]
    assert len(taken) == WRITES_PER_MINUTE and len(taken) + len(refused) == len(answers)
    body = json.loads(refused[0][1])
    assert "at most 4 a minute" in body["msg"] and "try again in" in body["msg"]
    assert board.nvm.writes <= WRITES_PER_MINUTE
    board.run(60000, step=1000)  # a minute later the phone may change it again
    assert board.ask("/reset")[0] == 200


def test_reset_is_refused_during_a_test_join_and_the_button_closes_its_link():
    """Issue 14: /reset during a test-join left the trial's cloud link open and the next
    configuration was never tried. Now /reset waits (503) for the outcome; a 10 s hold of the
    button, which always wins, closes the trial's link first."""
    radio = FakeRadio()
    board = Board(radio)
    edgent = board.start()
    board.ask("/config?" + config_query())
    board.run(SWITCH_TO_STA_MS + 100)
    assert edgent.state in (states.CONNECTING_NET, states.CONNECTING_CLOUD)
    status, body = board.ask("/reset")
    assert status == 503 and "busy trying the last configuration" in body
    board.run(1000)
    assert edgent.state == states.CONNECTING_CLOUD and radio.connected
    board.released = False
    board.run(10500, step=100)
    board.released = True
    board.run(100)
    assert board.logged("erasing the configuration") and not radio.connected
    assert edgent.state in states.CONFIG_MODE and not board.stored().provisioned


def test_only_the_device_s_own_pages_and_apps_may_change_it():
    """Issue 14: Host and Origin were ignored, so a page served under another name (DNS
    rebinding, a form posting to 192.168.4.1) could reconfigure, erase or reboot the device."""
    board = Board(FakeRadio(join_codes=[722] * 10), stored=HOME)
    edgent = board.start()
    edgent.reset_config()  # config mode, with something stored to lose
    board.run(20)
    board.ask("/config?" + config_query(password="wrong password"))
    board.run(SWITCH_TO_STA_MS + 100)
    assert edgent.state in states.CONFIG_MODE
    before = bytes(board.nvm.data)
    foreign = [
        "Host: evil.example\r\n",
        "Host: 192.168.4.1:8080\r\n",
        "Host: 192.168.4.1\r\nOrigin: http://evil.example\r\n",
        "Host: 192.168.4.1\r\nOrigin: null\r\n",
        "Host: 192.168.4.1\r\nOrigin: https://192.168.4.1\r\n",
        "Host: 192.168.4.1\r\nSec-Fetch-Site: cross-site\r\n",
        "Host: blynk.setup\r\nSec-Fetch-Site: same-site\r\n",
        "Host: 192.168.4.1\r\nReferer: http://evil.example/page.html\r\n",
        "Host: 192.168.4.1\r\nReferer: https://192.168.4.1/\r\n",
    ]
    for headers in foreign:
        for path in ("/config?" + config_query(), "/reset", "/reboot"):
            status, body = board.ask(path, headers=headers)
            answer = json.loads(body)
            assert (status, answer["msg"]) == (403, "Forbidden"), (headers, path, body)
            assert "not this device" in answer["reason"] or "another site" in answer["reason"]
    board.run(1000)
    assert bytes(board.nvm.data) == before and edgent.state in states.CONFIG_MODE
    assert board.ask("/board_info.json", headers="Host: evil.example\r\n")[0] == 200  # reading is harmless
    own = [
        "",  # an app that names no host (HTTP/1.0)
        "Host: 192.168.4.1:80\r\nOrigin: http://192.168.4.1\r\nSec-Fetch-Site: same-origin\r\n",
        "Host: 192.168.4.1\r\nReferer: http://192.168.4.1/?from=page\r\n",
        "Host: Blynk.Setup\r\n",
        "Host: blynk-device-pyn6.local\r\nSec-Fetch-Site: none\r\n",
    ]
    for headers in own:
        status, body = board.ask("/config?" + config_query(password="wrong password"), headers=headers)
        assert status == 200, (headers, body)
        board.run(SWITCH_TO_STA_MS + 100)
        assert edgent.state in states.CONFIG_MODE
        board.run(20000, step=500)  # within the flash's four changes a minute


def test_start_up_and_what_led_to_config_mode_drop_their_modules():
    board = Board(FakeRadio(join_codes=(722,)))
    board.start()
    loaded = set(sys.modules)
    assert {"blynk_edgent.configmode", "blynk_edgent.portal", "blynk_edgent.httpd"} <= loaded
    assert not {"blynk_edgent.startup", "blynk_edgent.settings", "blynk_edgent.profile"} & loaded
    assert not {"blynk_edgent.store", "blynk_edgent.validate"} & loaded
    board.ask("/config?" + config_query())
    board.run(SWITCH_TO_STA_MS + 100)  # the test-join fails: its last_error is stored, config mode again
    assert board.edgent.state == states.WAIT_CONFIG and board.stored().last_error == 722
    assert not {"blynk_edgent.store", "blynk_edgent.validate"} & set(sys.modules)


def test_the_state_table_is_closed():
    for state, targets in states.NEXT.items():
        for target in targets:
            assert target in states.NEXT, (state, target)
        assert state not in targets
    assert states.RESET_CONFIG in states.NEXT[states.RUNNING]
    assert states.INIT not in [t for targets in states.NEXT.values() for t in targets]


class CrowdedRadio(FakeRadio):
    """A radio whose scan reports a network's access points (or beacons) apart, strongest first."""

    def scan(self):
        return [
            ("HomeNet", b"\x00\x11\x22\x33\x44\x55", -40, 6, "WPA2"),
            ("HomeNet", b"\x00\x11\x22\x33\x44\x56", -60, 11, "WPA2"),
            ("Cafe", b"\x00\x11\x22\x33\x44\x57", -70, 1, "OPEN"),
            ("HomeNet", b"\x00\x11\x22\x33\x44\x55", -41, 6, "WPA2"),
        ]


def test_the_portal_lists_each_network_once_at_its_strongest():
    board = Board(CrowdedRadio())
    board.start()
    status, body = board.ask("/wifi_scan.json")
    networks = json.loads(body)
    assert status == 200 and [(n["ssid"], n["rssi"], n["ch"]) for n in networks] == [
        ("HomeNet", -40, 6),
        ("Cafe", -70, 1),
    ]


def test_the_station_is_named_as_blynk_names_it_within_what_a_host_name_may_hold():
    from blynk_edgent.apname import host_name as hostname

    assert hostname("Blynk Device-PYN6") == "Blynk-Device-PYN6"
    assert hostname("Blynk Caf\u00e9 Lamp_2-ABCD") == "Blynk-Caf--Lamp-2-ABCD"
    assert hostname("Blynk " + "x" * 70) == "Blynk-" + "x" * 57 and hostname("--") == "Blynk"

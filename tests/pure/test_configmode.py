# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""Config mode's own timers on a virtual clock: the way back to the stored network for a device
that was already provisioned (the device acts on what ``asked()`` returns; test_edgent.py runs
the rest through a real Edgent)."""

from blynk_edgent import states
from blynk_edgent.configmode import IDLE_FALLBACK_MS, PHONE_QUIET_MS, ConfigMode
from support import Clock, FakeRadio


class Device:
    """What config mode reads of an Edgent: its radio, the access point's name and its state."""

    ap_ssid = "Blynk Device-PYN6"
    captive_portal = None  # as the setting says

    def __init__(self, ap_clients=None):
        self.radio = FakeRadio()
        self.radio.ap_clients = ap_clients
        self.state = states.WAIT_CONFIG


def opened(fallback, ap_clients=None):
    """Config mode, open, for a device with (``fallback``) or without a stored configuration."""
    device = Device(ap_clients)
    clock = Clock()
    lines = []
    mode = ConfigMode(device, lines.append, clock)
    assert mode.open(fallback) is None and device.radio.ap == device.ap_ssid
    return device, mode, clock, lines


def follow(device, mode, at):
    """Poll config mode at ``at`` and enter what it asks for, as the device does."""
    asked = mode.asked(at, device.state)
    if asked in (states.WAIT_CONFIG, states.CONFIGURING):
        device.state = asked
    return asked


def test_a_provisioned_device_goes_back_ten_minutes_after_config_mode_opened():
    device, mode, clock, lines = opened(fallback=True)
    start = clock.now
    assert follow(device, mode, start + IDLE_FALLBACK_MS - 1000) is None
    assert follow(device, mode, start + IDLE_FALLBACK_MS) == states.CONNECTING_NET
    assert "open for 10 minutes; back to the stored network" in lines[-1]


def test_a_phone_on_the_access_point_cannot_hold_a_provisioned_device():
    """Issue 14: a phone that stays joined and keeps asking for the board info held the device
    in config mode for ever (the ten minutes restarted whenever it asked)."""
    device, mode, clock, _ = opened(fallback=True, ap_clients=1)
    start = clock.now
    at = start
    while at < start + IDLE_FALLBACK_MS - 1000:
        clock.now = at
        mode.configuring()  # GET /board_info.json every 5 s
        assert follow(device, mode, at) in (None, states.CONFIGURING)
        at += 5000
    assert device.state == states.CONFIGURING
    clock.now = start + IDLE_FALLBACK_MS
    mode.configuring()
    assert follow(device, mode, start + IDLE_FALLBACK_MS) == states.CONNECTING_NET


def test_configurations_that_fail_do_not_restart_the_ten_minutes():
    device, mode, clock, _ = opened(fallback=True)
    start = clock.now
    clock.now = start + IDLE_FALLBACK_MS - 60000
    from blynk_edgent.config import Config

    mode.submit(Config(ssid="Nowhere", password="12345678", token="T" * 32), False)
    mode.trial_failed(701)  # the test-join failed: config mode reopens
    assert mode.open(True) is None
    assert follow(device, mode, start + IDLE_FALLBACK_MS) == states.CONNECTING_NET


def test_a_phone_that_cannot_be_counted_is_gone_after_two_quiet_minutes():
    device, mode, clock, _ = opened(fallback=False)
    mode.configuring()
    start = clock.now
    assert follow(device, mode, start) == states.CONFIGURING
    assert follow(device, mode, start + PHONE_QUIET_MS - 1000) is None
    assert follow(device, mode, start + PHONE_QUIET_MS + 1000) == states.WAIT_CONFIG


def test_a_phone_that_leaves_is_seen_at_once_where_the_radio_counts_them():
    device, mode, clock, _ = opened(fallback=False, ap_clients=1)
    mode.configuring()
    start = clock.now
    assert follow(device, mode, start) == states.CONFIGURING
    assert follow(device, mode, start + PHONE_QUIET_MS + 1000) is None  # still there
    device.radio.ap_clients = 0
    assert follow(device, mode, start + PHONE_QUIET_MS + 3000) == states.WAIT_CONFIG


def test_a_blank_device_stays_in_config_mode():
    device, mode, clock, _ = opened(fallback=False)
    for minutes in (3, 11, 30, 600):
        assert follow(device, mode, clock.now + minutes * 60 * 1000) is None
    assert device.state == states.WAIT_CONFIG


def test_an_access_point_that_fails_says_so():
    device = Device()
    device.radio.ap_fails = True
    mode = ConfigMode(device, [].append, Clock())
    problem = mode.open(False)
    assert "the access point did not start" in problem and not mode.ap_up


def settings_say(values):
    """Make ``settings.get`` read ``values`` (settings.toml) until the returned undo is called."""
    from blynk_edgent import settings

    old = settings.get
    settings.get = lambda key, default=None: values.get(key, default)

    def undo():
        settings.get = old

    return undo


def test_the_access_point_is_open_and_not_captive_by_default():
    undo = settings_say({})
    try:
        device, mode, _, lines = opened(fallback=False)
    finally:
        undo()
    assert device.radio.ap_password == "" and mode.password == ""
    assert not mode.captive
    assert "(open)" in lines[-1]


def test_a_random_access_point_password_is_made_each_time_config_mode_opens():
    undo = settings_say({"BLYNK_AP_PASSWORD": "Random"})
    try:
        device, mode, _, lines = opened(fallback=False)
        again = opened(fallback=False)[1]
    finally:
        undo()
    first = mode.password
    assert len(first) == 10 and not [c for c in first if c not in "23456789abcdefghijkmnpqrstuvwxyz"]
    assert device.radio.ap_password == first
    assert repr(first) in lines[-1]  # a board without a screen prints it
    assert again.password != first


def test_a_fixed_access_point_password_comes_from_the_settings():
    undo = settings_say({"BLYNK_AP_PASSWORD": "sesame-open-7"})
    try:
        device, _, _, lines = opened(fallback=False)
    finally:
        undo()
    assert device.radio.ap_password == "sesame-open-7"
    assert "sesame" not in lines[-1]  # the owner knows it; the log does not repeat it


def test_a_bad_access_point_password_is_refused_with_its_rule():
    from blynk_edgent.settings import SettingsError, ap_password

    for bad in ("short", "x" * 64, "caf\u00e9-latte-1"):
        undo = settings_say({"BLYNK_AP_PASSWORD": bad})
        try:
            ap_password()
        except SettingsError as error:
            assert "8 to 63 printable ASCII" in str(error)
        else:
            raise AssertionError("accepted %r" % bad)
        finally:
            undo()


def test_the_captive_portal_follows_the_option_then_the_setting():
    undo = settings_say({"BLYNK_CAPTIVE_PORTAL": "1"})
    try:
        assert opened(fallback=False)[1].captive
        Device.captive_portal = False  # Edgent(captive_portal=False) wins over the setting
        assert not opened(fallback=False)[1].captive
    finally:
        Device.captive_portal = None
        undo()
    assert not opened(fallback=False)[1].captive  # neither: as Blynk's firmware

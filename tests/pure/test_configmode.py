"""Config mode's own timers on a virtual clock: the way back to the stored network for a device
that was already provisioned (the device acts on what ``asked()`` returns; test_edgent.py runs
the rest through a real Edgent)."""

from blynk_edgent import states
from blynk_edgent.configmode import IDLE_FALLBACK_MS, PHONE_QUIET_MS, ConfigMode
from support import Clock, FakeRadio


class Device:
    """What config mode reads of an Edgent: its radio, the access point's name and its state."""

    ap_ssid = "Blynk Device-PYN6"

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


def test_a_provisioned_device_goes_back_after_ten_quiet_minutes():
    device, mode, clock, lines = opened(fallback=True)
    start = clock.now
    assert follow(device, mode, start + IDLE_FALLBACK_MS - 1000) is None
    assert follow(device, mode, start + IDLE_FALLBACK_MS) == states.CONNECTING_NET
    assert "nobody came for 10 minutes" in lines[-1]


def test_a_phone_that_leaves_starts_the_ten_minutes_again():
    device, mode, clock, _ = opened(fallback=True, ap_clients=1)
    mode.configuring()
    start = clock.now
    assert follow(device, mode, start) == states.CONFIGURING
    assert follow(device, mode, start + IDLE_FALLBACK_MS + 1000) is None  # a phone is on the AP
    device.radio.ap_clients = 0
    left = start + IDLE_FALLBACK_MS + 3000
    assert follow(device, mode, left) == states.WAIT_CONFIG
    assert follow(device, mode, left + IDLE_FALLBACK_MS - 1000) is None
    assert follow(device, mode, left + IDLE_FALLBACK_MS) == states.CONNECTING_NET


def test_a_phone_that_cannot_be_counted_is_gone_after_two_quiet_minutes():
    device, mode, clock, _ = opened(fallback=True)
    mode.configuring()
    start = clock.now
    assert follow(device, mode, start) == states.CONFIGURING
    assert follow(device, mode, start + PHONE_QUIET_MS - 1000) is None
    assert follow(device, mode, start + PHONE_QUIET_MS + 1000) == states.WAIT_CONFIG
    assert follow(device, mode, start + IDLE_FALLBACK_MS + 1000) == states.CONNECTING_NET


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

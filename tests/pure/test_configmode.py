"""Config mode's timers on a virtual clock: when a phone counts as gone, and the way back to the
stored network for a device that was already provisioned."""

from blynk_edgent import lifecycle as states
from blynk_edgent.clock import ticks_add
from blynk_edgent.configmode import IDLE_FALLBACK_MS, PHONE_QUIET_MS, ConfigMode
from support import FakeDevice


class Radio:
    mac = b"\x24\x0a\xc4\x01\x02\x03"
    esp32_chip_id = False

    def __init__(self, ap_clients):
        self.ap_clients = ap_clients  # None: the radio cannot count them (NINA)


class Device(FakeDevice):
    def __init__(self, radio, provisioned=True):
        FakeDevice.__init__(self, radio, states.WAIT_CONFIG)
        self.stored_provisioned = provisioned


def configuring(ap_clients, provisioned=True):
    """A device in config mode that a phone has just asked for its board info."""
    device = Device(Radio(ap_clients), provisioned)
    mode = ConfigMode(device)
    mode.configuring()
    assert device.state == states.CONFIGURING
    return device, mode, mode._since


def test_a_radio_that_cannot_count_phones_waits_for_quiet():
    device, mode, start = configuring(None)
    mode.poll(ticks_add(start, PHONE_QUIET_MS - 1000))
    assert device.state == states.CONFIGURING
    mode.poll(ticks_add(start, PHONE_QUIET_MS + 1000))
    assert device.state == states.WAIT_CONFIG


def test_another_request_keeps_the_phone_there():
    device, mode, start = configuring(None)
    mode.poll(ticks_add(start, PHONE_QUIET_MS - 1000))
    mode.configuring()
    mode.poll(ticks_add(mode._since, PHONE_QUIET_MS - 1000))
    assert device.state == states.CONFIGURING


def test_a_counting_radio_follows_its_count():
    device, mode, start = configuring(1)
    mode.poll(ticks_add(start, IDLE_FALLBACK_MS + 1000))
    assert device.state == states.CONFIGURING and device.reboots == 0
    device.radio.ap_clients = 0
    left = ticks_add(start, IDLE_FALLBACK_MS + 3000)
    mode.poll(left)
    assert device.state == states.WAIT_CONFIG
    # The ten quiet minutes count from when the phone left, not from its last request.
    mode.poll(ticks_add(left, 1000))
    mode.poll(ticks_add(left, IDLE_FALLBACK_MS - 1000))
    assert device.reboots == 0
    mode.poll(ticks_add(left, IDLE_FALLBACK_MS + 1000))
    mode.poll(ticks_add(left, IDLE_FALLBACK_MS + 1100))
    assert device.reboots == 1


def test_a_provisioned_device_goes_back_after_ten_quiet_minutes():
    device, mode, start = configuring(None)
    mode.poll(ticks_add(start, PHONE_QUIET_MS + 1000))
    mode.poll(ticks_add(start, IDLE_FALLBACK_MS - 1000))
    mode.poll(ticks_add(start, IDLE_FALLBACK_MS - 500))
    assert device.reboots == 0
    mode.poll(ticks_add(start, IDLE_FALLBACK_MS + 1000))
    mode.poll(ticks_add(start, IDLE_FALLBACK_MS + 1100))
    assert device.reboots == 1


def test_a_blank_device_stays_in_config_mode():
    device, mode, start = configuring(None, provisioned=False)
    for minutes in (3, 11, 30):
        mode.poll(ticks_add(start, minutes * 60 * 1000))
    assert device.state == states.WAIT_CONFIG and device.reboots == 0


class BrokenRadio(Radio):
    def scan(self):
        return []

    def start_ap(self, ssid, password):
        raise RuntimeError("AP could not be started")


def test_an_access_point_that_fails_is_error_704():
    device = Device(BrokenRadio(None), provisioned=False)
    mode = ConfigMode(device)
    assert mode.start() is False
    assert (device.state, device.last_error) == (states.ERROR, 704)

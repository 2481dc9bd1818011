"""Getting connected and recovering, on a virtual clock: the station name a join uses, and the
ERROR state's reboot."""

from blynk_edgent import lifecycle as states
from blynk_edgent.config import Config
from blynk_edgent.lifecycle import ERROR_REBOOT_MS, connect_net, step
from support import FakeDevice

TOKEN = "abcdefghijklmnopqrstuvwxyzAB12_-"


class Radio:
    mac = b"\x24\x0a\xc4\x12\x34\x56"  # the ESP32 test vector of test_apname: "Blynk Device-PYN6"
    esp32_chip_id = True
    connected = False
    ssid = None
    ip = "192.168.1.20"
    rssi = -50

    def __init__(self):
        self.joins = []

    def join(self, config, timeout_s, hostname):
        self.joins.append((config.ssid, hostname))
        return 0


class Device(FakeDevice):
    def __init__(self):
        FakeDevice.__init__(self, Radio(), states.CONNECTING_NET)
        self.config = Config(ssid="HomeNet", token=TOKEN, provisioned=True)
        self._next_try = self._since = 0
        self._attempts = 0
        self.button_held_ms = 0


def test_a_join_names_the_station_as_blynk_does():
    device = Device()
    connect_net(device, 0)
    assert device.radio.joins == [("HomeNet", "Blynk-Device-PYN6")]
    assert device.state == states.CONNECTING_CLOUD


def test_error_reboots_after_ten_seconds_unless_the_button_is_held():
    device = Device()
    device.state = states.ERROR
    device._since = start = 1000
    step(device, start + ERROR_REBOOT_MS - 1)
    assert device.reboots == 0
    device.button_held_ms = 4000  # the user is holding it to erase the configuration
    step(device, start + ERROR_REBOOT_MS + 5000)
    assert device.reboots == 0
    device.button_held_ms = 0
    step(device, start + ERROR_REBOOT_MS + 5001)
    assert device.reboots == 1

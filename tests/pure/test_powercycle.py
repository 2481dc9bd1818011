"""The reset for boards without a button: N quick power-ons in a row erase the configuration."""

from blynk_edgent.config import Config
from blynk_edgent.powercycle import PowerCycles
from blynk_edgent.store import ConfigStore
from support import FakeNVM

TOKEN = "abcdefghijklmnopqrstuvwxyzAB12_-"


BOOT = 5000  # the ticks at power-on (any value: only differences count)


def provisioned_nvm():
    nvm = FakeNVM(8192)
    ConfigStore(nvm).save(Config(ssid="HomeNet", token=TOKEN, provisioned=True))
    return nvm


def power_on(nvm, stays_on_ms=0):
    """One boot: count it, then (if it stays on) poll it once; return the lines it logged."""
    lines = []
    counter = PowerCycles(nvm, (5, 10), lines.append, BOOT)
    if stays_on_ms:
        counter.poll(BOOT + stays_on_ms)
    return lines


def test_the_fifth_quick_power_on_erases():
    nvm = provisioned_nvm()
    for _ in range(4):
        power_on(nvm)
        assert ConfigStore(nvm).load().provisioned
    lines = []
    assert PowerCycles(nvm, (5, 10), lines.append, BOOT).erased is True
    assert not ConfigStore(nvm).load().provisioned
    assert "erasing the configuration" in lines[-1]
    power_on(nvm)  # the count starts over after an erase
    assert nvm[8190:8192] == bytearray((0xB7, 1))


def test_staying_on_clears_the_count():
    nvm = provisioned_nvm()
    for _ in range(3):
        power_on(nvm)
    power_on(nvm, stays_on_ms=9_999)  # the fourth, off again just too soon: still counted
    assert nvm[8190:8192] == bytearray((0xB7, 4))
    nvm = provisioned_nvm()
    for _ in range(3):
        power_on(nvm)
    power_on(nvm, stays_on_ms=10_000)  # the fourth stayed on 10 s: the count is cleared
    assert nvm[8190:8192] == bytearray((0xB7, 0))
    for _ in range(4):
        power_on(nvm)
    assert ConfigStore(nvm).load().provisioned


def test_a_new_nvm_of_random_bytes_counts_from_one():
    nvm = FakeNVM(8192, fill=0x5A)
    power_on(nvm)
    assert nvm[8190:8192] == bytearray((0xB7, 1))


def test_a_small_nvm_turns_it_off_and_writes_nothing():
    nvm = FakeNVM(256)
    lines = power_on(nvm, stays_on_ms=20_000)
    assert "it is off" in lines[-1] and nvm.writes == 0

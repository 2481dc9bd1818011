# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The reset for boards without a button: N quick power-ons in a row erase the configuration.

Only power-ons count, each costs as few NVM writes as can be, and a power cut at any byte of any
of them neither loses the configuration (once its first record is programmed) nor brings an
erased one back.
"""

from flashcut import RecordingNVM, cuts, holds

from blynk_edgent import powercycle, store
from blynk_edgent.config import Config
from blynk_edgent.powercycle import PowerCycles, read_count, why_not_counted
from blynk_edgent.store import ConfigStore
from support import FakeNVM, PowerCut, fields

TOKEN = "abcdefghijklmnopqrstuvwxyzAB12_-"
HOME = Config(ssid="HomeNet", password="correct horse", token=TOKEN, provisioned=True)
OFFICE = Config(ssid="Office", password="another secret", token="Z" * 32, provisioned=True)
BLANK = Config()

BOOT = 5000  # the ticks at power-on (any value: only differences count)
# (reset_reason, run_reason) as CircuitPython gives them; compared by name, as the simulator's
# plain strings are.
POWER_ON = ("microcontroller.ResetReason.POWER_ON", "supervisor.RunReason.STARTUP")
RELOAD = ("microcontroller.ResetReason.POWER_ON", "supervisor.RunReason.AUTO_RELOAD")
CTRL_D = ("microcontroller.ResetReason.POWER_ON", "supervisor.RunReason.REPL_RELOAD")
RESET_PIN = ("microcontroller.ResetReason.RESET_PIN", "supervisor.RunReason.STARTUP")
SOFTWARE = ("microcontroller.ResetReason.SOFTWARE", "supervisor.RunReason.STARTUP")
BROWNOUT = ("microcontroller.ResetReason.BROWNOUT", "supervisor.RunReason.STARTUP")
SAMD51 = ("microcontroller.ResetReason.UNKNOWN", "supervisor.RunReason.STARTUP")  # every start
NOT_POWER_ONS = (RELOAD, CTRL_D, RESET_PIN, SOFTWARE, BROWNOUT, SAMD51, (None, None))


def provisioned_nvm(size=8192, configs=(HOME,)):
    nvm = RecordingNVM(size)
    for config in configs:
        ConfigStore(nvm).save(config)
    return nvm


def start(nvm, reasons=POWER_ON, stays_on_ms=0):
    """One start: count it, then (if it stays on) poll it; return the lines it logged."""
    lines = []
    counter = PowerCycles(nvm, (5, 10), lines.append, BOOT, reasons)
    if stays_on_ms:
        counter.poll(BOOT + stays_on_ms)
    return lines


def test_the_fifth_quick_power_on_erases():
    nvm = provisioned_nvm()
    for _ in range(4):
        start(nvm)
        assert ConfigStore(nvm).load().provisioned
    lines = []
    assert PowerCycles(nvm, (5, 10), lines.append, BOOT, POWER_ON).erased is True
    assert not ConfigStore(nvm).load().provisioned
    assert "erasing the configuration" in lines[-1]
    assert read_count(nvm) == 0
    start(nvm)  # the count starts over after an erase
    assert read_count(nvm) == 1


def test_staying_on_clears_the_count():
    nvm = provisioned_nvm()
    for _ in range(3):
        start(nvm)
    start(nvm, stays_on_ms=9_999)  # the fourth, off again just too soon: still counted
    assert read_count(nvm) == 4
    nvm = provisioned_nvm()
    for _ in range(3):
        start(nvm)
    start(nvm, stays_on_ms=10_000)  # the fourth stayed on 10 s: the count is cleared
    assert read_count(nvm) == 0
    for _ in range(4):
        start(nvm)
    assert ConfigStore(nvm).load().provisioned


def test_only_a_start_from_power_off_counts():
    # Issue 14: an auto-reload after saving a file, Ctrl-D, the reset button or a brown-out loop
    # counted as a power-on; five of them in 10 s erased the configuration.
    for reasons in NOT_POWER_ONS:
        nvm = provisioned_nvm()
        for _ in range(8):
            start(nvm, reasons)
        assert ConfigStore(nvm).load().provisioned and read_count(nvm) == 0, reasons
    assert why_not_counted(*POWER_ON) is None
    assert why_not_counted("POWER_ON", "STARTUP") is None  # the simulator's plain names
    assert why_not_counted(*RELOAD) == "not a power-on (reset_reason POWER_ON, run_reason AUTO_RELOAD)"
    assert why_not_counted(*RESET_PIN) == "not a power-on (reset_reason RESET_PIN, run_reason STARTUP)"


def test_a_board_that_cannot_tell_says_so_once_and_never_counts():
    # atmel-samd's common_hal_mcu_processor_get_reset_reason is always UNKNOWN.
    nvm = provisioned_nvm()
    lines = start(nvm, SAMD51)
    assert len(lines) == 1 and "cannot tell a power-on from a reset" in lines[0], lines
    lines = start(nvm, (None, None))
    assert len(lines) == 1 and "reset_reason None, run_reason None): this board cannot" in lines[0], lines
    assert "cannot tell" not in start(nvm, RESET_PIN)[0]


def test_the_reasons_are_read_from_the_board_by_default():
    # The test shims have no microcontroller.cpu and no supervisor.runtime: unknown, not counted.
    assert powercycle.start_reasons() == (None, None)
    nvm = provisioned_nvm()
    writes = nvm.writes
    lines = []
    PowerCycles(nvm, (5, 10), lines.append, BOOT)
    assert nvm.writes == writes and "not counted" in lines[0]


def _writes(nvm, reasons, stays_on_ms):
    before = nvm.writes
    start(nvm, reasons, stays_on_ms)
    return nvm.writes - before


def test_nvm_writes_per_kind_of_start():
    nvm = provisioned_nvm()
    for reasons in NOT_POWER_ONS:  # not counted, nothing to clear: no write, on or off
        assert _writes(nvm, reasons, 0) == 0 and _writes(nvm, reasons, 60_000) == 0
    assert _writes(nvm, POWER_ON, 0) == 1  # a quick power-on: its count
    assert _writes(nvm, POWER_ON, 60_000) == 2  # one that stays on: its count, then the clear
    assert _writes(nvm, RELOAD, 60_000) == 0  # nothing left to clear
    for _ in range(2):
        assert _writes(nvm, POWER_ON, 0) == 1
    # A start that is not counted, after quick power-ons, breaks the run once it has stayed on:
    # the one write that clears their count.
    assert _writes(nvm, RESET_PIN, 3_000) == 0 and read_count(nvm) == 2
    assert _writes(nvm, RESET_PIN, 10_000) == 1 and read_count(nvm) == 0
    for _ in range(4):
        assert _writes(nvm, POWER_ON, 0) == 1
    assert _writes(nvm, POWER_ON, 0) == 1  # the fifth: the erase, with the count, in one write
    assert not ConfigStore(nvm).load().provisioned and read_count(nvm) == 0


def test_the_count_is_where_the_store_leaves_room_for_it():
    assert powercycle.AT == store.COUNTER_AT
    nvm = provisioned_nvm()
    start(nvm)
    start(nvm)
    ConfigStore(nvm).save(OFFICE)  # a save keeps the count
    assert read_count(nvm) == 2 and fields(ConfigStore(nvm).load()) == fields(OFFICE)


def test_a_new_nvm_of_random_bytes_counts_from_one():
    for fill in (0x5A, 0x00, 0xFF, 0xB7):
        nvm = FakeNVM(8192, fill=fill)
        start(nvm)
        assert read_count(nvm) == 1, fill


def test_a_small_nvm_turns_it_off_and_writes_nothing():
    nvm = FakeNVM(256)
    lines = start(nvm, stays_on_ms=20_000)
    assert "it is off" in lines[-1] and nvm.writes == 0


def test_a_count_written_in_place_and_cut_loses_the_count_at_most():
    # In place (RP2040 writing erased bytes; FakeNVM's cut_after): the 3 bytes are old, new or
    # read as 0 whatever the cut, and the records are never touched.
    for counted in range(0, 4):
        for k in range(0, 4):
            nvm = provisioned_nvm()
            for _ in range(counted):
                start(nvm)
            nvm.cut_after = k
            try:
                start(nvm)
            except PowerCut:
                pass
            expected = (counted,) if k == 0 else (counted + 1,) if k == 3 else (0, counted)
            assert read_count(nvm) in expected, (counted, k)
            assert fields(ConfigStore(nvm).load()) == fields(HOME)


def _every_cut(nvm, first, allowed, whole_at):
    """Cut each write from ``first`` on at every byte (erase-first; 0xFF and zeros): each must
    load one of ``allowed``, and ``allowed[0]`` once ``whole_at`` bytes are in. Returns the
    number of cut points, and the images (so that a caller can look for secrets)."""
    count = 0
    for image in nvm.images[first:]:
        for blank in (0xFF, 0x00):
            for k, torn in cuts(image, blank):
                loaded = fields(ConfigStore(torn).load())
                assert loaded in allowed, "k=%d loaded %r" % (k, loaded)
                if k >= whole_at:
                    assert loaded == allowed[0], "k=%d loaded %r" % (k, loaded)
                assert read_count(torn) in (0, read_count(FakeNVM(data=image))), k  # never made up
                count += 1
    return count


def test_a_cut_count_never_loses_the_configuration_once_its_record_is_in():
    # Issue 14: a cut while the count was written (the whole block, erase first) could load the
    # configuration before the one in use, or none. Now the record written first is the one in
    # use: "not provisioned" only before its last byte (the erase-first window no write can
    # avoid), and never an older configuration.
    for configs in ((HOME,), (HOME, OFFICE), (OFFICE, HOME, OFFICE)):
        nvm = provisioned_nvm(1024, configs)
        first = len(nvm.images)
        start(nvm)  # counted: one write
        start(nvm, stays_on_ms=10_000)  # counted, then cleared: two
        current = configs[-1]
        whole_at = len(store.encode_record(current, 1))
        count = _every_cut(nvm, first, (fields(current), fields(BLANK)), whole_at)
        assert count == 3 * 2 * 1025


def test_after_a_reset_by_power_cycles_no_cut_brings_the_configuration_back():
    # Issue 14: after the erase, a cut count write loaded the erased configuration again (the
    # other slot still held it).
    nvm = provisioned_nvm(1024, (HOME, OFFICE))
    first = len(nvm.images)
    for _ in range(5):
        start(nvm)  # four counts, then the erase
    start(nvm)
    start(nvm, stays_on_ms=10_000)  # and after it: counts, and a clear
    assert len(nvm.images) - first == 4 + 1 + 3
    count = _every_cut(nvm, first + 4, (fields(BLANK),), 0)
    assert count == 4 * 2 * 1025
    for image in nvm.images[first + 4 :]:
        for k, torn in cuts(image):
            for secret in (HOME.password, HOME.token, OFFICE.password, OFFICE.token):
                assert not holds(torn, secret), (k, secret)

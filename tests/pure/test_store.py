# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The NVM store: layouts, blank and random NVM, no-op saves, refusals, and power cuts at every byte."""

from flashcut import RecordingNVM, cut, cuts, holds

from blynk_edgent import store as st
from blynk_edgent.config import Config
from blynk_edgent.store import ConfigStore, StoreError
from support import FakeNVM, PowerCut, changed, fields, raises, random_bytes

TOKEN = "abcdefghijklmnopqrstuvwxyzAB12_-"
HOME = Config(ssid="HomeNet", password="correct horse", token=TOKEN, provisioned=True)
OFFICE = Config(
    ssid="Office \u00e9\u00e9",
    password="0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    token="Z" * 32,
    host="fra1.blynk.cloud",
    port=8443,
    static=("10.0.0.20", "255.255.0.0", "10.0.0.1", "1.1.1.1", "8.8.8.8"),
    provisioned=True,
)
BLANK = Config()


def test_layout_follows_nvm_size():
    assert ConfigStore(FakeNVM(8192)).layout == st.LAYOUT_AB
    assert ConfigStore(FakeNVM(4096)).layout == st.LAYOUT_AB
    assert ConfigStore(FakeNVM(512)).layout == st.LAYOUT_AB
    assert ConfigStore(FakeNVM(256)).layout == st.LAYOUT_SINGLE
    assert ConfigStore(FakeNVM(8192), offset=7936).layout == st.LAYOUT_SINGLE
    error = raises(StoreError, ConfigStore, FakeNVM(200))
    assert "needs 256 bytes" in str(error)


def test_largest_record_fits_a_slot_and_leaves_the_count_alone():
    for password in ("p" * 63, "a" * 64):
        largest = changed(OFFICE, ssid="x" * 32, password=password, host="h" * 63, last_error=723)
        assert len(st.encode_record(largest, 1)) <= st.RECORD_MAX
    assert st.SLOT_SIZE + st.RECORD_MAX == st.COUNTER_AT == 2 * st.SLOT_SIZE - 3


def test_blank_nvm_loads_not_provisioned():
    for fill in (0xFF, 0x00):
        loaded = ConfigStore(FakeNVM(8192, fill=fill)).load()
        assert fields(loaded) == fields(BLANK) and not loaded.provisioned


def test_random_nvm_loads_not_provisioned_and_never_raises():
    for seed in range(1, 60):
        for size in (256, 4096):
            nvm = FakeNVM(data=random_bytes(size, seed))
            assert fields(ConfigStore(nvm).load()) == fields(BLANK)


def test_save_round_trips_and_writes_the_same_record_in_both_slots():
    nvm = FakeNVM(8192)
    store = ConfigStore(nvm)
    for sequence, config in enumerate((HOME, OFFICE, HOME), 1):
        writes = nvm.writes
        assert store.save(config) is True
        assert nvm.writes == writes + 1  # one assignment: both slots
        assert fields(ConfigStore(nvm).load()) == fields(config)
        for slot in (nvm.data[0:256], nvm.data[256:509]):
            found = st.decode_record(slot)
            assert found is not None and found[0] == sequence and fields(found[2]) == fields(config)
        assert nvm.data[0:253] == nvm.data[256:509]


def test_saving_an_equal_record_writes_nothing():
    nvm = FakeNVM(8192)
    store = ConfigStore(nvm)
    store.save(HOME)
    writes = nvm.writes
    assert store.save(changed(HOME)) is False
    assert ConfigStore(nvm).save(HOME) is False
    assert nvm.writes == writes


def test_invalid_field_is_refused_and_nothing_is_written():
    nvm = FakeNVM(8192)
    store = ConfigStore(nvm)
    store.save(HOME)
    before = bytes(nvm.data)
    error = raises(ValueError, store.save, changed(HOME, token=TOKEN[:31]))
    assert str(error) == "token: expected 32 characters of A-Z a-z 0-9 _ -, got 31"
    raises(ValueError, store.save, changed(HOME, port=0))
    assert bytes(nvm.data) == before


def test_nvm_none_names_the_board_and_the_reason():
    import microcontroller

    saved = microcontroller.nvm
    microcontroller.nvm = None
    try:
        error = raises(StoreError, ConfigStore)
    finally:
        microcontroller.nvm = saved
    text = str(error)
    assert "has no microcontroller.nvm" in text and "CIRCUITPY_NVM = 0" in text


def test_sequence_wraps_around():
    nvm = FakeNVM(8192)
    nvm.data[0:256] = st.encode_record(HOME, 0xFFFF) + b"\xff" * (256 - len(st.encode_record(HOME, 0xFFFF)))
    store = ConfigStore(nvm)
    assert fields(store.load()) == fields(HOME)
    store.save(OFFICE)
    assert st.decode_record(nvm.data[0:256])[0] == 0 and st.decode_record(nvm.data[256:512])[0] == 0
    assert fields(ConfigStore(nvm).load()) == fields(OFFICE)
    assert st.is_newer(0, 0xFFFF) and st.is_newer(1, 0xFFFF) and not st.is_newer(0xFFFF, 0)
    assert not st.is_newer(5, 5)


def test_erase_forgets_network_and_keeps_last_error():
    nvm = FakeNVM(8192)
    store = ConfigStore(nvm)
    store.save(HOME)
    store.erase(last_error=722)
    loaded = ConfigStore(nvm).load()
    assert fields(loaded) == fields(Config(last_error=722)) and not loaded.provisioned


def test_erase_leaves_no_secret_in_either_slot():
    # Issue 14: the other slot kept the old password and token, readable by anyone with the NVM.
    nvm = FakeNVM(8192)
    store = ConfigStore(nvm)
    for config in (HOME, OFFICE, changed(HOME, port=80)):  # each slot has held a configuration
        store.save(config)
    assert store.erase() is True
    for secret in (HOME.password, HOME.token, OFFICE.password, OFFICE.token, HOME.ssid):
        assert not holds(nvm, secret), secret
    assert fields(ConfigStore(nvm).load()) == fields(BLANK)
    writes = nvm.writes
    assert store.erase() is False and nvm.writes == writes  # nothing left to erase: no write


def test_save_keeps_the_power_cycle_count_and_erase_clears_it():
    nvm = FakeNVM(8192)
    store = ConfigStore(nvm)
    nvm[st.COUNTER_AT : st.COUNTER_AT + 3] = b"\xb7\x03\xfc"
    store.save(HOME)
    store.save(OFFICE)
    assert nvm[st.COUNTER_AT : st.COUNTER_AT + 3] == bytearray(b"\xb7\x03\xfc")
    assert fields(ConfigStore(nvm).load()) == fields(OFFICE)
    store.erase()
    assert nvm[st.COUNTER_AT : st.COUNTER_AT + 3] == bytearray(b"\xff\xff\xff")


def test_an_older_image_with_two_different_records_is_made_whole_by_the_next_save():
    # As the store before issue 14 left it: slot A the older configuration, slot B the newer.
    nvm = FakeNVM(8192)
    for start, config, sequence in ((0, HOME, 1), (256, OFFICE, 2)):
        record = st.encode_record(config, sequence)
        nvm.data[start : start + 256] = record + b"\xff" * (256 - len(record))
    store = ConfigStore(nvm)
    assert fields(store.load()) == fields(OFFICE)
    assert store.save(changed(OFFICE)) is True  # the same configuration, written to both slots
    assert nvm.data[0:253] == nvm.data[256:509] and not holds(nvm, HOME.password)
    assert store.save(changed(OFFICE)) is False


def test_read_back_mismatch_is_reported():
    class StuckNVM(FakeNVM):
        def __setitem__(self, index, value):
            pass  # a worn cell: the write does not take

    error = raises(StoreError, ConfigStore(StuckNVM(8192)).save, HOME)
    assert "read back" in str(error)


def test_corrupt_fields_with_a_valid_crc_are_not_believed():
    # A record with a correct CRC but a token of 31 characters (a bug elsewhere, or a forgery).
    payload = bytes((st.TAG_TOKEN, 31)) + b"a" * 31 + bytes((st.TAG_FLAGS, 1, 1))
    head = st.MAGIC + bytes((st.SCHEMA,)) + b"\x01\x00" + bytes((len(payload), 0))
    from blynk_edgent.crc import crc32_bytes

    record = head + payload + crc32_bytes(head + payload)
    assert st.decode_record(record) is None


def test_later_schema_with_unknown_tags_still_loads_known_fields():
    payload = st.encode_fields(HOME) + bytes((200, 3)) + b"new"
    head = st.MAGIC + bytes((7,)) + b"\x01\x00" + bytes((len(payload), 0))
    from blynk_edgent.crc import crc32_bytes

    found = st.decode_record(head + payload + crc32_bytes(head + payload))
    assert found is not None and fields(found[2]) == fields(HOME)


def _outcomes(nvm_size, history, config, allow_blank):
    """Cut the power after every byte k of one save of ``config`` written in place (FakeNVM's
    ``cut_after``); check what a fresh load sees. Returns the number of bytes of the assignment."""
    k = 0
    while True:
        nvm = FakeNVM(nvm_size)
        store = ConfigStore(nvm)
        for item in history:
            store.save(item)
        old = ConfigStore(nvm).load()
        nvm.cut_after = k
        try:
            store.save(config)
            finished = True
        except PowerCut:
            finished = False
        loaded = ConfigStore(nvm).load()
        allowed = [fields(c) for c in ((old, config, BLANK) if allow_blank else (old, config))]
        assert fields(loaded) in allowed, "k=%d loaded %r" % (k, fields(loaded))
        if finished:
            assert fields(loaded) == fields(config)
            return k
        k += 1


# (history before the save, the configuration saved) for: the first save, a second, a third,
# and an erase (which saves a blank configuration).
SAVE_KINDS = (
    ((), HOME),
    ((HOME,), OFFICE),
    ((HOME, OFFICE), changed(HOME, port=80)),
    ((HOME, OFFICE), BLANK),
)


def test_power_cut_at_every_byte_ab_layout():
    for history, config in SAVE_KINDS:
        assert _outcomes(8192, history, config, allow_blank=False) == st.COUNTER_AT


def test_power_cut_at_every_byte_single_slot_layout():
    for history, config in SAVE_KINDS:
        assert _outcomes(256, history, config, allow_blank=True) == st.SLOT_SIZE


def test_a_torn_write_never_loads_the_new_record_early():
    # Written in place, until the last byte of the record is written the old configuration is
    # what loads.
    record_length = len(st.encode_record(OFFICE, 2))
    for k in range(0, record_length):
        nvm = FakeNVM(8192)
        store = ConfigStore(nvm)
        store.save(HOME)
        nvm.cut_after = k
        raises(PowerCut, store.save, OFFICE)
        assert fields(ConfigStore(nvm).load()) == fields(HOME)


class CutAcrossWrites(FakeNVM):
    """A FakeNVM whose power fails after ``budget`` bytes, counted across assignments."""

    budget = None

    def __setitem__(self, index, value):
        if self.budget is not None:
            self.cut_after = self.budget if self.budget < len(value) else None
            self.budget -= min(self.budget, len(value))
        FakeNVM.__setitem__(self, index, value)


def test_slot_a_alone_holding_the_newest_record_is_written_last():
    # A save cut in slot B's half leaves the new record in slot A only; the next save, written
    # in place, must not tear slot A before slot B holds a whole record again.
    nvm = FakeNVM(8192)
    store = ConfigStore(nvm)
    store.save(HOME)
    nvm.cut_after = 256 + 5
    raises(PowerCut, store.save, OFFICE)
    assert fields(store.load()) == fields(OFFICE)
    third = changed(HOME, port=80)
    outcomes = set()
    for k in range(0, 2 * 256 + 1):
        torn = CutAcrossWrites(data=nvm.data)
        torn.budget = k
        try:
            ConfigStore(torn).save(third)  # slot B (253 bytes), then slot A (256)
        except PowerCut:
            pass
        loaded = fields(ConfigStore(torn).load())
        assert loaded in (fields(OFFICE), fields(third)), k
        outcomes.add(loaded)
    assert torn.writes == 2 and len(outcomes) == 2


def _erase_first(history, action, allowed):
    """Run ``action`` after ``history`` on a 1 KB NVM; cut each of its writes at every byte in
    the erase-first model, with erased flash read as 0xFF and as zeros (ESP32). Every cut must
    load one of ``allowed`` (fields), and a cut that leaves a whole first record must load what
    the write would: a write only loses the configuration before its first record is in.
    Returns the number of cut points."""
    nvm = RecordingNVM(1024)
    store = ConfigStore(nvm)
    for item in history:
        store.save(item)
    before = len(nvm.images)
    action(store)
    count = 0
    for image in nvm.images[before:]:
        intended = fields(ConfigStore(FakeNVM(data=image)).load())
        first = st.decode_record(image[0:256])
        whole_at = 1025 if first is None else len(st.encode_record(first[2], first[0]))
        for blank in (0xFF, 0x00):
            for k, torn in cuts(image, blank):
                loaded = fields(ConfigStore(torn).load())
                assert loaded in allowed, "k=%d loaded %r" % (k, loaded)
                if k >= whole_at:
                    assert loaded == intended, "k=%d loaded %r" % (k, loaded)
                count += 1
    return count


def _saving(config):
    return lambda store: store.save(config)


def test_erase_first_cut_of_a_save_loads_the_new_or_nothing():
    # Both slots hold the same record, so no cut finds an older one in slot A: never a revert,
    # never a mix; "not provisioned" only until slot A's record is programmed.
    for history, config in SAVE_KINDS:
        count = _erase_first(history, _saving(config), (fields(config), fields(BLANK)))
        assert count == 2 * 1025


def test_erase_first_cut_of_an_erase_never_brings_a_configuration_back():
    for history in ((HOME,), (HOME, OFFICE), (HOME, OFFICE, changed(HOME, port=80))):
        count = _erase_first(history, lambda store: store.erase(), (fields(BLANK),))
        assert count == 2 * 1025
        nvm = RecordingNVM(1024)
        for item in history:
            ConfigStore(nvm).save(item)
        ConfigStore(nvm).erase()
        for k, torn in cuts(nvm.images[-1]):
            assert not holds(torn, HOME.password) and not holds(torn, OFFICE.token), k


def test_in_place_cut_of_an_erase_loads_the_old_until_its_first_record_is_in():
    # Written in place, the erase's first record decides: before it is whole the configuration
    # is still the one being erased; from then on it is gone, and stays gone through later
    # writes cut anywhere.
    blank_length = len(st.encode_record(BLANK, 1))
    for history in ((HOME,), (HOME, OFFICE)):
        for k in range(0, 2 * 256 + 1):
            nvm = FakeNVM(1024)
            store = ConfigStore(nvm)
            for item in history:
                store.save(item)
            nvm.cut_after = k
            try:
                store.erase()
            except PowerCut:
                pass
            loaded = fields(ConfigStore(nvm).load())
            assert loaded == (fields(history[-1]) if k < blank_length else fields(BLANK)), k
            if k in (blank_length, 255, 256, 256 + blank_length - 1, 2 * 256):
                # Then a count written (erase-first) and cut at every byte of slot A and B.
                image = bytes(nvm.data)
                for j in range(0, 2 * 256 + 1):
                    assert fields(ConfigStore(cut(image, j)).load()) == fields(BLANK), (k, j)

"""The NVM store: layouts, blank and random NVM, no-op saves, refusals, and power cuts at every byte."""

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


def test_largest_record_fits_a_slot():
    largest = changed(OFFICE, ssid="x" * 32, password="p" * 63, host="h" * 63, last_error=723)
    assert len(st.encode_record(largest, 1)) <= st.SLOT_SIZE


def test_blank_nvm_loads_not_provisioned():
    for fill in (0xFF, 0x00):
        loaded = ConfigStore(FakeNVM(8192, fill=fill)).load()
        assert fields(loaded) == fields(BLANK) and not loaded.provisioned


def test_random_nvm_loads_not_provisioned_and_never_raises():
    for seed in range(1, 60):
        for size in (256, 4096):
            nvm = FakeNVM(data=random_bytes(size, seed))
            assert fields(ConfigStore(nvm).load()) == fields(BLANK)


def test_save_round_trips_and_alternates_slots():
    nvm = FakeNVM(8192)
    store = ConfigStore(nvm)
    assert store.save(HOME) is True
    assert bytes(nvm.data[0:4]) == st.MAGIC and nvm.data[256] == 0xFF
    assert fields(ConfigStore(nvm).load()) == fields(HOME)
    assert store.save(OFFICE) is True
    assert bytes(nvm.data[256:260]) == st.MAGIC
    assert fields(ConfigStore(nvm).load()) == fields(OFFICE)
    assert store.save(HOME) is True
    assert fields(ConfigStore(nvm).load()) == fields(HOME)
    assert st.decode_record(nvm.data[0:256])[0] == 3


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
    assert st.decode_record(nvm.data[256:512])[0] == 0
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
    """Cut the power after every byte k of one save of ``config``; check what a fresh load sees.

    Returns the number of cut points tried (the bytes of the slot assignment).
    """
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


# (history before the save, the configuration saved) for: the first save, an overwrite of
# slot B, an overwrite of slot A, and an erase (which saves a blank configuration).
SAVE_KINDS = (
    ((), HOME),
    ((HOME,), OFFICE),
    ((HOME, OFFICE), changed(HOME, port=80)),
    ((HOME, OFFICE), BLANK),
)


def test_power_cut_at_every_byte_ab_layout():
    for history, config in SAVE_KINDS:
        assert _outcomes(8192, history, config, allow_blank=False) == st.SLOT_SIZE


def test_power_cut_at_every_byte_single_slot_layout():
    for history, config in SAVE_KINDS:
        assert _outcomes(256, history, config, allow_blank=True) == st.SLOT_SIZE


def test_a_torn_write_never_loads_the_new_record_early():
    # The A/B guarantee is sharper than "old or new": until the last byte of the record is
    # written, the old configuration is what loads.
    record_length = len(st.encode_record(OFFICE, 2))
    for k in range(0, record_length):
        nvm = FakeNVM(8192)
        store = ConfigStore(nvm)
        store.save(HOME)
        nvm.cut_after = k
        raises(PowerCut, store.save, OFFICE)
        assert fields(ConfigStore(nvm).load()) == fields(HOME)


def test_power_cut_during_a_whole_block_erase():
    # SAMD51 and RP2040 erase the whole NVM block, then program it from the start: the cut
    # leaves a prefix of the new image and erased flash after it.
    for history, config in (((HOME,), OFFICE), ((HOME, OFFICE), changed(HOME, port=80))):
        nvm = FakeNVM(1024)
        store = ConfigStore(nvm)
        for item in history:
            store.save(item)
        old = ConfigStore(nvm).load()
        after = FakeNVM(data=nvm.data)
        ConfigStore(after).save(config)
        for k in range(0, 1025, 7):
            torn = FakeNVM(data=bytes(after.data[:k]) + b"\xff" * (1024 - k))
            assert fields(ConfigStore(torn).load()) in (fields(old), fields(config), fields(BLANK))

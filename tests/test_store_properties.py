# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""Property tests of the NVM store (hypothesis): random images, random values, random power cuts,
in place and erase-first, through random runs of saves, erases and starts counted by the
power-cycle reset."""

from __future__ import annotations

import string

from flashcut import RecordingNVM, cut
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from blynk_edgent import store as record
from blynk_edgent.config import Config
from blynk_edgent.errors import CODES
from blynk_edgent.powercycle import PowerCycles
from blynk_edgent.store import ConfigStore
from blynk_edgent.validate import validate
from support import FakeNVM, PowerCut, fields

FIELDS = ("ssid", "password", "token", "host", "port", "ip", "mask", "gw", "dns", "dns2", "provisioned", "last_error")
TOKEN_CHARS = string.ascii_letters + string.digits + "_-"

octet = st.integers(0, 255)
ipv4 = st.tuples(octet, octet, octet, octet).map(lambda t: "%d.%d.%d.%d" % t)
netmask = st.integers(1, 32).map(
    lambda bits: ".".join(str((((1 << bits) - 1) << (32 - bits)) >> shift & 0xFF) for shift in (24, 16, 8, 0))
)
label = st.from_regex(r"[A-Za-z0-9]([A-Za-z0-9-]{0,8}[A-Za-z0-9])?", fullmatch=True)


def _utf8_at_most(limit: int) -> st.SearchStrategy[str]:
    return st.text(min_size=1, max_size=limit).filter(lambda s: 1 <= len(s.encode("utf-8")) <= limit)


valid_configs = st.builds(
    Config,
    ssid=_utf8_at_most(32),
    password=st.one_of(
        st.just(""),
        st.text(min_size=8, max_size=63).filter(lambda s: len(s.encode("utf-8")) <= 63),
        st.text("0123456789abcdefABCDEF", min_size=64, max_size=64),
    ),
    token=st.text(TOKEN_CHARS, min_size=32, max_size=32),
    host=st.lists(label, min_size=1, max_size=4).map(".".join).filter(lambda h: len(h) <= 63),
    port=st.integers(1, 65535),
    static=st.one_of(
        st.none(),
        st.tuples(ipv4, netmask, st.one_of(st.just(""), ipv4), st.one_of(st.just(""), ipv4), st.just("")),
    ),
    provisioned=st.just(True),
    last_error=st.sampled_from(CODES),
)

anything = st.one_of(
    st.text(max_size=80), st.integers(-(2**20), 2**20), st.none(), st.booleans(), st.binary(max_size=8)
)
random_configs = st.builds(
    Config,
    ssid=anything,
    password=anything,
    token=st.one_of(anything, st.text(TOKEN_CHARS, min_size=30, max_size=34)),
    host=anything,
    port=anything,
    static=st.one_of(st.none(), st.tuples(anything, anything, anything, anything, anything)),
    provisioned=st.one_of(st.booleans(), anything),
    last_error=st.one_of(st.sampled_from(CODES), anything),
)


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(image=st.one_of(st.binary(min_size=256, max_size=256), st.binary(min_size=512, max_size=1024)))
def test_random_images_load_without_raising(image: bytes) -> None:
    loaded = ConfigStore(FakeNVM(data=image)).load()
    assert validate(loaded) is loaded


@settings(max_examples=200)
@given(seed=st.binary(min_size=40, max_size=120), slot=st.integers(0, 1))
def test_garbage_after_a_valid_header_loads_without_raising(seed: bytes, slot: int) -> None:
    image = bytearray(b"\xff" * 1024)
    start = slot * record.SLOT_SIZE
    image[start : start + 4] = record.MAGIC
    image[start + 4 : start + 4 + len(seed)] = seed
    assert validate(ConfigStore(FakeNVM(data=bytes(image))).load())


@settings(max_examples=300)
@given(config=valid_configs, size=st.sampled_from((256, 512, 4096, 8192)))
def test_valid_configs_round_trip_exactly(config: Config, size: int) -> None:
    nvm = FakeNVM(size)
    ConfigStore(nvm).save(config)
    assert fields(ConfigStore(nvm).load()) == fields(config)


@settings(max_examples=500)
@given(config=random_configs)
def test_random_values_are_refused_with_the_field_named_or_round_trip(config: Config) -> None:
    nvm = FakeNVM(1024)
    store = ConfigStore(nvm)
    before = bytes(nvm.data)
    try:
        store.save(config)
    except ValueError as error:
        field = str(error).split(":", 1)[0]
        assert field in FIELDS, str(error)
        assert bytes(nvm.data) == before
    else:
        assert fields(ConfigStore(nvm).load()) == fields(config)


# What a run does: store a configuration, erase, or start the board (a quick power-on, one that
# stays on, a soft reload that stays on).
operations = st.one_of(
    st.tuples(st.just("save"), valid_configs),
    st.tuples(st.just("erase"), st.sampled_from(CODES)),
    st.tuples(st.sampled_from(("power-on", "long power-on", "reload")), st.none()),
)
REASONS = {
    "power-on": ("POWER_ON", "STARTUP"),
    "long power-on": ("POWER_ON", "STARTUP"),
    "reload": ("POWER_ON", "AUTO_RELOAD"),
}


def _run(nvm: FakeNVM, operation: tuple[str, object]) -> None:
    kind, value = operation
    if kind == "save":
        ConfigStore(nvm).save(value)
    elif kind == "erase":
        assert isinstance(value, int)
        ConfigStore(nvm).erase(value)
    else:
        counter = PowerCycles(nvm, (3, 10), lambda line: None, 0, REASONS[kind])
        if kind != "power-on":
            counter.poll(10_000)


def _blank(config: Config) -> bool:
    """Not provisioned: nothing but a last_error."""
    return fields(config) == fields(Config(last_error=config.last_error))


def _secrets(config: Config) -> list[bytes]:
    return [text.encode() for text in (config.password, config.token) if text]


@settings(max_examples=300, deadline=None)
@given(
    run=st.lists(operations, min_size=1, max_size=10),
    after=st.lists(st.sampled_from(("power-on", "long power-on", "reload")), max_size=4),
    which=st.integers(0, 100),
    k=st.integers(0, 1024),
    blank=st.sampled_from((0xFF, 0x00)),
)
def test_an_erase_first_cut_anywhere_in_a_run_loads_what_the_write_stores_or_nothing(
    run: list[tuple[str, object]], after: list[str], which: int, k: int, blank: int
) -> None:
    # Any write of the run, cut at any byte (erase-first): the load is what that write stores, or
    # "not provisioned"; never an older configuration nor an erased one, and the raw NVM holds
    # no secret but those of the configuration the write stores. The starts after the cut leave
    # what it loaded (or erase it: three quick power-ons).
    nvm = RecordingNVM(1024)
    seen: list[Config] = []
    for operation in run:
        _run(nvm, operation)
        if operation[0] == "save":
            seen.append(operation[1])  # type: ignore[arg-type]
    if not nvm.images:
        return
    image = nvm.images[which % len(nvm.images)]
    intended = ConfigStore(FakeNVM(data=image)).load()
    torn = cut(image, k, blank)
    loaded = ConfigStore(torn).load()
    assert fields(loaded) == fields(intended) or _blank(loaded)
    kept = record.encode_fields(intended)  # what the write stores may hold a secret
    for config in seen:
        for secret in _secrets(config):
            if secret not in kept:
                assert secret not in bytes(torn.data), secret
    for kind in after:
        _run(torn, (kind, None))
        now = ConfigStore(torn).load()
        assert fields(now) == fields(loaded) or _blank(now)


@settings(max_examples=300, deadline=None)
@given(run=st.lists(operations, max_size=8), last=operations, cut_at=st.integers(0, 520))
def test_a_cut_in_any_write_of_a_run_leaves_old_or_new(
    run: list[tuple[str, object]], last: tuple[str, object], cut_at: int
) -> None:
    # Written in place (FakeNVM's cut_after): a save, an erase or a start's count, cut at any
    # byte, leaves the configuration before it or after it.
    nvm = FakeNVM(4096)
    for operation in run:
        _run(nvm, operation)
    old = ConfigStore(nvm).load()
    expected = FakeNVM(data=nvm.data)
    _run(expected, last)
    new = ConfigStore(expected).load()
    nvm.cut_after = cut_at
    try:
        _run(nvm, last)
    except PowerCut:
        pass
    assert fields(ConfigStore(nvm).load()) in (fields(old), fields(new))

# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""Issue 14, bounded flash wear: every cut point of every NVM write the power-cycle reset and the
store make, on the boards' NVM sizes (RP2040 4 KB, SAMD51 and ESP32 8 KB), in the erase-first
model (tests/pure/flashcut.py), with erased flash read as 0xFF and as zeros (ESP32).

A load reads only the store's 512 bytes, so each distinct state is loaded once; every cut point
is still checked.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flashcut import RecordingNVM, cut

from blynk_edgent import store
from blynk_edgent.config import Config
from blynk_edgent.powercycle import PowerCycles, read_count
from blynk_edgent.store import ConfigStore
from support import FakeNVM, fields

TOKEN = "abcdefghijklmnopqrstuvwxyzAB12_-"
HOME = Config(ssid="HomeNet", password="correct horse", token=TOKEN, provisioned=True)
OFFICE = Config(ssid="Office", password="another secret", token="Z" * 32, provisioned=True)
BLANK = Config()
POWER_ON = ("microcontroller.ResetReason.POWER_ON", "supervisor.RunReason.STARTUP")


def power_on(stays_on_ms: int = 0) -> Callable[[RecordingNVM], None]:
    def start(nvm: RecordingNVM) -> None:
        counter = PowerCycles(nvm, (5, 10), lambda line: None, 0, POWER_ON)
        if stays_on_ms:
            counter.poll(stays_on_ms)

    return start


def erase(nvm: RecordingNVM) -> None:
    ConfigStore(nvm).erase()


def save_office(nvm: RecordingNVM) -> None:
    ConfigStore(nvm).save(OFFICE)


# name: (configurations stored before, what is done, how many writes it makes, what each write
# must load)
SCENARIOS = {
    "a count, one configuration stored": ((HOME,), [power_on()], 1, [HOME]),
    "a count, a second configuration stored": ((HOME, OFFICE), [power_on()], 1, [OFFICE]),
    "a power-on that stays on: count and clear": ((HOME, OFFICE), [power_on(10_000)], 2, [OFFICE] * 2),
    "a factory reset, then counts and a clear": (
        (HOME,),
        [erase, power_on(), power_on(), power_on(10_000)],
        5,
        [BLANK] * 5,
    ),
    "a factory reset after two configurations, then counts and a clear": (
        (HOME, OFFICE),
        [erase, power_on(), power_on(), power_on(10_000)],
        5,
        [BLANK] * 5,
    ),
    "the fifth quick power-on": ((HOME, OFFICE), [power_on()] * 5, 5, [OFFICE] * 4 + [BLANK]),
    "a save": ((HOME,), [save_office], 1, [OFFICE]),
}


@pytest.mark.parametrize("blank", [0xFF, 0x00])
@pytest.mark.parametrize("size", [4096, 8192])
@pytest.mark.parametrize("name", list(SCENARIOS))
def test_every_cut_point_loads_the_configuration_or_none_never_an_other(name: str, size: int, blank: int) -> None:
    stored, actions, writes, loads = SCENARIOS[name]
    nvm = RecordingNVM(size)
    for config in stored:
        ConfigStore(nvm).save(config)
    first = len(nvm.images)
    for action in actions:
        action(nvm)
    images = nvm.images[first:]
    assert len(images) == writes
    memo: dict[bytes, tuple[tuple[object, ...], int]] = {}
    points = wrong = none = 0
    for image, expected in zip(images, loads, strict=True):
        whole = store.decode_record(image[: store.SLOT_SIZE])  # the record programmed first
        whole_at = 513 if whole is None else len(store.encode_record(whole[2], whole[0]))
        count = read_count(FakeNVM(data=image))
        for k in range(size + 1):
            region = image[: min(k, 512)] + bytes((blank,)) * (512 - min(k, 512))
            if region not in memo:
                torn = cut(image, min(k, 512), blank)
                memo[region] = (fields(ConfigStore(torn).load()), read_count(torn))
            loaded, counted = memo[region]
            points += 1
            if loaded == fields(BLANK) and expected.provisioned:
                none += 1
                assert k < whole_at, "k=%d: configuration lost after its record was in" % k
            elif loaded != fields(expected):
                wrong += 1
            assert counted in (0, count), "k=%d: a count of %d made up" % (k, counted)
    assert wrong == 0, "%d of %d cut points loaded another configuration" % (wrong, points)
    assert points == writes * (size + 1)
    # "Not provisioned" only while the first record is not yet programmed: its bytes per write.
    assert none <= sum(len(store.encode_record(e, 1)) for e in loads if e.provisioned)


@pytest.mark.parametrize("size", [4096, 8192])
def test_no_cut_of_a_factory_reset_leaves_a_secret(size: int) -> None:
    nvm = RecordingNVM(size)
    for config in (HOME, OFFICE, HOME):
        ConfigStore(nvm).save(config)
    first = len(nvm.images)
    erase(nvm)
    power_on()(nvm)
    power_on(10_000)(nvm)
    secrets = [text.encode() for config in (HOME, OFFICE) for text in (config.password, config.token)]
    for image in nvm.images[first:]:
        assert not any(image.find(secret) >= 0 for secret in secrets)  # every cut is a prefix of it
        for blank in (0xFF, 0x00):
            for k in range(0, 513):
                assert fields(ConfigStore(cut(image, k, blank)).load()) == fields(BLANK)

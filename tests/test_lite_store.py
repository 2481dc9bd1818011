# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The lite edition's configuration in the NINA module's file store (lib/blynk_edgent_lite/store.py)
against the NINA emulator's file store (host/edgent_host/sim/nina/files.py), whose quirks are
nina-fw's: writes only append, a write's answer is malformed, a read past the end answers stale
bytes, a delete answers "no such command". Saves keep the old record until the new one reads
back; a cut at any point leaves the old or the new, never neither."""

from __future__ import annotations

from pathlib import Path
from typing import Any

HOME = (b"HomeNet", b"correct horse battery", b"T" * 32, b"blynk.cloud", 443)
OFFICE = (b"Office", b"another password", b"U" * 32, b"fra1.blynk.cloud", 443)


def test_the_file_store_behaves_as_nina_fw_s(nano: Any, tmp_path: Path) -> None:
    from blynk_edgent_lite.boot import version
    from blynk_edgent_lite.store import append_file, delete_file, file_size, read_file

    assert file_size(nano, b"/fs/x") == -1
    append_file(nano, b"/fs/x", b"hello")
    append_file(nano, b"/fs/x", b"world")  # no way to write at an offset: it appends
    assert file_size(nano, b"/fs/x") == 10 and (tmp_path / "nina-fs" / "x").read_bytes() == b"helloworld"
    assert read_file(nano, b"/fs/x", 5, 5) == b"world"
    past = read_file(nano, b"/fs/x", 8, 6)  # past the end: the length asked, stale bytes after
    assert len(past) == 6 and past[:2] == b"ld"
    delete_file(nano, b"/fs/x")
    assert file_size(nano, b"/fs/x") == -1
    append_file(nano, b"/elsewhere", b"x")  # outside /fs/: fopen fails, nothing is written
    assert version(nano) == b"1.7.7"  # and the module still answers


def test_a_blank_module_holds_no_configuration_and_a_saved_one_reads_back(nano: Any, tmp_path: Path) -> None:
    from blynk_edgent_lite.store import FileStore

    store = FileStore(nano)
    assert store.load() is None
    store.save(*HOME)
    assert store.load() == HOME
    store.save(*OFFICE)
    assert store.load() == OFFICE
    assert sorted(p.name for p in (tmp_path / "nina-fs").iterdir()) == ["edgent1"]  # the old one went
    store.erase()
    assert store.load() is None


def test_a_cut_during_a_save_leaves_the_old_or_the_new_record(nano: Any, tmp_path: Path) -> None:
    from blynk_edgent_lite.store import FILES, FileStore, append_file, delete_file, encode

    store = FileStore(nano)
    store.save(*HOME)  # in edgent0, sequence 0
    record = encode(*OFFICE, sequence=1)
    for cut in [*range(0, len(record), 7), len(record)]:
        delete_file(nano, FILES[1])
        append_file(nano, FILES[1], record[:cut])  # the power went after ``cut`` bytes
        assert store.load() == (OFFICE if cut == len(record) else HOME), cut
    delete_file(nano, FILES[1])
    append_file(nano, FILES[1], record)  # whole, and the old not yet deleted: the newer wins
    assert store.load() == OFFICE
    store.save(*HOME)  # replaces the older of the two, then deletes the other
    assert store.load() == HOME and sorted(p.name for p in (tmp_path / "nina-fs").iterdir()) == ["edgent0"]

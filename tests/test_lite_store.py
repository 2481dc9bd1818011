# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The lite edition's configuration in the NINA module's file store (lib/blynk_edgent_lite/files.py,
store.py, save.py) against the NINA emulator's file store (host/edgent_host/sim/nina/files.py),
whose quirks are nina-fw's: writes only append, a write's answer is malformed, a read past the end
answers stale bytes, a delete answers "no such command". A save (from blank: config mode) reads
back before the other file goes; a cut at any point leaves what was there or the new record,
never neither."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

HOME = (b"HomeNet", b"correct horse battery", b"T" * 32, b"blynk.cloud", 443)
OFFICE = (b"Office", b"another password", b"U" * 32, b"fra1.blynk.cloud", 443)


def test_the_file_store_behaves_as_nina_fw_s(nano: Any, tmp_path: Path) -> None:
    from blynk_edgent_lite.boot import version
    from blynk_edgent_lite.files import append_file, file_size

    assert file_size(nano, b"/fs/x") == -1
    append_file(nano, b"/fs/x", b"hello")
    append_file(nano, b"/fs/x", b"world")  # no way to write at an offset: it appends
    assert file_size(nano, b"/fs/x") == 10 and (tmp_path / "nina-fs" / "x").read_bytes() == b"helloworld"
    assert nano.read_file(b"/fs/x", 5, 5) == b"world"
    past = nano.read_file(b"/fs/x", 8, 6)  # past the end: the length asked, stale bytes after
    assert len(past) == 6 and past[:2] == b"ld"
    nano.delete_file(b"/fs/x")
    assert file_size(nano, b"/fs/x") == -1
    append_file(nano, b"/elsewhere", b"x")  # outside /fs/: fopen fails, nothing is written
    assert version(nano) == b"1.7.7"  # and the module still answers


def test_a_blank_module_holds_no_configuration_and_a_saved_one_reads_back(nano: Any, tmp_path: Path) -> None:
    from blynk_edgent_lite import FILES
    from blynk_edgent_lite.save import save
    from blynk_edgent_lite.store import load

    assert load(nano) is None
    save(nano, *HOME)
    assert load(nano) == HOME
    assert sorted(p.name for p in (tmp_path / "nina-fs").iterdir()) == ["edgent0"]
    for name in FILES:  # as Edgent.erase does
        nano.delete_file(name)
    assert load(nano) is None
    save(nano, *OFFICE)
    assert load(nano) == OFFICE


def test_a_save_that_does_not_read_back_is_refused_and_leaves_the_other_file(
    nano: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    from blynk_edgent_lite import FILES, files, save
    from blynk_edgent_lite.store import load

    # a record the start could not read (its first read failed) outlives a save that fails
    files.append_file(nano, FILES[1], b"".join(save.pieces(*HOME, sequence=3)))
    monkeypatch.setattr(save, "append_file", lambda nina, name, data: files.append_file(nina, name, data[:-1]))
    with pytest.raises(OSError, match="did not read back"):
        save.save(nano, *OFFICE)
    assert load(nano) == HOME
    monkeypatch.undo()
    save.save(nano, *OFFICE)  # and once it reads back, the other goes
    assert load(nano) == OFFICE and sorted(p.name for p in (tmp_path / "nina-fs").iterdir()) == ["edgent0"]


def test_a_cut_during_a_save_leaves_the_old_or_the_new_record(nano: Any, tmp_path: Path) -> None:
    from blynk_edgent_lite import FILES
    from blynk_edgent_lite.files import append_file
    from blynk_edgent_lite.save import pieces, save
    from blynk_edgent_lite.store import load

    save(nano, *HOME)  # in edgent0, sequence 0
    record = b"".join(pieces(*OFFICE, sequence=1))
    for cut in [*range(0, len(record), 7), len(record)]:
        nano.delete_file(FILES[1])
        append_file(nano, FILES[1], record[:cut])  # the power went after ``cut`` bytes
        assert load(nano) == (OFFICE if cut == len(record) else HOME), cut
    nano.delete_file(FILES[1])
    append_file(nano, FILES[1], record)  # whole, and the old not yet deleted: the newer wins
    assert load(nano) == OFFICE


def test_a_long_host_is_read_back_in_pieces(nano: Any) -> None:
    from blynk_edgent_lite.save import save
    from blynk_edgent_lite.store import load

    config = (b"HomeNet", b"p" * 63, b"T" * 32, b"h" * 200, 8443)  # 310 bytes: two reads
    save(nano, *config)
    assert load(nano) == config


def test_config_mode_s_pages_are_kept_and_the_browser_page_written_only_when_it_differs(
    nano: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    """Opening config mode keeps its two JSON pages and the page for browsers in the file store;
    the browser page is the same at every opening, so an opening that finds it kept does not
    write it again (flash is not worn for nothing), and one that finds another page (a library
    update, a cut write) writes it whole."""
    from blynk_edgent_lite import page
    from blynk_edgent_lite.opening import open_config_mode
    from edgent_host.sim.nina.files import FileStore

    class Device:
        template = (b"TMPL1", b"Device", b"0.1.0")
        mac = b"\x24\x0a\xc4\x01\x02\x03"
        last_error = 0

    Device.nina = nano
    written: list[bytes] = []  # what the module's flash was given, file by file
    append = FileStore.write
    monkeypatch.setattr(
        FileStore, "write", lambda store, name, data: (written.append(name), append(store, name, data))[1]
    )
    html = b"".join(page.PIECES)
    store = tmp_path / "nina-fs"

    ap_ssid, _, kept = open_config_mode(Device)
    assert kept[2] == (b"/fs/edgent.html", len(html)) and (store / "edgent.html").read_bytes() == html
    assert json.loads(nano.read_file(kept[0][0], 0, kept[0][1]))["ssid"] == str(ap_ssid, "utf-8")
    assert [entry["ssid"] for entry in json.loads((store / "wifi_scan.json").read_bytes())][:1] == ["HomeNet"]
    # once: each piece in commands of 64 bytes
    assert written.count(b"/fs/edgent.html") == sum(len(range(0, len(piece), 64)) for piece in page.PIECES)

    written.clear()
    assert open_config_mode(Device)[2] == kept
    assert b"/fs/edgent.html" not in written and b"/fs/wifi_scan.json" in written

    for stale in (html[:-1] + b"!", html[:100], html + b"\n"):  # the same size, cut short, longer
        (store / "edgent.html").write_bytes(stale)
        written.clear()
        assert open_config_mode(Device)[2][2] == kept[2]
        assert (store / "edgent.html").read_bytes() == html and b"/fs/edgent.html" in written

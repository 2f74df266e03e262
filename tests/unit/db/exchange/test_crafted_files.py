"""Crafted files handed to merge, update and init --setup (docs/design.md §10): each is refused
with one reason — never a traceback, never a hang — before anything is parsed or attached, it
leaves the books and the folders as they were, and in a merge the good files still merge."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from datetime import datetime
from pathlib import Path

import pytest

from catalog.messages import Refused
from db.county import merge, office
from db.exchange import intake, sealed
from db.store.clock import FixedClock
from db.store.connection import close, connect
from tests.county_world import MOBILE, SHOP
from tests.helpers import COUNTY_OFFICER, manager_of, snapshot

JANUARY = FixedClock(datetime(2027, 1, 5, 9))
NAN = '{"a":NaN}'


def station_key(county: Path, code: str = SHOP) -> str:
    raw = sqlite3.connect(county)
    key = raw.execute("SELECT key FROM station WHERE code = ?", (code,)).fetchone()[0]
    raw.close()
    return key


def reencoded(source: Path, target: Path, encoding: str = "UTF-16le") -> Path:
    """The same file, table for table and row for row, in another text encoding."""
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    dst.execute(f"PRAGMA encoding = '{encoding}'")
    for (ddl,) in src.execute("SELECT sql FROM sqlite_master WHERE type = 'table'"):
        dst.execute(ddl)
    for (name,) in src.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
        rows = src.execute(f'SELECT * FROM "{name}"').fetchall()
        if rows:
            marks = ", ".join("?" * len(rows[0]))
            dst.executemany(f'INSERT INTO "{name}" VALUES ({marks})', rows)
    for pragma in ("application_id", "user_version"):
        dst.execute(f"PRAGMA {pragma} = {src.execute(f'PRAGMA {pragma}').fetchone()[0]}")
    dst.commit()
    dst.close()
    src.close()
    assert sqlite3.connect(target).execute("PRAGMA encoding").fetchone()[0] == encoding
    return target


def manifest(path: Path, body: str, mac: str) -> Path:
    raw = sqlite3.connect(path)
    raw.execute("UPDATE manifest SET body = ?, mac = ?", (body, mac))
    raw.commit()
    raw.close()
    return path


def copy(path: Path, folder: Path, name: str) -> Path:
    target = folder / name
    shutil.copy(path, target)
    return target


def crafted(county_world, county: Path, folder: Path) -> dict[str, tuple[Path, str]]:
    """Every kind of crafted file, each with the check that must refuse it."""
    october = county_world.files[(SHOP, "2026-10")]
    key = station_key(county)
    deep = "[" * 200_000 + "]" * 200_000
    deep_dict = '{"a":' * 100_000 + "1" + "}" * 100_000
    fifo = folder / "fifo.sqlite"
    os.mkfifo(fifo)
    link = folder / "zero.sqlite"
    link.symlink_to("/dev/zero")
    (folder / "folder.sqlite").mkdir()
    return {
        "utf16": (reencoded(october, folder / "utf16.sqlite"), "文件类型"),
        "utf16be": (reencoded(october, folder / "utf16be.sqlite", "UTF-16be"), "文件类型"),
        "fifo": (fifo, "文件类型"),
        "link to /dev/zero": (link, "文件类型"),
        "folder": (folder / "folder.sqlite", "文件类型"),
        "missing": (folder / "missing.sqlite", "读取文件"),
        "non-ASCII MAC": (
            manifest(copy(october, folder, "mac1.sqlite"), _body(october), "é" * 32),
            "校验码（MAC）",
        ),
        "non-ASCII MAC, 64 characters": (
            manifest(copy(october, folder, "mac2.sqlite"), _body(october), "码" * 64),
            "校验码（MAC）",
        ),
        "nested 200,000 deep, MAC right": (
            manifest(copy(october, folder, "deep.sqlite"), deep, sealed.mac(key, deep)),
            "清单与内容",
        ),
        "objects nested 100,000 deep, MAC right": (
            manifest(copy(october, folder, "deep2.sqlite"), deep_dict, sealed.mac(key, deep_dict)),
            "清单与内容",
        ),
        "NaN in the manifest, MAC right": (
            manifest(copy(october, folder, "nan.sqlite"), NAN, sealed.mac(key, NAN)),
            "清单与内容",
        ),
    }


def _body(path: Path) -> str:
    raw = sqlite3.connect(path)
    body = raw.execute("SELECT body FROM manifest").fetchone()[0]
    raw.close()
    return body


def test_a_batch_of_crafted_files_refuses_each_and_merges_the_good(county_world, tmp_path):
    county = county_world.copy_county(tmp_path)
    folder = tmp_path / "handed-in"
    folder.mkdir()
    bad = crafted(county_world, county, folder)
    good = [county_world.files[(SHOP, m)] for m in ("2026-09", "2026-10")]
    paths = [p for p, _ in bad.values()]
    order = [paths[0], good[0], *paths[1:], good[1]]  # good files after the bad ones
    connect(county)
    batch = merge.merge_files(COUNTY_OFFICER, order, JANUARY)
    close()
    found = {o.path: o for o in batch.outcomes}
    for what, (path, check) in bad.items():
        outcome = found[path]
        assert outcome.status == "refused", what
        assert outcome.refusal is not None and outcome.refusal.check == check, (
            what,
            outcome.render(),
        )
        assert "\n" not in outcome.render(), what
    assert [found[p].status for p in good] == ["merged", "merged"]
    assert not (tmp_path / ".county.sqlite.incoming").exists()  # its copies are gone
    assert sorted(os.listdir(tmp_path)) == ["county.sqlite", "handed-in"]


def test_a_utf16_file_alone_leaves_the_county_byte_for_byte(county_world, tmp_path):
    county = county_world.copy_county(tmp_path)
    path = reencoded(county_world.files[(SHOP, "2026-10")], tmp_path / "utf16.sqlite")
    before = county.read_bytes()
    connect(county)
    [outcome] = merge.merge_files(COUNTY_OFFICER, [path], JANUARY).outcomes
    close()
    assert outcome.refusal is not None and outcome.refusal.check == "文件类型"
    assert dict(outcome.refusal.fields) == {"encoding": "UTF-16le"}
    assert county.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["county.sqlite", "utf16.sqlite"]


def test_a_manifest_beyond_its_bound_is_refused_before_it_is_parsed(
    county_world, tmp_path, monkeypatch
):
    monkeypatch.setattr(sealed, "MANIFEST_BYTES", 1000)
    county = county_world.copy_county(tmp_path)
    connect(county)
    [outcome] = merge.merge_files(
        COUNTY_OFFICER, [county_world.files[(SHOP, "2026-10")]], JANUARY
    ).outcomes
    close()
    assert outcome.refusal is not None and outcome.refusal.check == "清单与内容"
    assert outcome.refusal.fields["limit"] == 1000


def test_a_file_beyond_its_size_bound_is_refused_unread(county_world, tmp_path, monkeypatch):
    monkeypatch.setitem(sealed.LIMITS, "month", 4096)
    county = county_world.copy_county(tmp_path)
    connect(county)
    [outcome] = merge.merge_files(
        COUNTY_OFFICER, [county_world.files[(SHOP, "2026-10")]], JANUARY
    ).outcomes
    close()
    assert outcome.refusal is not None and outcome.refusal.check == "文件类型"
    assert "超过了上限" in outcome.render()


def test_a_manifest_naming_another_station_than_its_signer(county_world, tmp_path):
    county = county_world.copy_county(tmp_path)
    path = copy(county_world.files[(SHOP, "2026-10")], tmp_path, "odd.sqlite")
    raw = sqlite3.connect(path)
    raw.execute("UPDATE manifest SET signer = ?", (MOBILE,))
    body = raw.execute("SELECT body FROM manifest").fetchone()[0]
    raw.execute("UPDATE manifest SET mac = ?", (sealed.mac(station_key(county, MOBILE), body),))
    raw.commit()
    raw.close()
    connect(county)
    [outcome] = merge.merge_files(COUNTY_OFFICER, [path], JANUARY).outcomes
    close()
    assert outcome.refusal is not None and outcome.refusal.check == "清单与内容"


@pytest.fixture
def update_file(county_world, tmp_path) -> tuple[Path, Path]:
    """(a copy of the mobile shop's books, a genuine update file for it)."""
    county = county_world.copy_county(tmp_path)
    connect(county)
    office.write_update(COUNTY_OFFICER, MOBILE, tmp_path / "update.sqlite", JANUARY)
    close()
    return county_world.copy_station(MOBILE, tmp_path), tmp_path / "update.sqlite"


@pytest.mark.parametrize("encoding", ["UTF-16le", "UTF-16be"])
def test_an_update_in_another_encoding_is_refused_before_attach(update_file, tmp_path, encoding):
    station, update = update_file
    path = reencoded(update, tmp_path / "utf16-update.sqlite", encoding)
    connect(station)
    before = snapshot()
    with pytest.raises(sealed.FileRefused) as caught:
        intake.apply_update(manager_of(MOBILE), path, JANUARY)
    assert caught.value.check == "文件类型"
    assert snapshot() == before
    close()
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]
    assert leftovers == []


@pytest.mark.parametrize("what", ["fifo", "link to /dev/zero", "folder"])
def test_an_update_that_is_no_file_is_refused(update_file, tmp_path, what):
    station, _ = update_file
    path = tmp_path / "odd"
    if what == "fifo":
        os.mkfifo(path)
    elif what == "folder":
        path.mkdir()
    else:
        path.symlink_to("/dev/zero")
    connect(station)
    with pytest.raises(sealed.FileRefused) as caught:
        intake.apply_update(manager_of(MOBILE), path, JANUARY)
    close()
    assert caught.value.check == "文件类型"


def test_a_setup_file_in_another_encoding_leaves_no_books(county_world, tmp_path):
    from click.testing import CliRunner

    from pos.cli import main

    setup = reencoded(county_world.setups[SHOP], tmp_path / "utf16.setup")
    folder = tmp_path / "station"
    folder.mkdir()
    result = CliRunner().invoke(main, ["init", "--db", str(folder / "s.sqlite"), "--setup", setup])
    assert result.exit_code == 1 and "文件类型不通过" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert os.listdir(folder) == []  # no books, no .partial, no -wal, no -shm


def test_a_setup_file_with_a_deep_manifest_is_refused(county_world, tmp_path):
    setup = copy(county_world.setups[SHOP], tmp_path, "deep.setup")
    raw = sqlite3.connect(setup)
    raw.execute("UPDATE manifest SET body = ?", ("[" * 200_000 + "]" * 200_000,))
    raw.commit()
    raw.close()
    connect(tmp_path / "new.sqlite", create=True)
    with pytest.raises(Refused, match="县里的签名不通过"):
        intake.setup_station(setup, JANUARY)
    close()


def test_the_manifest_body_is_json_within_bounds():
    body = json.dumps({"tables": {"a": {"chunks": ["[{"]}}})
    assert sealed._depth(body) == 4  # brackets in strings do not count
    assert sealed._depth("[" * 100) == sealed.MANIFEST_DEPTH + 1

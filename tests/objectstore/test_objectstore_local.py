"""What only the local backend can get wrong: temp files, symlinks, directories, hard links."""

from __future__ import annotations

import errno
import os
import time
from pathlib import Path

import pytest

from ledgerstore.errors import InvalidKeyError, ObjectExistsError, ObjectNotFoundError, ObjectStoreError
from ledgerstore.objectstore import LeavesPartials
from ledgerstore.objectstore.keys import TEMP_SUFFIX
from ledgerstore.objectstore.local import LocalStore


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return tmp_path / "root"


def test_in_progress_temp_files_are_invisible(root: Path) -> None:
    store = LocalStore(root)
    store.put_once("a/done", b"1")
    (root / "a" / f".{'0' * 32}{TEMP_SUFFIX}").write_bytes(b"half")  # a writer crashed here
    assert list(store.list()) == ["a/done"]


def test_files_not_written_through_the_store_with_invalid_names_are_not_listed(root: Path) -> None:
    store = LocalStore(root)
    root.mkdir()
    (root / "back\\slash").write_bytes(b"?")
    (root / "ok").write_bytes(b"!")
    assert list(store.list()) == ["ok"]


def test_symlink_out_of_the_root_is_refused(root: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret").write_bytes(b"not yours")
    root.mkdir()
    (root / "link").symlink_to(outside, target_is_directory=True)
    store = LocalStore(root)
    with pytest.raises(InvalidKeyError, match="outside"):
        store.read_bytes("link/secret")
    with pytest.raises(InvalidKeyError):
        store.put_once("link/new", b"x")
    assert sorted(os.listdir(outside)) == ["secret"]
    assert list(store.list()) == [], "symlinks are not followed by list"


def test_key_under_an_existing_object_is_a_clear_error(root: Path) -> None:
    store = LocalStore(root)
    store.put_once("a", b"file")
    with pytest.raises(ObjectStoreError, match="parent of the key is an object"):
        store.put_once("a/b", b"x")


def test_key_naming_a_directory_of_objects(root: Path) -> None:
    store = LocalStore(root)
    store.put_once("a/b", b"x")
    with pytest.raises(ObjectStoreError, match="other objects live under"):
        store.put_once("a", b"x")
    with pytest.raises(ObjectNotFoundError):
        store.open("a")
    with pytest.raises(ObjectNotFoundError):
        store.delete("a")


def test_file_system_without_hard_links(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_links(src: object, dst: object) -> None:
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    with pytest.raises(ObjectStoreError, match="without hard links"):
        LocalStore(root).put_once("k", b"x")
    assert list(LocalStore(root).list()) == []


def test_segment_too_long_for_the_file_system(root: Path) -> None:
    with pytest.raises(ObjectStoreError, match="cannot write"):
        LocalStore(root).put_once("x" * 300, b"x")
    assert list(LocalStore(root).list()) == []


def test_root_must_be_absolute() -> None:
    with pytest.raises(ValueError, match="absolute"):
        LocalStore(Path("relative"))


def test_partial_files_of_killed_writers_are_listed_and_removed_when_old(tmp_path: Path) -> None:
    store = LocalStore(tmp_path / "objects")
    store.put_once("ledger-raw/abc/a.csv", b"data")
    old = tmp_path / "objects" / "ledger-raw" / "abc" / ".dead.ledgerstore-partial"
    young = tmp_path / "objects" / "ledger-artifacts" / ".busy.ledgerstore-partial"
    young.parent.mkdir(parents=True)
    old.write_bytes(b"half")
    young.write_bytes(b"in progress")
    os.utime(old, (time.time() - 7200, time.time() - 7200))
    assert isinstance(store, LeavesPartials)
    assert store.partial_files(older_than=3600) == ("ledger-raw/abc/.dead.ledgerstore-partial",)
    assert store.remove_partial_files(older_than=3600) == ("ledger-raw/abc/.dead.ledgerstore-partial",)
    assert not old.exists() and young.exists()
    assert list(store.list()) == ["ledger-raw/abc/a.csv"]


def test_a_taken_key_is_refused_before_anything_is_written(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same bytes uploaded again are not written and synced only to be refused."""
    store = LocalStore(root)
    store.put_once("raw/a.csv", b"first")

    def written(*args: object) -> None:
        raise AssertionError("a temp file was written for a taken key")

    monkeypatch.setattr(LocalStore, "_write_temp", written)
    with pytest.raises(ObjectExistsError):
        store.put_once("raw/a.csv", iter([b"first"]))
    assert store.read_bytes("raw/a.csv") == b"first"

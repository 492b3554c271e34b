"""A store in a local directory: one file per object, published with an atomic hard link.

A write goes to a uniquely named temporary file in the object's own directory, is fsynced, and
is then published with `os.link`, which fails if the key exists — an exclusive, atomic create
with no check-then-write window. Readers therefore see either nothing or the whole object.
"""

from __future__ import annotations

import contextlib
import errno
import os
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from ledgerstore.errors import InvalidKeyError, ObjectExistsError, ObjectNotFoundError, ObjectStoreError
from ledgerstore.objectstore.base import ObjectInfo, PutData
from ledgerstore.objectstore.keys import TEMP_SUFFIX, is_valid_key, shown, validate_key, validate_prefix
from ledgerstore.objectstore.streams import ContentDigest, iter_chunks


class LocalStore:
    """Objects as files under `root`; the directory is created on the first write."""

    def __init__(self, root: Path) -> None:
        if not root.is_absolute():
            raise ValueError(f"LocalStore needs an absolute root, got {str(root)!r}")
        self._root = root
        self.url = root.as_uri()

    def __repr__(self) -> str:
        return f"LocalStore({self.url!r})"

    def put_once(self, key: str, data: PutData) -> ObjectInfo:
        """Write the object to a temp file, fsync it, and link it into place if the key is free.

        A key already taken is refused before anything is written (the same bytes uploaded
        again are not written and synced only to be refused); the link still settles a race.
        """
        target = self._path(key)
        if target.is_file():
            raise ObjectExistsError(f"object {shown(key)} already exists in {self.url}", key=key)
        self._make_parent(target, key)
        temp = target.with_name(f".{uuid.uuid4().hex}{TEMP_SUFFIX}")
        try:
            info = self._write_temp(temp, key, data)
            self._publish(temp, target, key)
        finally:
            temp.unlink(missing_ok=True)
        _fsync_directory(target.parent)
        return info

    def open(self, key: str) -> BinaryIO:
        """Open the object's file for reading."""
        path = self._path(key)
        try:
            return path.open("rb")
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError) as exc:
            raise self._not_found(key) from exc
        except OSError as exc:
            raise self._failed("read", key, exc) from exc

    def read_bytes(self, key: str) -> bytes:
        """Return the whole object."""
        with self.open(key) as stream:
            return stream.read()

    def exists(self, key: str) -> bool:
        """Say whether the key names a file."""
        return self._path(key).is_file()

    def size(self, key: str) -> int:
        """Return the file's size."""
        path = self._path(key)
        if not path.is_file():
            raise self._not_found(key)
        return path.stat().st_size

    def list(self, prefix: str = "") -> Iterator[str]:
        """Yield the sorted keys starting with `prefix`, skipping temp files and symlinks."""
        validate_prefix(prefix)
        start = self._root.joinpath(*prefix.rpartition("/")[0].split("/")) if "/" in prefix else self._root
        keys = (self._key_of(path) for path in _walk_files(start))
        return iter(sorted(k for k in keys if k.startswith(prefix) and is_valid_key(k)))

    def delete(self, key: str) -> None:
        """Remove the object's file (empty directories are left; they hold no object)."""
        path = self._path(key)
        if not path.is_file():
            raise self._not_found(key)
        try:
            path.unlink()
        except FileNotFoundError as exc:
            raise self._not_found(key) from exc
        except OSError as exc:
            raise self._failed("delete", key, exc) from exc

    def partial_files(self, *, older_than: float) -> tuple[str, ...]:
        """Temp files of interrupted writes (a writer killed before its `finally`): only those
        untouched for `older_than` seconds, so a write in progress is never listed."""
        cutoff = time.time() - older_than
        found: list[str] = []
        for path in _walk_files(self._root, partial=True):
            with contextlib.suppress(FileNotFoundError):  # finished meanwhile
                if os.stat(path, follow_symlinks=False).st_mtime < cutoff:
                    found.append(Path(path).relative_to(self._root).as_posix())
        return tuple(sorted(found))

    def remove_partial_files(self, *, older_than: float) -> tuple[str, ...]:
        """Delete the temp files `partial_files` lists; return what was removed."""
        removed: list[str] = []
        for relative in self.partial_files(older_than=older_than):
            with contextlib.suppress(FileNotFoundError):
                (self._root / relative).unlink()
                removed.append(relative)
        return tuple(removed)

    def _path(self, key: str) -> Path:
        path = self._root.joinpath(*validate_key(key).split("/"))
        # A valid key has no '..', but a symlink inside the root could still point outside it.
        if not path.resolve().is_relative_to(self._root.resolve()):
            raise InvalidKeyError(f"object key {shown(key)} resolves outside {self.url}", key=key)
        return path

    def _key_of(self, path: str) -> str:
        return Path(path).relative_to(self._root).as_posix()

    def _make_parent(self, target: Path, key: str) -> None:
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except (FileExistsError, NotADirectoryError) as exc:
            message = f"cannot create {shown(key)} in {self.url}: a parent of the key is an object"
            raise ObjectStoreError(message, key=key) from exc
        except OSError as exc:
            raise self._failed("write", key, exc) from exc

    def _write_temp(self, temp: Path, key: str, data: PutData) -> ObjectInfo:
        digest = ContentDigest()
        try:
            with temp.open("xb") as file:
                for chunk in iter_chunks(data):
                    file.write(digest.update(chunk))
                file.flush()
                os.fsync(file.fileno())
        except OSError as exc:
            raise self._failed("write", key, exc) from exc
        return digest.info(key)

    def _publish(self, temp: Path, target: Path, key: str) -> None:
        try:
            os.link(temp, target)
        except FileExistsError as exc:
            if target.is_dir():
                message = f"cannot create {shown(key)} in {self.url}: other objects live under that key"
                raise ObjectStoreError(message, key=key) from exc
            raise ObjectExistsError(f"object {shown(key)} already exists in {self.url}", key=key) from exc
        except OSError as exc:
            if exc.errno in {errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV}:
                message = f"{self.url} is on a file system without hard links, which write-once needs"
                raise ObjectStoreError(message, key=key) from exc
            raise self._failed("write", key, exc) from exc

    def _not_found(self, key: str) -> ObjectNotFoundError:
        return ObjectNotFoundError(f"no object {shown(key)} in {self.url}", key=key)

    def _failed(self, action: str, key: str, exc: OSError) -> ObjectStoreError:
        return ObjectStoreError(f"cannot {action} {shown(key)} in {self.url}: {exc.strerror or exc}", key=key)


def _walk_files(directory: Path, *, partial: bool = False) -> Iterator[str]:
    """Object files under `directory` (or, with `partial`, only the temp files of writes)."""
    try:
        with os.scandir(directory) as entries:
            found = list(entries)
    except (FileNotFoundError, NotADirectoryError):
        return
    for entry in found:
        if entry.is_dir(follow_symlinks=False):
            yield from _walk_files(Path(entry.path), partial=partial)
        elif entry.is_file(follow_symlinks=False) and entry.name.endswith(TEMP_SUFFIX) == partial:
            yield entry.path


def _fsync_directory(directory: Path) -> None:
    # Makes the new directory entry durable; without it a crash could lose a reported write.
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)

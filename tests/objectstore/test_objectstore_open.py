"""`open_object_store`: which URL gives which backend, and what is refused."""

from __future__ import annotations

import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from ledgerstore.errors import ConfigurationError, InvalidKeyError
from ledgerstore.objectstore import ObjectStore, open_object_store
from ledgerstore.objectstore.local import LocalStore
from ledgerstore.objectstore.memory import MemoryStore


def test_file_url(tmp_path: Path) -> None:
    store = open_object_store((tmp_path / "objects").as_uri())
    assert isinstance(store, LocalStore)
    assert store.url == (tmp_path / "objects").as_uri()
    store.put_once("a/b", b"x")
    assert (tmp_path / "objects" / "a" / "b").read_bytes() == b"x"


def test_plain_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert open_object_store(str(tmp_path / "abs")).url == (tmp_path / "abs").as_uri()
    assert open_object_store("rel/objects", home=tmp_path).url == (tmp_path / "rel" / "objects").as_uri()
    monkeypatch.chdir(tmp_path)
    assert open_object_store("here").url == (tmp_path / "here").as_uri()


def test_memory_urls_give_independent_stores() -> None:
    first, second = open_object_store("memory://"), open_object_store("memory://cache")
    assert isinstance(first, MemoryStore)
    assert (first.url, second.url) == ("memory://", "memory://cache")
    first.put_once("k", b"1")
    assert not second.exists("k")
    assert not open_object_store("memory://").exists("k"), "no process-wide state"


def test_s3_url_uses_endpoint_from_environment(
    monkeypatch: pytest.MonkeyPatch, moto_endpoint: str, s3_bucket: str
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", moto_endpoint)
    store = open_object_store(f"s3://{s3_bucket}/tenant/a/")
    assert store.url == f"s3://{s3_bucket}/tenant/a"
    store.put_once("k", b"via env endpoint")
    assert store.read_bytes("k") == b"via env endpoint"
    assert list(store.list()) == ["k"]


def test_gs_url_honours_storage_emulator_host(
    monkeypatch: pytest.MonkeyPatch, gcs_endpoint: str, gcs_bucket: str
) -> None:
    monkeypatch.setenv("STORAGE_EMULATOR_HOST", gcs_endpoint)
    store = open_object_store(f"gs://{gcs_bucket}/p")
    assert store.url == f"gs://{gcs_bucket}/p"
    store.put_once("k", b"via emulator host")
    assert store.read_bytes("k") == b"via emulator host"
    store._client.close()  # type: ignore[attr-defined]


def test_a_gs_store_starts_no_request_of_its_own(
    monkeypatch: pytest.MonkeyPatch, gcs_endpoint: str, gcs_bucket: str
) -> None:
    # google-cloud-storage 3.x fetches a bucket's metadata in a daemon thread, with its own
    # retries, after the call that met the bucket has returned; the store's client does not.
    monkeypatch.setenv("STORAGE_EMULATOR_HOST", gcs_endpoint)
    started: list[str] = []
    start = threading.Thread.start

    def noted(thread: threading.Thread) -> None:
        started.append(thread.name)
        start(thread)

    monkeypatch.setattr(threading.Thread, "start", noted)
    store = open_object_store(f"gs://{gcs_bucket}/p")
    store.put_once("k", b"x")
    assert store.read_bytes("k") == b"x"
    assert store.exists("k")
    assert not [name for name in started if "fetch" in name or "verify" in name], started
    store._client.close()  # type: ignore[attr-defined]


def test_gs_url_without_credentials_is_a_configuration_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("STORAGE_EMULATOR_HOST", raising=False)
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(tmp_path / "missing.json"))
    with pytest.raises(ConfigurationError, match="no Google credentials"):
        open_object_store("gs://bucket/prefix")


@pytest.mark.parametrize(
    "url", ["s3://AKIAEXAMPLE:s3cr3t@bucket/x", "gs://user:s3cr3t@bucket", "s3://AKIAEXAMPLE@bucket"]
)
def test_credentials_in_url_are_refused_without_echoing_them(url: str) -> None:
    with pytest.raises(ConfigurationError) as raised:
        open_object_store(url)
    assert "s3cr3t" not in str(raised.value)
    assert "AKIAEXAMPLE" not in str(raised.value)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://host/x", "unsupported"),
        ("s3://", "no bucket"),
        ("gs:///prefix", "no bucket"),
        ("file://otherhost/x", "remote host"),
        ("s3://bucket/x?versionId=1", "query"),
    ],
)
def test_bad_urls(url: str, message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        open_object_store(url)


@pytest.mark.parametrize("url", ["s3://bucket/../other", "gs://bucket/a//b", "s3://bucket/a/./b"])
def test_bucket_prefix_is_validated_like_a_key(url: str, aws_env: None) -> None:
    with pytest.raises(InvalidKeyError):
        open_object_store(url)


def test_missing_s3fs_gives_install_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "s3fs", None)  # makes `import s3fs` fail
    with pytest.raises(ConfigurationError, match=r"pip install 'ledgerstore\[s3\]'"):
        open_object_store("s3://bucket/prefix")


def test_every_backend_is_an_object_store(store: Any) -> None:
    assert isinstance(store, ObjectStore)
    assert repr(store) == f"{type(store).__name__}({store.url!r})"

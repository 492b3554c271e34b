"""Issue 13, findings 1-2: every workbook parser runs in a child bounded in memory and time.

A damaged .xls used to abort the whole process (calamine allocating 11 PB, SIGABRT) or spin
xlrd's sector chain to 9 GB and beyond; now each ends as one `DamagedWorkbookError`, an
`UnreadableFileError`, and the caller lives on.
"""

from __future__ import annotations

import os
import struct
import subprocess
import sys
import time
from pathlib import Path

import pytest

from normalizer import normalize
from normalizer.errors import DamagedWorkbookError, NormalizerError, UnreadableFileError
from normalizer.readers import Limits, read_workbook
from normalizer.readers.child import run_bounded

from . import child_helpers

pytestmark = pytest.mark.timeout(60)

XLS = Path(__file__).parents[4] / "fixtures" / "samples" / "akretion__account_move_generic-fr_coa.xls"


def dimensions_claiming_4g_rows() -> bytes:
    data = bytearray(XLS.read_bytes())
    at = data.find(b"\x00\x02\x0e\x00")
    assert at > 0
    data[at + 4 : at + 16] = struct.pack("<IIHH", 0, 0xFFFFFFFF, 0, 0xFFFF)
    return bytes(data)


def looping_sector_chain() -> bytes:
    data = bytearray(XLS.read_bytes())
    assert data[1668] == 0x22
    data[1668] = 0x02
    return bytes(data)


def test_a_dimensions_record_claiming_4g_rows_is_a_damaged_workbook_not_an_abort() -> None:
    with pytest.raises(DamagedWorkbookError) as caught:
        normalize(dimensions_claiming_4g_rows(), name="coa.xls")
    assert str(caught.value) == "coa.xls: the workbook is damaged: the reader ran out of its 2,048 MiB limit"
    assert isinstance(caught.value, UnreadableFileError)
    # The process is still here and reads the intact file.
    assert len(read_workbook(XLS.read_bytes(), name="coa.xls").sheets[0].rows) == 9


def test_a_looping_sector_chain_is_refused_at_once() -> None:
    started = time.monotonic()
    with pytest.raises(UnreadableFileError, match=r"^coa\.xls: .* small-stream sectors loops back on itself"):
        normalize(looping_sector_chain(), name="coa.xls")
    assert time.monotonic() - started < 5


def test_xlrd_looping_without_the_check_is_stopped_by_the_child_limits() -> None:
    limits = Limits(reader_seconds=3, reader_memory_mib=512)
    assert run_bounded(child_helpers.xlrd_stream, XLS.read_bytes(), limits=limits) > 0
    started = time.monotonic()
    with pytest.raises(DamagedWorkbookError, match=r"the workbook is damaged.*(512 MiB|3 s) limit"):
        run_bounded(child_helpers.xlrd_stream, looping_sector_chain(), limits=limits)
    assert time.monotonic() - started < 10


def test_the_deadline_kills_the_child() -> None:
    started = time.monotonic()
    with pytest.raises(DamagedWorkbookError, match="took longer than its 1 s limit"):
        run_bounded(child_helpers.sleep, 30, limits=Limits(reader_seconds=1))
    assert time.monotonic() - started < 5


def test_the_memory_limit_is_a_clear_error() -> None:
    limits = Limits(reader_memory_mib=512)
    assert run_bounded(child_helpers.allocate, 16, limits=limits) == 16 << 20
    with pytest.raises(DamagedWorkbookError, match="ran out of its 512 MiB limit"):
        run_bounded(child_helpers.allocate, 1024, limits=limits)


def test_a_crash_of_the_child_is_a_clear_error() -> None:
    with pytest.raises(DamagedWorkbookError, match=r"the reader crashed \(SIGSEGV\)"):
        run_bounded(child_helpers.segfault, limits=Limits())


def test_the_child_cannot_send_back_arbitrary_objects() -> None:
    with pytest.raises(DamagedWorkbookError, match=r"sent back a collections\.OrderedDict"):
        run_bounded(child_helpers.foreign_object, limits=Limits())


def test_errors_cross_the_process_boundary_whole() -> None:
    error = UnreadableFileError("a sheet has 9 rows", source="f.xlsx")
    import pickle

    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is UnreadableFileError
    assert (copy.message, copy.source, str(copy)) == (error.message, error.source, str(error))
    assert issubclass(DamagedWorkbookError, NormalizerError)


def test_the_child_dies_with_its_parent(tmp_path: Path) -> None:
    pid_file = tmp_path / "child.pid"
    script = (
        "from normalizer.readers.child import run_bounded; from normalizer.readers import Limits;"
        "from tests.unit.normalizer.readers import child_helpers;"
        f"run_bounded(child_helpers.note_pid_and_sleep, {str(pid_file)!r}, 50,"
        " limits=Limits(reader_seconds=60))"
    )
    root = Path(__file__).parents[4]
    env = {**os.environ, "PYTHONPATH": str(root)}
    parent = subprocess.Popen([sys.executable, "-c", script], cwd=root, env=env)
    try:
        deadline = time.monotonic() + 20
        while not pid_file.exists() or not pid_file.read_text():
            assert time.monotonic() < deadline, "the child never started"
            time.sleep(0.05)
        child = int(pid_file.read_text())
        assert _alive(child)
        parent.kill()  # SIGKILL: no cleanup code of the parent runs
        parent.wait()
        deadline = time.monotonic() + 10
        while _alive(child):
            assert time.monotonic() < deadline, "the reader child outlived its parent"
            time.sleep(0.05)
    finally:
        parent.kill()
        parent.wait()


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(") ")[-1][0]
    except FileNotFoundError:
        return False
    return state != "Z"


def test_an_interrupt_of_the_caller_kills_the_child_at_once(tmp_path: Path) -> None:
    import signal

    pid_file = tmp_path / "child.pid"

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, 1.0)
    try:
        with pytest.raises(KeyboardInterrupt):
            run_bounded(child_helpers.note_pid_and_sleep, str(pid_file), 30, limits=Limits(reader_seconds=60))
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    child = int(pid_file.read_text())
    deadline = time.monotonic() + 3
    while _alive(child):
        assert time.monotonic() < deadline, "the reader child outlived the interrupt"
        time.sleep(0.05)

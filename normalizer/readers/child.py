"""Run a workbook parser in a child process bounded in memory and time.

calamine and xlrd trust their input: a damaged .xls can make calamine allocate petabytes
(Rust aborts the process with SIGABRT, which no `except` catches) or loop xlrd over a sector
chain until the machine runs out of memory. So every parse of an untrusted container runs in
a child forked from a `forkserver` (fresh, single-threaded, with the parsers preloaded), with
`RLIMIT_AS` set to `Limits.reader_memory_mib` and a wall-clock deadline of
`Limits.reader_seconds`. Whatever happens to the child becomes one `DamagedWorkbookError`.

The child dies with the caller: it asks the kernel for SIGKILL when its parent (the fork
server, which exits when the caller's process does) dies, and `RLIMIT_CPU` stops a child that
would outlive everything. The result comes back pickled over a pipe (lists of the parser's
plain values pickle at C speed; see bench/bench_normalize.py for the cost).
"""

from __future__ import annotations

import contextlib
import ctypes
import io
import multiprocessing
import os
import pickle
import resource
import signal
import tempfile
import time
from collections.abc import Callable
from multiprocessing import forkserver, popen_forkserver, reduction, spawn, util
from multiprocessing.connection import Connection
from typing import Any, TypeVar

from normalizer.errors import DamagedWorkbookError, NormalizerError
from normalizer.readers.limits import Limits

T = TypeVar("T")

_CONTEXT = multiprocessing.get_context("forkserver")
# The server imports the parsers and the workbook fast path once (with pyarrow, and pandas,
# which pyarrow imports at its first conversion of Python values: 0.2 s a child otherwise);
# each child is a cheap fork of it. A module that fails to import is skipped by the server.
_PRELOAD = ["normalizer.readers.child", "normalizer.readers.parse", "normalizer.fast.workbook", "pandas"]
_CONTEXT.set_forkserver_preload(_PRELOAD)
_PR_SET_PDEATHSIG = 1
_STDERR_CHARS = 4096
_GRACE_SECONDS = 5


def start_server() -> None:
    """Start the fork server now rather than at the first workbook (optional).

    It takes a good part of a second to import the parsers; a long-running caller (a worker)
    can start it while doing its own start-up. Idempotent.
    """
    forkserver.ensure_running()


class ParserFailure(RuntimeError):
    """A parser's own exception in the child, as "Type: message" (exceptions do not all pickle)."""


def run_bounded(function: Callable[..., T], *args: Any, limits: Limits, what: str = "workbook") -> T:
    """`function(*args)` in a bounded child; its result, or its `NormalizerError` re-raised.

    `function` must be a module-level function (it is pickled by name). Any other exception of
    the child comes back as a `ParserFailure` with its type and message, for the reader's
    boundary to translate; a crash, the memory limit or the deadline is `DamagedWorkbookError`.
    """
    receiver, sender = _CONTEXT.Pipe(duplex=False)
    with tempfile.NamedTemporaryFile(prefix="ledgerstore-reader-") as stderr:
        child = _ReaderProcess(
            target=_child_main, args=(sender, stderr.name, limits, function, args), daemon=True
        )
        child.start()
        sender.close()
        try:
            payload = _receive(receiver, child, limits.reader_seconds)
        except BaseException:  # an interrupt of the caller: the child goes at once
            child.kill()
            raise
        finally:
            receiver.close()
            _reap(child)
        if payload is None:
            stderr.seek(0)
            raise _crash_error(child.exitcode, stderr.read(_STDERR_CHARS), limits, what)
    status, value = _SafeUnpickler(io.BytesIO(payload)).load()
    if status == "ok":
        return value  # type: ignore[no-any-return]
    if status == "memory":
        raise DamagedWorkbookError(_out_of_memory(limits, what))
    raise value


def _receive(receiver: Connection, child: Any, seconds: int) -> bytes | None:
    """The child's pickled answer, or None if it died or missed the deadline (it is killed)."""
    deadline = time.monotonic() + seconds
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            child.kill()
            return None
        if receiver.poll(min(left, 1.0)):
            try:
                return receiver.recv_bytes()
            except EOFError:
                return None


def _reap(child: Any) -> None:
    child.join(_GRACE_SECONDS)
    if child.exitcode is None:
        child.kill()
        child.join()


def _crash_error(exitcode: int | None, stderr: bytes, limits: Limits, what: str) -> DamagedWorkbookError:
    text = stderr.decode("utf-8", "replace").lower()
    if exitcode is None or exitcode in (-signal.SIGKILL, -signal.SIGXCPU):
        return DamagedWorkbookError(
            f"the {what} is damaged or too complex: the reader took longer than its"
            f" {limits.reader_seconds:,} s limit"
        )
    if "memory allocation" in text or "memoryerror" in text or "cannot allocate" in text:
        return DamagedWorkbookError(_out_of_memory(limits, what))
    if exitcode < 0:
        return DamagedWorkbookError(
            f"the {what} is damaged: the reader crashed ({signal.Signals(-exitcode).name})"
        )
    return DamagedWorkbookError(f"the {what} is damaged: the reader stopped (exit status {exitcode})")


def _out_of_memory(limits: Limits, what: str) -> str:
    return f"the {what} is damaged: the reader ran out of its {limits.reader_memory_mib:,} MiB limit"


#: What the child may send back. A parser exploited into running code in the child must not
#: get to run code in the parent through the pickle: only these classes are rebuilt.
_ALLOWED = frozenset(
    {
        ("datetime", "date"),
        ("datetime", "datetime"),
        ("datetime", "time"),
        ("datetime", "timedelta"),
        ("decimal", "Decimal"),
        ("normalizer.readers.model", "Row"),
        ("normalizer.readers.model", "Sheet"),
        ("normalizer.errors", "_rebuild"),
        ("normalizer.errors", "UnreadableFileError"),
        ("normalizer.errors", "DamagedWorkbookError"),
        ("normalizer.errors", "NormalizerError"),
        ("normalizer.readers.child", "ParserFailure"),
        # The workbook fast path's result: Arrow columns (buffers, types, schemas).
        ("normalizer.result", "NormalizeResult"),
        ("normalizer.result", "Detected"),
        ("normalizer.result", "Issue"),
        ("normalizer.result", "CheckResult"),
        ("normalizer.fast.records", "ColumnRecords"),
        ("normalizer.issue_columns", "_block"),
        ("normalizer.issue_columns", "_sequence"),
        ("normalizer.fast.records", "Amounts"),
        ("pyarrow.lib", "_reconstruct_table"),
        ("pyarrow.lib", "_restore_array"),
        ("pyarrow.lib", "chunked_array"),
        ("pyarrow.lib", "field"),
        ("pyarrow.lib", "py_buffer"),
        ("pyarrow.lib", "schema"),
        ("pyarrow.lib", "type_for_alias"),
        ("copyreg", "_reconstructor"),
        ("builtins", "object"),
    }
)


class _SafeUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in _ALLOWED:
            raise DamagedWorkbookError(f"the workbook is damaged: the reader sent back a {module}.{name}")
        return super().find_class(module, name)


class _Launcher(popen_forkserver.Popen):
    """The forkserver start, without re-importing the caller's `__main__` in the child.

    The standard start makes the child run the main script again (as `__mp_main__`): costly,
    and impossible for a script read from stdin. The parser needs none of it.
    """

    def _launch(self, process_obj: Any) -> None:
        prep_data = spawn.get_preparation_data(process_obj._name)
        prep_data.pop("init_main_from_name", None)
        prep_data.pop("init_main_from_path", None)
        buf = io.BytesIO()
        multiprocessing.context.set_spawning_popen(self)
        try:
            reduction.dump(prep_data, buf)
            reduction.dump(process_obj, buf)
        finally:
            multiprocessing.context.set_spawning_popen(None)
        self.sentinel, w = forkserver.connect_to_new_process(self._fds)  # type: ignore[attr-defined]
        parent_w = os.dup(w)
        self.finalizer = util.Finalize(self, util.close_fds, (parent_w, self.sentinel))  # type: ignore[attr-defined]
        with open(w, "wb", closefd=True) as f:
            f.write(buf.getbuffer())
        self.pid = forkserver.read_signed(self.sentinel)


class _ReaderProcess(multiprocessing.context.ForkServerProcess):
    @staticmethod
    def _Popen(process_obj: Any) -> Any:
        return _Launcher(process_obj)


# -- in the child --------------------------------------------------------------------------


def _child_main(
    sender: Connection, stderr_path: str, limits: Limits, function: Callable[..., Any], args: tuple[Any, ...]
) -> None:
    _die_with_parent()
    memory = limits.reader_memory_mib << 20
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    cpu = limits.reader_seconds + _GRACE_SECONDS
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    _stderr_to(stderr_path)
    try:
        answer: tuple[str, Any] = ("ok", function(*args))
    except MemoryError:
        answer = ("memory", None)
    except NormalizerError as exc:
        answer = ("raise", exc)
    except BaseException as exc:
        answer = ("raise", ParserFailure(f"{type(exc).__name__}: {exc}"))
    try:
        payload = _dumps(answer)
    except MemoryError:
        payload = _dumps(("memory", None))
    sender.send_bytes(payload)
    sender.close()


def _dumps(answer: tuple[str, Any]) -> bytes:
    """Pickle without the memo: values hold no cycles, and the memo costs a third of the time."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.fast = True
    pickler.dump(answer)
    return buffer.getvalue()


def _die_with_parent() -> None:
    """Ask Linux for SIGKILL when the fork server dies (elsewhere the deadline and RLIMIT_CPU
    bound the child).

    The server exits when the caller's end of its "alive" pipe closes, but every child inherits
    a copy of that end: closed here, or the child would keep the server, and so itself, alive
    after the caller is gone.
    """
    server = getattr(forkserver, "_forkserver", None)
    alive = getattr(server, "_forkserver_alive_fd", None)
    if isinstance(alive, int):
        with contextlib.suppress(OSError):
            os.close(alive)
        server._forkserver_alive_fd = None  # type: ignore[union-attr]
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def _stderr_to(path: str) -> None:
    """Send the child's stderr (where Rust prints why it aborts) to the parent's temporary file."""
    with contextlib.suppress(OSError):
        target = os.open(path, os.O_WRONLY)
        os.dup2(target, 2)
        os.close(target)

"""Work that runs in a forked child process while the caller goes on.

Writing a city plan's outputs is pure Python (XML, CSV, HTML): one core does all of it while
the machine's other core waits. :class:`Forked` gives one piece of that work (the workbook) to a
child process made with ``fork``: it starts with the parent's memory (the problem, the plan, every
table already computed), writes its file and ends; the parent writes the rest meanwhile and then
joins it. The bytes written are the same either way: only where the work runs changes.

Where ``fork`` does not exist (Windows), the work runs at once, in the caller's process.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import sys
import traceback
import warnings
from collections.abc import Callable
from types import TracebackType
from typing import NoReturn


class Forked:
    """``work()`` running in a child process from now on; :meth:`join` waits for it and raises
    the child's error, if any, in the parent (the same exception, with the child's traceback as
    a note).

    Use it as a context manager: leaving the block joins the child, or, when the block is left by
    an error, kills it first (the parent's error is the one that counts).
    """

    def __init__(self, work: Callable[[], None], what: str) -> None:
        self.what = what
        self._pid: int | None = None
        self._read: int | None = None
        if not hasattr(os, "fork"):
            work()
            return
        read, write = os.pipe()
        with warnings.catch_warnings():
            # Python ≥ 3.12 warns when a process with threads forks (a lock held by another
            # thread stays held in the child). The solvers' worker threads hold none of the
            # locks the child uses: it writes one file with pure Python and zlib.
            warnings.simplefilter("ignore", DeprecationWarning)
            pid = os.fork()
        if pid == 0:  # the child: do the work, report an error through the pipe, end at once
            os.close(read)
            _run_child(work, write, what)
        os.close(write)
        self._pid, self._read = pid, read

    def join(self) -> None:
        """Wait for the child; raise its error (or say how it ended, if it died)."""
        if self._pid is None or self._read is None:
            return
        with os.fdopen(self._read, "rb") as pipe:
            payload = pipe.read()  # until the child ends (and its end of the pipe closes)
        _, status = os.waitpid(self._pid, 0)
        self._pid = self._read = None
        if payload:
            raise pickle.loads(payload)
        code = os.waitstatus_to_exitcode(status)
        if code != 0:
            raise RuntimeError(f"the child process that was {self.what} ended with "
                               + (f"signal {-code}" if code < 0 else f"exit code {code}"))

    def kill(self) -> None:
        """End the child now and reap it (its half-written file is the caller's to discard)."""
        if self._pid is None or self._read is None:
            return
        with contextlib.suppress(ProcessLookupError):  # already ended
            os.kill(self._pid, signal.SIGKILL)
        os.waitpid(self._pid, 0)
        os.close(self._read)
        self._pid = self._read = None

    def __enter__(self) -> Forked:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 tb: TracebackType | None) -> None:
        if kind is None:
            self.join()
        else:
            self.kill()


def _run_child(work: Callable[[], None], write: int, what: str) -> NoReturn:
    """The child's whole life: never returns into the parent's code (no ``finally`` blocks, no
    ``atexit``, no flushing of buffers it inherited)."""
    code = 0
    try:
        # Fresh standard streams on the same descriptors: the inherited ones may hold a lock
        # that a thread of the parent (the live progress display) held at the fork, and a
        # warning written to them would then wait forever.
        sys.stdout, sys.stderr = (
            open(fd, "w", buffering=1, encoding="utf-8", errors="replace",  # noqa: SIM115
                 closefd=False) for fd in (1, 2))
        work()
    except BaseException as exc:  # everything, even KeyboardInterrupt: the parent decides
        code = 1
        exc.add_note(f"(in the child process that was {what})\n" + traceback.format_exc())
        try:
            payload = pickle.dumps(exc)
        except Exception:  # an exception that does not pickle: its text, as a RuntimeError
            payload = pickle.dumps(RuntimeError(f"{what}: {type(exc).__name__}: {exc}\n"
                                                + traceback.format_exc()))
        try:
            with os.fdopen(write, "wb") as pipe:
                pipe.write(payload)
        except OSError:
            code = 2
    finally:
        os._exit(code)

"""Live progress of a long run, on a terminal only: the phase, the elapsed time, and — when the
engine reports them — the best plan so far and the proven bound.

Shown on standard error with rich (a spinner line that refreshes by itself and vanishes when the
run ends); nothing at all is written when standard error is not a terminal (a pipe, a file, a
test), or with ``--json`` / ``--quiet``.

Code deep in the pipeline reports without being handed the display: :func:`report` updates the
:class:`Progress` that is active (none: it does nothing). An engine can call it from its solver
callback, e.g. ``report(phase="solving level 1/3", best=obj, bound=bound)``.
"""

from __future__ import annotations

import threading
import time
from contextvars import ContextVar
from types import TracebackType
from typing import TYPE_CHECKING, Any

from rich.console import Console, RenderableType

if TYPE_CHECKING:
    from rich.live import Live
    from rich.spinner import Spinner

_ACTIVE: ContextVar[Progress | None] = ContextVar("allocator_progress", default=None)
_LAST: list[Progress] = []  # the active display, for engine callbacks on solver threads


def report(phase: str | None = None, *, best: float | None = None,
           bound: float | None = None) -> None:
    """Update the active progress display, if any (cheap; safe from any thread)."""
    progress = _ACTIVE.get() or (_LAST[-1] if _LAST else None)
    if progress is not None:
        progress.update(phase, best=best, bound=bound)


def active() -> Progress | None:
    """The progress display of the current run (None when there is none)."""
    return _ACTIVE.get() or (_LAST[-1] if _LAST else None)


class Progress:
    """A one-line live status: ``⠋ solving level 1/3 · 12.4 s · best 84,030 · bound 84,112``.

    Use it as a context manager around the run; ``phase()`` names what is happening. Disabled
    (``enabled=False``, or a console that is not a terminal) it only keeps the phase and the
    figures, so the same code runs in a pipe and prints nothing.
    """

    def __init__(self, console: Console | None = None, enabled: bool = True) -> None:
        self.console = console or Console(stderr=True)
        self.enabled = bool(enabled) and self.console.is_terminal
        self.phase_name = ""
        self.best: float | None = None
        self.bound: float | None = None
        self.started = time.perf_counter()
        self.phase_started = self.started
        self._lock = threading.Lock()
        self._live: Live | None = None
        self._spinner: Spinner | None = None  # made when the display starts
        self._token: Any = None

    # ---- reporting -------------------------------------------------------------------------

    def phase(self, name: str) -> None:
        """A new phase (``reading``, ``building``, ``solving``, ``writing``)."""
        with self._lock:
            if name != self.phase_name:
                self.phase_name = name
                self.phase_started = time.perf_counter()
                if not name.startswith("solving"):
                    self.best = self.bound = None

    def update(self, phase: str | None = None, *, best: float | None = None,
               bound: float | None = None) -> None:
        """New figures from the engine (any of them)."""
        if phase is not None:
            self.phase(phase)
        with self._lock:
            if best is not None:
                self.best = best
            if bound is not None:
                self.bound = bound

    @property
    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    def line(self) -> str:
        """The status line as plain text (what the spinner shows)."""
        with self._lock:
            parts = [self.phase_name or "working", _duration(self.elapsed)]
            if self.best is not None:
                parts.append(f"best {self.best:,.0f}")
            if self.bound is not None:
                parts.append(f"bound {self.bound:,.0f}")
            if self.best is not None and self.bound is not None:
                gap = abs(self.bound - self.best) / max(1.0, abs(self.best))
                parts.append(f"gap {gap:.2%}")
        return " · ".join(parts)

    def __rich__(self) -> RenderableType:
        from rich.spinner import Spinner
        from rich.table import Table
        from rich.text import Text

        if self._spinner is None:
            self._spinner = Spinner("dots", style="cyan")
        grid = Table.grid(padding=(0, 1))
        grid.add_row(self._spinner, Text(self.line()))
        return grid

    # ---- the display -----------------------------------------------------------------------

    def __enter__(self) -> Progress:
        self.started = self.phase_started = time.perf_counter()
        self._token = _ACTIVE.set(self)
        _LAST.append(self)
        if self.enabled:
            # The display's modules are imported only here: a pipe never pays for them.
            from rich.live import Live

            self._live = Live(self, console=self.console, refresh_per_second=8,
                              transient=True, redirect_stdout=False, redirect_stderr=False)
            self._live.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._live is not None:
            self._live.stop()
            self._live = None
        if self in _LAST:
            _LAST.remove(self)
        if self._token is not None:
            _ACTIVE.reset(self._token)
            self._token = None


def _duration(seconds: float) -> str:
    """``4.2 s``, ``2 min 05 s``, ``1 h 02 min``."""
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, secs = divmod(int(seconds), 60)
    if minutes < 60:
        return f"{minutes} min {secs:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def null_progress() -> Progress:
    """A progress that shows nothing (for library calls and pipes)."""
    return Progress(Console(stderr=True, force_terminal=False), enabled=False)

"""Progress reporting hooks: the pipeline calls them, the CLI draws rich progress bars."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Protocol


class Progress(Protocol):
    """Receives progress events; the default does nothing."""

    def start(self, task: str, total: int) -> None: ...

    def advance(self, task: str, amount: int = 1) -> None: ...

    def finish(self, task: str) -> None: ...

    def note(self, message: str) -> None: ...


class NullProgress:
    """A Progress that ignores every event."""

    def start(self, task: str, total: int) -> None:
        pass

    def advance(self, task: str, amount: int = 1) -> None:
        pass

    def finish(self, task: str) -> None:
        pass

    def note(self, message: str) -> None:
        pass


# Per-document progress from inside a component: a summarizer calls ``document_done()`` as
# each document (or generated prompt) finishes, a metric as each candidate is scored; when the
# batch runs in this process the pipeline advances the bar at once (and the ETA follows),
# otherwise nothing happens. A forked worker inherits the context variable, so the listener is
# kept with the process that set it: a worker never touches its copy of the parent's bar.
Listener = Callable[[int], None]
_listener: ContextVar[tuple[int, Listener] | None] = ContextVar("sumbench_progress", default=None)


def document_done(count: int = 1) -> None:
    """Tell the running progress bar that ``count`` more documents are done (a no-op elsewhere)."""
    current = _listener.get()
    if current is not None and current[0] == os.getpid():
        current[1](count)


@contextmanager
def listening(listener: Listener) -> Iterator[None]:
    """Route :func:`document_done` calls made in this context, in this process, to ``listener``."""
    token = _listener.set((os.getpid(), listener))
    try:
        yield
    finally:
        _listener.reset(token)

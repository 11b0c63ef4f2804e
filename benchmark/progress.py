"""Progress reporting hooks: the pipeline calls them, the CLI draws rich progress bars."""

from __future__ import annotations

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

"""Calls into components: only sumbench decides its exit code.

A plugin, or a library it calls, may raise ``SystemExit`` (argparse and click call
``sys.exit`` on bad arguments) or another ``BaseException``. Unguarded, that would end the
run with the plugin's exit code: ``SystemExit(0)`` on one document would pass a CI gate that
never ran. Every call into a component (importing a plugin, building it, ``prepare``,
``summarize``, ``score``, its fingerprint and signature) runs under :class:`guarded`, which
turns such an exception into :class:`ComponentExit`, an ordinary ``Exception`` (and a
:class:`~benchmark.core.errors.ConfigError`, exit 2): a per-document failure where the
pipeline has a document at hand, an input error naming the component otherwise.
``KeyboardInterrupt`` passes through unchanged (Ctrl-C still exits 130), and so does every
``Exception``.
"""

from __future__ import annotations

from types import TracebackType

from benchmark.core.errors import ConfigError


class ComponentExit(ConfigError):
    """A component raised ``SystemExit`` or another ``BaseException`` that is not ``KeyboardInterrupt``."""


def describe_exit(exc: BaseException) -> str:
    """``SystemExit(0)``, ``GeneratorExit``, ``MyError('text')``: what was raised, shown as code."""
    if isinstance(exc, SystemExit):
        return f"SystemExit({exc.code!r})"
    text = str(exc)
    return f"{type(exc).__name__}({text!r})" if text else type(exc).__name__


class guarded:
    """``with guarded(what, doing):`` around a call into a component named ``what``
    (``"summarizer 'x'"``).

    ``doing`` says when (``"at import"``, ``"in summarize"``). Exceptions and
    ``KeyboardInterrupt`` pass through; any other ``BaseException`` becomes
    :class:`ComponentExit` with a message naming the component.
    """

    __slots__ = ("doing", "what")

    def __init__(self, what: str, doing: str) -> None:
        self.what = what
        self.doing = doing

    def __enter__(self) -> guarded:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if exc is None or isinstance(exc, Exception | KeyboardInterrupt):
            return
        raise ComponentExit(
            f"{self.what} raised {describe_exit(exc)} {self.doing}; a component cannot end the run "
            "(only sumbench decides its exit code)"
        ) from exc

"""The guard around calls into components: only KeyboardInterrupt and Exceptions pass as they are."""

from __future__ import annotations

import pytest

from benchmark.core.errors import ConfigError
from benchmark.core.guard import ComponentExit, describe_exit, guarded


class Odd(BaseException):
    pass


@pytest.mark.parametrize(
    ("raised", "shown"),
    [
        (SystemExit(0), "SystemExit(0)"),
        (SystemExit(1), "SystemExit(1)"),
        (SystemExit(), "SystemExit(None)"),
        (SystemExit("usage: bad"), "SystemExit('usage: bad')"),
        (GeneratorExit(), "GeneratorExit"),
        (Odd("why"), "Odd('why')"),
    ],
)
def test_base_exceptions_become_an_error_naming_the_component(raised: BaseException, shown: str) -> None:
    with pytest.raises(ComponentExit) as caught, guarded("summarizer 'x' (plugin file p.py)", "in summarize"):
        raise raised
    assert str(caught.value) == (
        f"summarizer 'x' (plugin file p.py) raised {shown} in summarize; a component cannot end the run "
        "(only sumbench decides its exit code)"
    )
    assert isinstance(caught.value, ConfigError) and caught.value.exit_code == 2
    assert caught.value.__cause__ is raised and describe_exit(raised) == shown


@pytest.mark.parametrize("raised", [KeyboardInterrupt(), ValueError("bad"), ConfigError("cfg")])
def test_keyboard_interrupt_and_exceptions_pass_unchanged(raised: BaseException) -> None:
    with pytest.raises(type(raised)) as caught, guarded("metric 'm'", "in score"):
        raise raised
    assert caught.value is raised


def test_a_normal_call_returns_through_the_guard() -> None:
    def call() -> int:
        with guarded("metric 'm'", "in columns"):
            return 3

    assert call() == 3

"""User-facing errors: one small hierarchy, turned into exit codes only at the CLI edge."""

from __future__ import annotations


class SumbenchError(Exception):
    """Base of every error a user can cause and fix; the CLI prints it without a traceback."""

    exit_code = 2


class InputError(SumbenchError):
    """Bad input data (reference set, results file, judgments). May carry several problems."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        self.problems = problems or []
        super().__init__(message)

    def __str__(self) -> str:
        head = super().__str__()
        if not self.problems:
            return head
        return head + "\n" + "\n".join(f"  {p}" for p in self.problems)


class ConfigError(SumbenchError):
    """A bad option, spec, config file or plugin."""


class ModelUnavailableError(SumbenchError):
    """A model cannot be loaded (offline, missing file, missing extra)."""


class GateFailed(SumbenchError):
    """A CI gate check failed; exit code 1."""

    exit_code = 1

    def __init__(self, failures: list[str], passed: list[str] | None = None) -> None:
        self.failures = failures
        self.passed = passed or []  # the checks that passed, for the log
        super().__init__("\n".join(failures))

"""Where a run's files go: checked before any work, written as one set, stale temporaries removed.

A run's reports (``results.json``, ``scores.csv``, ``report.md``, ``report.html``, ...) are
rendered into a staging directory inside the output directory and moved into place only when
every one of them was written, so a crash while rendering (or a full disk) leaves the previous
run's files untouched instead of a mix of two runs. Staging directories and temporary files
left by a killed process are removed the next time the directory is written.
"""

from __future__ import annotations

import errno
import os
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from benchmark.core.errors import InputError

REPORT_FORMATS = ("json", "csv", "md", "html", "pdf", "latex")
"""Every report a run can write (pdf: headless Chromium prints the HTML; latex: report.tex, the
leaderboard as a booktabs table)."""
DEFAULT_FORMATS = ("json", "csv", "md", "html")
"""What a run writes unless told otherwise."""

STAGING_PREFIX = ".sumbench-staging-"
# temporary files of benchmark.core.atomic: ".{name}.{random}.tmp"
_TMP_SUFFIX = ".tmp"
_OWN_TEMPORARIES = (".results.json.", ".scores.csv.", ".report.", ".documents.")


def _nearest_existing(path: Path) -> Path:
    current = path
    while not current.exists() and current != current.parent:
        current = current.parent
    return current


def _writable_dir(directory: Path) -> str | None:
    """None when a file can be created in ``directory``; else why not."""
    try:
        fd, probe = tempfile.mkstemp(prefix=".sumbench-probe-", dir=directory)
    except OSError as exc:
        return exc.strerror or str(exc)
    os.close(fd)
    os.unlink(probe)
    return None


def check_output_dir(path: str | Path, what: str = "output directory") -> Path:
    """Fail early (InputError, exit 2) when ``path`` cannot be a writable directory."""
    target = Path(path)
    if target.exists() and not target.is_dir():
        kind = _kind(target)
        raise InputError(f"{what} {target} is {kind}, not a directory; give a directory with --output")
    anchor = _nearest_existing(target)
    if not anchor.is_dir():
        raise InputError(f"{what} {target}: {anchor} is not a directory")
    reason = _writable_dir(anchor)
    if reason is not None:
        raise InputError(f"{what} {target} is not writable ({anchor}: {reason})")
    return target


def _kind(path: Path) -> str:
    """What a non-directory path is, in words: ``a file``, ``a device``, ``a pipe``, ``a socket``."""
    mode = path.stat().st_mode
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISFIFO(mode):
        return "a pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a file"


def check_output_file(path: str | Path, what: str = "output file") -> Path:
    """Fail early (InputError, exit 2) when ``path`` cannot be written as a regular file."""
    target = Path(path)
    if target.is_dir():
        raise InputError(f"{what} {target} is a directory; give a file name")
    if target.exists() and not target.is_file():
        raise InputError(f"{what} {target} is not a regular file")
    anchor = _nearest_existing(target.parent)
    if not anchor.is_dir():
        raise InputError(f"{what} {target}: {anchor} is not a directory")
    reason = _writable_dir(anchor)
    if reason is not None:
        raise InputError(f"{what} {target} is not writable ({anchor}: {reason})")
    return target


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clean_stale(directory: str | Path) -> list[Path]:
    """Remove staging directories of dead processes and leftover atomic-write temporaries."""
    folder = Path(directory)
    removed: list[Path] = []
    if not folder.is_dir():
        return removed
    for entry in folder.iterdir():
        name = entry.name
        if name.startswith(STAGING_PREFIX) and entry.is_dir():
            pid_text = name[len(STAGING_PREFIX) :].split("-", 1)[0]
            if pid_text.isdigit() and _pid_alive(int(pid_text)) and int(pid_text) != os.getpid():
                continue
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry)
        elif name.startswith(_OWN_TEMPORARIES) and name.endswith(_TMP_SUFFIX) and entry.is_file():
            entry.unlink(missing_ok=True)
            removed.append(entry)
    return removed


def _describe_os_error(exc: OSError, directory: Path) -> str:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        full = "disk full" if exc.errno == errno.ENOSPC else "disk quota exceeded"
        return f"{full} while writing the reports to {directory}; nothing was replaced"
    if exc.errno == errno.EFBIG:
        return (
            f"a report grew past the file-size limit (ulimit -f) while writing to {directory}; "
            "nothing was replaced"
        )
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return f"cannot write the reports to {directory}: {exc.strerror}"
    return f"cannot write the reports to {directory}: {exc}"


@contextmanager
def staged(directory: str | Path) -> Iterator[Path]:
    """A staging directory whose files replace those in ``directory`` when the block succeeds.

    Any OSError while staging or moving becomes an InputError (exit 2) that says what
    happened; the staging directory is always removed.
    """
    target = check_output_dir(directory)
    try:
        target.mkdir(parents=True, exist_ok=True)
        clean_stale(target)
        stage = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{os.getpid()}-", dir=target))
    except OSError as exc:
        raise InputError(_describe_os_error(exc, target)) from None
    try:
        yield stage
        for item in sorted(stage.iterdir()):
            os.replace(item, target / item.name)
    except OSError as exc:
        raise InputError(_describe_os_error(exc, target)) from None
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def write_set(directory: str | Path, render: Callable[[Path], dict[str, Path]]) -> dict[str, Path]:
    """Run ``render(stage)`` and move what it wrote into ``directory``; paths returned as moved."""
    target = Path(directory)
    with staged(target) as stage:
        written = render(stage)
    return {kind: target / path.relative_to(stage) for kind, path in written.items()}

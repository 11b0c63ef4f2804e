"""Executors: where the pipeline's summarize and score batches run.

``local`` runs batches in this process, or, with ``workers > 1``, in a pool of worker
processes for components that declare ``parallel_safe = True`` (pure Python: lead,
TextRank, ROUGE). ``ray`` sends those batches to a Ray cluster as tasks. Components that
hold a model (``parallel_safe`` unset) always run in this process, where torch uses its own
threads, so a model is never loaded once per worker.

Every executor yields ``(index, result)`` as batches finish; the pipeline writes each
result to the cache at once and assembles the final tables in document order, so results
do not depend on the executor or the number of workers.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from types import TracebackType
from typing import Any, Protocol, TypeVar

from benchmark.errors import ConfigError
from benchmark.registry import FILE_PLUGIN_PREFIX

R = TypeVar("R")
Args = tuple[Any, ...]
EXECUTORS = ("local", "ray")


def parallel_safe(component: object) -> bool:
    """True when a component may be copied into worker processes (its ``parallel_safe``)."""
    return bool(getattr(component, "parallel_safe", False))


class Executor(Protocol):
    """Runs ``fn(*args)`` for many argument tuples; yields ``(index, result)`` as each ends."""

    name: str
    workers: int

    def imap(
        self, fn: Callable[..., R], arguments: Iterable[Args], *, parallel: bool
    ) -> Iterator[tuple[int, R]]:
        ...

    def close(self) -> None: ...

    def describe(self) -> dict[str, Any]: ...


class _Base:
    name = "base"

    def __init__(self, workers: int) -> None:
        self.workers = workers

    def __enter__(self) -> _Base:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """Release workers; nothing to do in this process."""

    def describe(self) -> dict[str, Any]:
        return {"name": self.name, "workers": self.workers}

    @staticmethod
    def _inline(fn: Callable[..., R], arguments: Iterable[Args]) -> Iterator[tuple[int, R]]:
        for index, args in enumerate(arguments):
            yield index, fn(*args)


class LocalExecutor(_Base):
    """This process, plus a process pool (created on first use) when ``workers > 1``."""

    name = "local"

    def __init__(self, workers: int = 1) -> None:
        super().__init__(workers)
        self._pool: ProcessPoolExecutor | None = None

    def _get_pool(self) -> ProcessPoolExecutor:
        if self._pool is None:
            # fork: workers see the plugins this process loaded from files
            method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
            self._pool = ProcessPoolExecutor(
                self.workers,
                mp_context=multiprocessing.get_context(method),
                initializer=exit_with_parent,
                initargs=(os.getpid(),),
            )
        return self._pool

    def imap(
        self, fn: Callable[..., R], arguments: Iterable[Args], *, parallel: bool
    ) -> Iterator[tuple[int, R]]:
        if not parallel or self.workers == 1:
            yield from self._inline(fn, arguments)
            return
        pool = self._get_pool()
        yield from bounded(lambda args: pool.submit(fn, *args), arguments, 2 * self.workers)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


def exit_with_parent(parent: int) -> None:
    """In a worker: die when the parent dies, even by SIGKILL (no orphaned pool workers).

    Linux delivers SIGKILL on the parent's death (``PR_SET_PDEATHSIG``); elsewhere, and as a
    fallback, a daemon thread polls the parent's pid once a second.
    """
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)

    def watch() -> None:
        while True:
            time.sleep(1.0)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="sumbench-parent-watch", daemon=True).start()


def bounded(
    submit: Callable[[Args], Future[R]], arguments: Iterable[Args], limit: int
) -> Iterator[tuple[int, R]]:
    """Keep at most ``limit`` futures in flight; yield results in completion order."""
    pending: dict[Future[R], int] = {}
    items = enumerate(arguments)
    try:
        for index, args in items:
            pending[submit(args)] = index
            if len(pending) >= limit:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    yield pending.pop(future), future.result()
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                yield pending.pop(future), future.result()
    finally:
        for future in pending:
            future.cancel()


class RayExecutor(_Base):
    """Ray tasks over batches: a cluster at ``address``, or a local instance with ``workers`` CPUs."""

    name = "ray"

    def __init__(self, workers: int = 1, address: str | None = None) -> None:
        super().__init__(workers)
        try:
            import ray
        except ImportError as exc:
            raise ConfigError("--executor ray needs Ray: pip install 'sumbench[ray]'") from exc
        self._ray = ray
        self.address = address
        self._started = False
        self._remote: dict[Callable[..., Any], Any] = {}
        if not ray.is_initialized():
            options: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False}
            if address:
                options["address"] = address
            else:
                options["num_cpus"] = workers
            try:
                ray.init(**options)
            except Exception as exc:
                where = f"at {address}" if address else "locally"
                raise ConfigError(f"cannot start or reach a Ray cluster {where}: {exc}") from exc
            self._started = True

    def imap(
        self, fn: Callable[..., R], arguments: Iterable[Args], *, parallel: bool
    ) -> Iterator[tuple[int, R]]:
        if not parallel:
            yield from self._inline(fn, arguments)
            return
        ray = self._ray
        remote = self._remote.get(fn)
        if remote is None:
            remote = self._remote[fn] = ray.remote(fn)
        limit = 2 * max(self.workers, int(ray.cluster_resources().get("CPU", 1)))
        pending: dict[Any, int] = {}
        try:
            for index, args in enumerate(arguments):
                _register_by_value(args)
                pending[remote.remote(*args)] = index
                if len(pending) >= limit:
                    yield from self._collect(pending)
            while pending:
                yield from self._collect(pending)
        finally:
            for ref in pending:
                ray.cancel(ref)

    def _collect(self, pending: dict[Any, int]) -> Iterator[tuple[int, Any]]:
        done, _ = self._ray.wait(list(pending), num_returns=1)
        for ref in done:
            yield pending.pop(ref), self._ray.get(ref)

    def close(self) -> None:
        if self._started:
            self._ray.shutdown()
            self._started = False

    def describe(self) -> dict[str, Any]:
        return {**super().describe(), "address": self.address or "local"}


def _register_by_value(args: Args) -> None:
    """Ship plugins loaded from files (not importable on Ray workers) by value."""
    from ray import cloudpickle  # the copy Ray serializes with

    for arg in args:
        name = type(arg).__module__
        if name.startswith(FILE_PLUGIN_PREFIX) and name in sys.modules:
            cloudpickle.register_pickle_by_value(sys.modules[name])


def make_executor(name: str, workers: int = 1, address: str | None = None) -> LocalExecutor | RayExecutor:
    """The executor named ``local`` or ``ray``."""
    if name == "local":
        if address:
            raise ConfigError("--ray-address needs --executor ray")
        return LocalExecutor(workers)
    if name == "ray":
        return RayExecutor(workers, address)
    raise ConfigError(f"unknown executor {name!r}; choose {' or '.join(EXECUTORS)}")

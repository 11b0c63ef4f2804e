"""Executors: where the pipeline's summarize and score batches run.

``local`` runs batches in this process, or, with ``workers > 1``, in a pool of worker
processes for components that declare ``parallel_safe = True`` (pure Python: lead,
TextRank, ROUGE). Components that hold a model (``parallel_safe`` unset) run in this
process there, where torch uses its own threads, so a model is never loaded once per
worker. ``ray`` sends pure-Python batches to a Ray cluster as tasks and model components'
batches to ``workers`` long-lived actors: each actor receives a component's options (never
a loaded model), builds it once, keeps it, and loads its model once.

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

from benchmark.components.registry import FILE_PLUGIN_PREFIX
from benchmark.core.errors import ConfigError
from benchmark.core.guard import guarded

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
                initializer=start_worker,
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


def start_worker(parent: int) -> None:
    """A pool worker's set-up: exit with the parent; one thread for compiled ROUGE (the pool
    already uses every core, so rouge-score-rs's own thread pool would only oversubscribe)."""
    os.environ.setdefault("RAYON_NUM_THREADS", "1")
    exit_with_parent(parent)


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

    def __init__(self, workers: int = 1, address: str | None = None, gpus_per_actor: float = 0.0) -> None:
        super().__init__(workers)
        self.gpus_per_actor = gpus_per_actor
        self._actors: list[Any] = []
        self._components: dict[bytes, Any] = {}  # pickled component -> its object ref
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
        """``parallel``: Ray tasks; otherwise the actor pool, with ``args[0]`` the component."""
        if not parallel:
            yield from self._on_actors(fn, arguments)
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

    def _actor_pool(self) -> list[Any]:
        if not self._actors:
            cls = self._ray.remote(num_cpus=1, num_gpus=self.gpus_per_actor)(ComponentActor)
            self._actors = [cls.remote() for _ in range(self.workers)]
        return self._actors

    def _component_ref(self, component: object) -> tuple[bytes, Any]:
        """A key for the component as it is now (options, idf, ...) and its object in the store."""
        import hashlib

        from ray import cloudpickle

        _register_by_value((component,))
        key = hashlib.sha256(cloudpickle.dumps(component)).digest()
        if key not in self._components:
            self._components[key] = self._ray.put(component)
        return key, self._components[key]

    def _on_actors(self, fn: Callable[..., R], arguments: Iterable[Args]) -> Iterator[tuple[int, R]]:
        """Each batch on the next free actor; one batch in flight per actor."""
        from ray.util import ActorPool

        keys: dict[int, tuple[bytes, Any]] = {}

        def submit(actor: Any, item: tuple[int, Args]) -> Any:
            index, args = item
            if id(args[0]) not in keys:
                keys[id(args[0])] = self._component_ref(args[0])
            key, ref = keys[id(args[0])]
            return actor.call.remote(index, fn, key, [ref], args[1:])  # a nested ref: fetched once

        pool = ActorPool(self._actor_pool())
        for item in enumerate(arguments):
            if not pool.has_free():
                yield pool.get_next_unordered()
            pool.submit(submit, item)
        while pool.has_next():
            yield pool.get_next_unordered()

    def on_actors(self, fn: Callable[[], R]) -> list[R]:
        """``fn()`` once on every actor (started if needed): what each one holds or has loaded."""
        return list(self._ray.get([actor.run.remote(fn) for actor in self._actor_pool()]))

    def close(self) -> None:
        for actor in self._actors:
            self._ray.kill(actor)
        self._actors, self._components = [], {}
        if self._started:
            self._ray.shutdown()
            self._started = False

    def describe(self) -> dict[str, Any]:
        return {**super().describe(), "address": self.address or "local"}


class ComponentActor:
    """A Ray actor for model components: builds each component once from its pickled options,
    keeps it (so its model loads once per actor), and runs batches through it."""

    def __init__(self) -> None:
        self.components: dict[bytes, Any] = {}
        self.built = 0

    def call(
        self, index: int, fn: Callable[..., R], key: bytes, holder: list[Any], rest: Args
    ) -> tuple[int, R]:
        component = self.components.get(key)
        if component is None:
            import ray

            with guarded("a component", "while loading on a Ray actor"):  # a plugin's import runs here
                component = self.components[key] = ray.get(holder[0])
            self.built += 1
        return index, fn(component, *rest)  # fn guards its own calls into the component

    def run(self, fn: Callable[[], R]) -> R:
        return fn()


def _register_by_value(args: Args) -> None:
    """Ship plugins loaded from files (not importable on Ray workers) by value."""
    from ray import cloudpickle  # the copy Ray serializes with

    for arg in args:
        name = type(arg).__module__
        if name.startswith(FILE_PLUGIN_PREFIX) and name in sys.modules:
            cloudpickle.register_pickle_by_value(sys.modules[name])


def make_executor(
    name: str, workers: int = 1, address: str | None = None, gpus_per_actor: float = 0.0
) -> LocalExecutor | RayExecutor:
    """The executor named ``local`` or ``ray``."""
    if name == "local":
        if address:
            raise ConfigError("--ray-address needs --executor ray")
        return LocalExecutor(workers)
    if name == "ray":
        return RayExecutor(workers, address, gpus_per_actor)
    raise ConfigError(f"unknown executor {name!r}; choose {' or '.join(EXECUTORS)}")

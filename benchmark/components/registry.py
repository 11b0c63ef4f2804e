"""A generic lazy registry: named component classes from built-ins, entry points and plugins.

It knows nothing of what it registers (``benchmark.components.build`` makes the summarizer,
metric and judge registries). Entries are lazy ``module:attr`` placeholders, so listing components
never imports torch.
"""

from __future__ import annotations

import difflib
import importlib
import importlib.util
import inspect
import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any, Generic, TypeVar

from benchmark.core.errors import ConfigError
from benchmark.core.guard import ComponentExit, guarded
from benchmark.core.hashing import sha256_text

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Entry:
    """A registered component: a lazy target or a loaded class, and where it came from."""

    name: str
    target: str | type
    origin: str

    def load(self) -> type:
        if isinstance(self.target, type):
            return self.target
        module_name, _, attr = self.target.partition(":")
        try:
            with guarded(f"{self.name!r} ({self.origin}, {self.target})", "at import"):
                obj: Any = importlib.import_module(module_name)
                for part in attr.split("."):
                    obj = getattr(obj, part)
        except (ImportError, AttributeError) as exc:
            raise ConfigError(f"cannot load {self.name!r} from {self.target} ({self.origin}): {exc}") from exc
        if not isinstance(obj, type):
            raise ConfigError(f"{self.target} ({self.origin}) is not a class")
        return obj


class Registry(Generic[T]):
    """Named component classes of one kind (``summarizer``, ``metric`` or ``judge``)."""

    def __init__(self, kind: str, group: str, builtins: dict[str, str], is_component: Callable[[type], bool]):
        self.kind = kind
        self.group = group
        self._builtins = builtins
        self._is_component = is_component
        self._entries: dict[str, Entry] | None = None

    def _discover(self) -> dict[str, Entry]:
        if self._entries is None:
            entries = {name: Entry(name, target, "built-in") for name, target in self._builtins.items()}
            for ep in entry_points(group=self.group):
                dist = ep.dist.name if ep.dist is not None else "unknown"
                if ep.name in entries:
                    if entries[ep.name].target != ep.value:
                        entries[ep.name] = Entry(
                            ep.name,
                            entries[ep.name].target,
                            entries[ep.name].origin + f"; also claimed by {dist} ({ep.value}), ignored",
                        )
                    continue
                entries[ep.name] = Entry(ep.name, ep.value, f"entry point from {dist}")
            self._entries = entries
        return self._entries

    def register(self, cls: type, origin: str, name: str | None = None) -> None:
        """Register a class; a name already taken by another class is an error."""
        entries = self._discover()
        key = name or getattr(cls, "name", None)
        if not isinstance(key, str) or not key:
            raise ConfigError(f"{self.kind} class {cls.__qualname__} ({origin}) has no 'name' attribute")
        existing = entries.get(key)
        if existing is not None and existing.target is not cls:
            raise ConfigError(
                f"{self.kind} name {key!r} from {origin} is already registered ({existing.origin})"
            )
        entries[key] = Entry(key, cls, origin)

    def reset(self) -> None:
        """Forget every plugin registered in this process; built-ins and entry points are
        found again on next use (a host that runs several commands in one process)."""
        self._entries = None

    def names(self) -> list[str]:
        return sorted(self._discover())

    def entries(self) -> Iterator[Entry]:
        for name in self.names():
            yield self._discover()[name]

    def get(self, name: str) -> type:
        """The class registered under ``name``; unknown names get a did-you-mean hint."""
        entries = self._discover()
        if name not in entries:
            close = difflib.get_close_matches(name, list(entries), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            known = ", ".join(sorted(entries))
            raise ConfigError(f"unknown {self.kind} {name!r}{hint} (known: {known})")
        return entries[name].load()

    def load_plugin(self, ref: str) -> list[str]:
        """Register components from ``path/file.py`` or ``module[:attr]``; returns their names."""
        if ref.endswith(".py") or Path(ref).is_file():
            module = _import_file(Path(ref))
            origin = f"plugin file {ref}"
            attr = None
        else:
            module_name, _, attr = ref.partition(":")
            if os.getcwd() not in sys.path and "" not in sys.path:
                sys.path.insert(0, os.getcwd())  # as `python -m` does: a module beside you imports
            try:
                with guarded(f"plugin module {module_name!r}", "at import"):
                    module = importlib.import_module(module_name)
            except ImportError as exc:
                raise ConfigError(f"cannot import plugin module {module_name!r}: {exc}") from exc
            origin = f"plugin {ref}"
        if attr:
            obj = getattr(module, attr, None)
            if not isinstance(obj, type):
                raise ConfigError(f"plugin {ref!r}: {attr!r} is not a class in {module.__name__}")
            candidates = [obj]
        else:
            candidates = [
                obj
                for _, obj in inspect.getmembers(module, inspect.isclass)
                if obj.__module__ == module.__name__ and self._is_component(obj)
            ]
        added = []
        for cls in candidates:
            if not self._is_component(cls):
                continue
            self.register(cls, origin)
            added.append(cls.name)  # type: ignore[attr-defined]
        return added


FILE_PLUGIN_PREFIX = "sumbench_plugin_"


def _import_file(path: Path) -> Any:
    if not path.is_file():
        raise ConfigError(f"plugin file not found: {path}")
    # a stable name (not hash(), which differs per process): it is part of fingerprints
    module_name = f"{FILE_PLUGIN_PREFIX}{path.stem}_{sha256_text(str(path.resolve()))[:12]}"
    if module_name in sys.modules:
        return sys.modules[module_name]
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise ConfigError(f"cannot import plugin file {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        with guarded(f"plugin file {path}", "at import"):
            spec.loader.exec_module(module)
    except Exception as exc:
        del sys.modules[module_name]
        if isinstance(exc, ComponentExit):
            raise
        raise ConfigError(f"plugin file {path} failed to import: {exc}") from exc
    return module

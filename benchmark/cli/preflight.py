"""Checks a run passes before any work: outputs writable, formats known, cache usable."""

from __future__ import annotations

from pathlib import Path

from benchmark.pipeline.config import RunConfig


def preflight_run(cfg: RunConfig) -> None:
    """Raise InputError/ConfigError (exit 2) now for what would otherwise fail after the run."""
    from benchmark.cli.console import err_console
    from benchmark.components.build import load_plugins
    from benchmark.core.outputs import check_output_dir
    from benchmark.core.safe_text import printable
    from benchmark.pipeline.cache import Cache, default_cache_path
    from benchmark.reports import check_formats

    check_formats(cfg.formats)
    for plugin, names in load_plugins(cfg.plugins):
        err_console.print(
            printable(f"loaded plugin {plugin}: {', '.join(names)}"), markup=False, highlight=False
        )
    check_output_dir(Path(cfg.output) if cfg.output else Path("reports"))
    if cfg.use_cache:
        with Cache(cfg.cache or default_cache_path()):
            pass

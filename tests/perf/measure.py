"""Helpers for the benchmarks: describe the machine, time a CLI run with its peak memory."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import threading
import time
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import psutil

ROOT = Path(__file__).resolve().parents[2]
OUT = Path(os.environ.get("SUMBENCH_PERF_OUT") or ROOT / "reports" / "perf" / "latest")  # ignored by git
LIBRARIES = ("rouge-score", "nltk", "blingfire", "numpy", "torch", "transformers", "bert-score", "ray")


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine() -> dict[str, Any]:
    """CPU model, cores, memory, OS, Python and library versions, and the load when measured."""
    libs = {}
    for name in LIBRARIES:
        try:
            libs[name] = version(name)
        except PackageNotFoundError:
            continue
    return {
        "cpu": cpu_model(),
        "logical_cores": os.cpu_count(),
        "usable_cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "libraries": libs,
        "load_average_1m_at_start": round(os.getloadavg()[0], 2),
    }


def _tree_rss(proc: psutil.Process) -> int:
    total = 0
    for p in [proc, *proc.children(recursive=True)]:
        try:
            total += p.memory_info().rss
        except psutil.Error:
            continue
    return total


def measure_cli(
    args: list[str], env: dict[str, str] | None = None, python: tuple[str, ...] = ("-m", "benchmark")
) -> dict[str, Any]:
    """Run ``python -m benchmark ARGS`` (or ``python PYTHON ARGS``): wall time, CPU time (user +
    system of the process and the children it waited for), peak RSS of the process tree and
    of the main process."""
    full_env = {**os.environ, "HF_HUB_OFFLINE": "1", **(env or {})}
    start = time.perf_counter()
    popen = subprocess.Popen([sys.executable, *python, *args], cwd=ROOT, env=full_env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peak = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        proc = psutil.Process(popen.pid)
        while not stop.is_set():
            try:
                peak = max(peak, _tree_rss(proc))
            except psutil.Error:
                return
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stderr = popen.stderr.read() if popen.stderr else ""
    _, status, usage = os.wait4(popen.pid, 0)
    wall = time.perf_counter() - start
    stop.set()
    sampler.join()
    popen.returncode = os.waitstatus_to_exitcode(status)
    if popen.returncode != 0:
        raise RuntimeError(f"sumbench {' '.join(args)} failed ({popen.returncode}):\n{stderr[-3000:]}")
    return {
        "wall_s": round(wall, 2),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
        "peak_rss_tree_mib": round(peak / 2**20, 1),
        "peak_rss_main_mib": round(usage.ru_maxrss / 1024, 1),
    }


def write_json(name: str, payload: dict[str, Any]) -> Path:
    """Write one benchmark's JSON to the perf folder (``$SUMBENCH_PERF_OUT``, default
    ``reports/perf/latest/``, ignored by git) and rewrite the README there from it."""
    from render import write

    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / name
    path.write_text(json.dumps(payload, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    write()
    return path

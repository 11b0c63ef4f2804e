"""The user's path, timed on a clean clone: the README's two commands as a newcomer runs them.

    python3 tests/perf/user_path.py                 # the first command, then 5 cached reruns
    python3 tests/perf/user_path.py --tests         # and then `bash scripts/test.sh` in that clone
    python3 tests/perf/user_path.py --out FILE --keep

It clones this repository into a temporary directory (with ``shared`` beside it when this
checkout has one), empties every cache the commands use (pip's and uv's disabled, sumbench's,
the converted model's, matplotlib's and Hugging Face's under the temporary directory), then
times ``bash scripts/setup.sh`` and ``.venv/bin/sumbench run``, reads the run's own timings
from its results.json (each summarizer, each metric), times the model preparation again on
its own (the GGUF conversion into an empty model cache, then loading the converted copy),
and reruns the default run from the warm cache. The breakdown goes to a JSON file outside the
tracked tree (default ``reports/local/user_path.json``; ``reports/*`` is ignored by git), with
the load average before and after each step: the machine may be shared.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
REPORTS = ("results.json", "scores.csv", "report.md", "report.html")
CONVERT = (
    "import time; t = time.perf_counter()\n"
    "from benchmark.models.weights import dequantised_dir, resolve_model\n"
    "path = dequantised_dir(resolve_model('smollm2')); print(round(time.perf_counter() - t, 3))\n"
)
LOAD = (
    "import time; t = time.perf_counter()\n"
    "from benchmark.models.generators import load_generator\n"
    "from benchmark.summarizers.transformer import Transformer\n"
    "load_generator(Transformer()._load_key); print(round(time.perf_counter() - t, 3))\n"
)


def load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def timed(cmd: list[str], cwd: Path, env: dict[str, str], log: Path) -> dict[str, Any]:
    """Run ``cmd``, its output appended to ``log``; wall seconds, exit code and load averages."""
    before, cpu_before = load(), resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    with log.open("a", encoding="utf-8") as out:
        out.write(f"\n$ {' '.join(cmd)}\n")
        out.flush()
        proc = subprocess.run(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, check=False)
    wall = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = usage.ru_utime + usage.ru_stime - cpu_before.ru_utime - cpu_before.ru_stime
    # CPU seconds of the command and its children: on a shared machine, wall time says how busy it
    # was as much as how long the work takes; CPU time / cores is what a quiet machine would need
    return {"cmd": " ".join(cmd), "wall_s": round(wall, 2), "cpu_s": round(cpu, 2), "rc": proc.returncode,
            "load_before": before, "load_after": load()}  # fmt: skip


def newest_run(clone: Path, after: float) -> Path:
    runs = [p for p in (clone / "reports").iterdir() if p.is_dir() and p.stat().st_mtime >= after]
    if not runs:
        raise SystemExit("no run directory written under reports/")
    return max(runs, key=lambda p: p.stat().st_mtime)


def fresh_env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SUMBENCH_", "PYTHON", "VIRTUAL_ENV"))}
    env.update(
        PIP_NO_CACHE_DIR="1",
        UV_NO_CACHE="1",
        XDG_CACHE_HOME=str(tmp / "cache"),
        MPLCONFIGDIR=str(tmp / "mpl"),
        HF_HOME=str(tmp / "hf"),
    )
    return env


def python_seconds(clone: Path, code: str, env: dict[str, str], log: Path) -> float | None:
    step = timed([str(clone / ".venv" / "bin" / "python"), "-c", code], clone, env, log)
    text = log.read_text(encoding="utf-8").strip().splitlines()
    return float(text[-1]) if step["rc"] == 0 and re.fullmatch(r"[0-9.]+", text[-1]) else None


def pytest_seconds(log: Path) -> list[float]:
    """The seconds of each pytest session in a log (its closing line)."""
    found = re.findall(r"=+ .*? in ([0-9.]+)s(?: \([0-9:]+\))? =+", log.read_text(encoding="utf-8"))
    return [float(x) for x in found]


def measure(args: argparse.Namespace) -> dict[str, Any]:
    tmp = Path(tempfile.mkdtemp(prefix="sumbench-fresh-"))
    clone, log = tmp / "sumbench", tmp / "log.txt"
    result: dict[str, Any] = {"cores": len(os.sched_getaffinity(0)), "started": time.strftime("%F %T"),
                              "repo": str(args.repo), "log": str(log)}  # fmt: skip
    try:
        subprocess.run(["git", "clone", "--quiet", str(args.repo), str(clone)], check=True)
        result["commit"] = subprocess.run(["git", "rev-parse", "HEAD"], cwd=clone, capture_output=True,
                                          text=True, check=True).stdout.strip()  # fmt: skip
        shared = Path(args.repo).resolve().parent / "shared"
        if shared.is_dir():
            (tmp / "shared").symlink_to(shared)
        env = fresh_env(tmp)
        setup = timed(["bash", "scripts/setup.sh"], clone, env, log)
        result["setup"] = setup
        if setup["rc"] != 0:
            return result
        started = time.time()
        run = timed([".venv/bin/sumbench", "run"], clone, env, log)
        result["run"] = run
        result["first_command_wall_s"] = round(setup["wall_s"] + run["wall_s"], 2)
        if run["rc"] != 0:
            return result
        out = newest_run(clone, started)
        timings = json.loads((out / "results.json").read_text(encoding="utf-8"))["metadata"]["timings"]
        result["run_timings_s"] = timings
        # start-up, plan (fingerprints) and the reports: the run's wall time outside its own timings
        result["run_outside_timings_s"] = round(run["wall_s"] - timings["total"], 2)
        models = tmp / "models-again"
        result["model_preparation_s"] = {
            "convert_gguf": python_seconds(clone, CONVERT, {**env, "SUMBENCH_MODEL_CACHE": str(models)}, log),
            "load_converted": python_seconds(clone, LOAD, {**env, "SUMBENCH_MODEL_CACHE": str(models)}, log),
        }
        reruns = []
        for _ in range(args.reruns):
            started = time.time()
            step = timed([".venv/bin/sumbench", "run"], clone, env, log)
            written = newest_run(clone, started)
            step["reports"] = sorted(p.name for p in written.iterdir())
            step["every_report"] = all((written / name).is_file() for name in REPORTS)
            reruns.append(step)
        result["cached_reruns"] = reruns
        if reruns:
            result["cached_rerun_median_s"] = statistics.median(r["wall_s"] for r in reruns)
        if args.tests:
            mark = len(pytest_seconds(log))
            tests = timed(["bash", "scripts/test.sh"], clone, env, log)
            tests["pytest_s"] = pytest_seconds(log)[mark:]
            result["test_command"] = tests
    finally:
        result["finished"] = time.strftime("%F %T")
        if args.keep:
            result["kept"] = str(tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repo", type=Path, default=ROOT, help="the repository to clone (this one)")
    parser.add_argument("--out", type=Path, default=ROOT / "reports" / "local" / "user_path.json")
    parser.add_argument("--reruns", type=int, default=5, help="cached reruns of the default run")
    parser.add_argument("--tests", action="store_true", help="also time `bash scripts/test.sh`")
    parser.add_argument("--keep", action="store_true", help="keep the temporary clone and its log")
    args = parser.parse_args()
    result = measure(args)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))
    failed = [k for k in ("setup", "run", "test_command") if result.get(k, {}).get("rc", 0) != 0]
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()

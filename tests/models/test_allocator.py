"""The allocator setting BERTScore applies: freed activation-sized blocks are reused, not refaulted."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

GLIBC = sys.platform.startswith("linux") and "glibc" in " ".join(__import__("platform").libc_ver())

PROGRAM = textwrap.dedent(
    """
    import resource, sys
    import numpy as np
    if sys.argv[1] == "tuned":
        from benchmark.models.allocator import keep_freed_memory
        assert keep_freed_memory()

    def forward():  # three live 12 MiB buffers, then all freed, as one encoder layer's activations
        buffers = [np.ones(12 * 2**20 // 8) for _ in range(3)]
        del buffers

    forward()
    start = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(20):
        forward()
    print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - start)
    """
)


def page_faults(mode: str) -> int:
    out = subprocess.run([sys.executable, "-c", PROGRAM, mode], capture_output=True, text=True, check=True)
    return int(out.stdout.strip())


@pytest.mark.skipif(not GLIBC, reason="the thresholds are glibc's (mallopt)")
def test_freed_buffers_are_reused_without_new_page_faults() -> None:
    default, tuned = page_faults("default"), page_faults("tuned")
    assert default > 10_000  # glibc gives part of the freed 36 MiB back each time and faults it in again
    assert tuned < default / 20


def test_setting_is_applied_once_and_reports_whether_it_took() -> None:
    program = (
        "from benchmark.models.allocator import keep_freed_memory as k\n"
        "print(k() is k(), k(), k.cache_info().misses)"
    )
    out = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", str(GLIBC), "1"]  # in a child: pytest's own allocator stays as is

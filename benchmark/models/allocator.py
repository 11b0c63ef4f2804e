"""glibc allocator settings for tensor work on the CPU: keep freed activation buffers for reuse.

glibc returns large freed blocks to the kernel (``munmap``, or trimming the heap's top),
so an encoder whose activations take a few MiB per layer asks the kernel for fresh,
zero-filled pages on every forward: several seconds of system time in a BERTScore run of
a minute. Raising the mmap threshold to its largest value and the trim threshold well above
it keeps those blocks in the heap, the remedy PyTorch's CPU performance guide gives
(``MALLOC_*`` settings or another allocator). The cost is memory: blocks freed stay with the
process (in each thread's arena) until it exits; a 10,000-document BERTScore run peaked at
2.6 GiB instead of 2.0 (docs/metrics.md). The setting is process-wide and applied once, when
an encoder is first loaded.
"""

from __future__ import annotations

import ctypes
import sys
from functools import lru_cache

M_TRIM_THRESHOLD = -1  # <malloc.h>
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 256 * 2**20  # above an encoder batch's largest activation (attention scores)
MMAP_THRESHOLD_OLD_GLIBC = 32 * 2**20  # the most some older glibc accept (HEAP_MAX_SIZE / 2)
TRIM_THRESHOLD = 1024 * 2**20


@lru_cache(maxsize=1)
def keep_freed_memory() -> bool:
    """Set the thresholds once per process; True where glibc took them (Linux with glibc)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL("libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # musl or another libc: leave its allocator alone
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    mmap = mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD) or mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_OLD_GLIBC)
    return bool(mmap) and bool(mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD))

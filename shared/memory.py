"""Freed memory kept in the process for the next request, instead of handed back to the kernel.

glibc's malloc serves large blocks (from 128 KiB, a threshold it then moves with what is freed) with
mmap, and trims the top of its heap once enough is free there. Whether a request's one-megabyte
buffers (the body as received, the photo, their copies) come back as fresh memory then depends on
how the heap happens to lie: measured in a gunicorn worker of intake, from run to run, either 4 or
about 700 page faults per submission with a 1 MB photo, the latter costing 2 ms more CPU (10.2
against 8.2 ms): page faults are costly in a virtual machine. With the thresholds raised, freed
blocks stay for reuse and it is the former every time. Media's worker, decoding a photo into
megabytes of pixels and scaling it, took 6,874 page faults and 106-112 ms of CPU per 1 MB photo;
with them raised, none and 91 ms. So every gunicorn and every `top100 worker` process sets them.

The price is that a process keeps up to `RETAINED_BYTES` of freed memory mapped for reuse.

Why a call rather than glibc's tunables (`GLIBC_TUNABLES=glibc.malloc.mmap_threshold=...:
glibc.malloc.trim_threshold=...`), which do the same (measured in a gunicorn worker started with
`deploy/gunicorn.conf.py`: 948 page faults a request with neither, 2 with this call, 2 with the
tunables): a tunable is read only when a process starts, so it would have to be set wherever one is
started (the image, the runner, each benchmark's processes, a worker an operator starts by hand),
and a place that forgot it would lose the setting without a word. The call sits in the two entry
points every web and event worker passes through, however it was started.
"""

from __future__ import annotations

import ctypes

#: mallopt parameters (glibc's malloc.h).
M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
#: glibc's largest mmap threshold on 64-bit systems (DEFAULT_MMAP_THRESHOLD_MAX): above the largest
#: request body any service accepts.
RETAINED_BYTES = 32 * 1024 * 1024


def retain_freed_memory(limit: int = RETAINED_BYTES) -> bool:
    """Raise glibc's mmap and trim thresholds to `limit` bytes for this process (and what it forks).

    Returns False where that cannot be done (another C library), which changes nothing else.
    """
    return _mallopt((M_MMAP_THRESHOLD, limit), (M_TRIM_THRESHOLD, limit))


def _mallopt(*settings: tuple[int, int]) -> bool:
    """glibc's `mallopt` for each (parameter, value); False where there is none or one is refused."""
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    return all([bool(mallopt(parameter, value)) for parameter, value in settings])


#: mallopt's M_ARENA_MAX (glibc's malloc.h).
M_ARENA_MAX = -8
#: Arenas per process for media's workers: libvips' threads would otherwise each get an arena of
#: their own (8 per core), whose freed memory stays mapped and inflates the worker's resident set.
MEDIA_ARENAS = 2


def limit_arenas(arenas: int = MEDIA_ARENAS) -> bool:
    """What `MALLOC_ARENA_MAX` does, set from inside the process (before its threads start), so a
    worker started by hand, by the runner or by Kubernetes gets it alike. False where it cannot."""
    return _mallopt((M_ARENA_MAX, arenas))

"""An ordered parallel map over worker processes with bounded work in flight.

Ingest analyses files in workers and writes them from the one process that holds the
database: results come back in submission order, and at most `in_flight` chunks are queued,
so memory stays flat however large the corpus is.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")


def usable_cores() -> int:
    """Cores this process may run on (the affinity mask, not just the machine's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def chunked(items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def ordered_map(
    fn: Callable[[list[T]], list[R]],
    chunks: Iterable[list[T]],
    *,
    workers: int,
    initializer: Callable[..., object] | None = None,
    initargs: tuple[Any, ...] = (),
    in_flight: int | None = None,
) -> Iterator[R]:
    """`fn` over each chunk in `workers` processes; yields results in order.

    Workers are spawned, not forked: ingest may run inside a threaded app, where forking
    can copy a lock some other thread holds. `fn` and `initializer` must be module-level.
    """
    if workers <= 1:
        if initializer is not None:
            initializer(*initargs)
        for chunk in chunks:
            yield from fn(chunk)
        return
    limit = in_flight or 3 * workers
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=initializer, initargs=initargs
    ) as pool:
        pending: deque[Future[list[R]]] = deque()
        try:
            for chunk in chunks:
                pending.append(pool.submit(fn, chunk))
                if len(pending) >= limit:
                    yield from pending.popleft().result()
            while pending:
                yield from pending.popleft().result()
        finally:
            for future in pending:
                future.cancel()

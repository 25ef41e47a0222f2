"""Worker processes for the work done on one page, each job under a time budget.

Extraction, normalisation (the seed's `ignore` patterns included), link and requisite
discovery are pure functions of a page, and a hostile page or pattern can make any of them run
for hours (catastrophic backtracking, a parser's worst case). A job that cannot be interrupted
can only be stopped with its process, so each worker is a process of its own, running one job
at a time: a job over budget raises PageTimeout, and its worker is killed and replaced while
the other workers go on (README: Safety). With no processes the jobs run inline, unbounded.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Callable, TypeVar

logger = logging.getLogger(__name__)

T = TypeVar("T")


class PageTimeout(Exception):
    """A job on one page ran over the budget; its worker process was replaced."""

    def __init__(self, budget: float) -> None:
        super().__init__(f"over the per-page budget of {budget:g} s")
        self.budget = budget


class _Worker:
    """One process (a single-worker executor), replaced whole when it must be stopped."""

    def __init__(self, context: Any) -> None:
        self._context = context
        self.executor = ProcessPoolExecutor(1, mp_context=context)

    def replace(self) -> None:
        """Kill the process, whatever it is doing, and start afresh on the next job."""
        # The executor offers no way to stop a running call: its process is the only handle.
        processes = list(getattr(self.executor, "_processes", {}).values())
        for process in processes:
            process.kill()
        self.executor.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.join(timeout=5)
        self.executor = ProcessPoolExecutor(1, mp_context=self._context)


class PageWorkers:
    """`processes` worker processes; `run` waits for an idle one and gives it `budget` seconds."""

    def __init__(self, processes: int, budget: float) -> None:
        self.processes = processes
        self.budget = budget
        # forkserver: never fork the reactor's threads and sockets into the workers.
        context = multiprocessing.get_context("forkserver")
        self._workers = [_Worker(context) for _ in range(processes)]
        self._idle: asyncio.Queue[_Worker] | None = None
        self.replaced = 0

    async def run(self, func: Callable[..., T], *args: Any) -> T:
        """`func(*args)` in a worker; PageTimeout when it runs over budget. `func` must be
        importable by name (it is sent to the worker by reference)."""
        if not self._workers:
            return func(*args)
        idle = self._idle_queue()
        worker = await idle.get()  # the budget starts when the job does, not while it waits
        try:
            future = asyncio.wrap_future(worker.executor.submit(func, *args))
            return await asyncio.wait_for(future, self.budget)
        except TimeoutError:
            logger.warning("%s ran over the per-page budget of %g s; its worker process is "
                           "replaced", getattr(func, "__name__", "a job"), self.budget)
            worker.replace()
            self.replaced += 1
            raise PageTimeout(self.budget) from None
        except BrokenProcessPool:  # the process died (killed, out of memory): start anew
            worker.replace()
            self.replaced += 1
            raise
        finally:
            idle.put_nowait(worker)

    def _idle_queue(self) -> asyncio.Queue[_Worker]:
        if self._idle is None:  # made in the running loop, on first use
            self._idle = asyncio.Queue()
            for worker in self._workers:
                self._idle.put_nowait(worker)
        return self._idle

    def close(self) -> None:
        """Stop every worker: idle ones end on their own, a stuck one is killed."""
        for worker in self._workers:
            processes = list(getattr(worker.executor, "_processes", {}).values())
            worker.executor.shutdown(wait=False, cancel_futures=True)
            for process in processes:
                process.join(timeout=5)
                if process.is_alive():
                    process.kill()
        self._workers = []

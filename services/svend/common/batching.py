"""Micro-batching: concurrent requests for the same model share one forward pass.

A request that finds the model idle starts its batch at once, in a worker thread, before its
caller's next await, so a quiet service adds no waiting and the caller's own work overlaps the
forward pass. Requests that arrive while a batch is running queue up and go together in the next
batch, so under load the batch grows with the queue. There is no fixed delay window, and nothing
polls. (Batching libraries that wait a few milliseconds per batch, or poll a queue on a timer,
cost latency at low load or CPU when idle.) The batch function runs in a worker thread, because
the model's runtime releases the GIL and the event loop keeps serving other RPCs meanwhile.
A batch may hand an item back (Requeue) instead of its result, to go on in the next batch with
the items that waited for it: how a long generation stops holding up the short ones.
"""

import asyncio
import contextvars
import functools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


@dataclass(frozen=True)
class Requeue(Generic[Item]):
    """What a batch returns for an item it set aside: `item` (the original or how to go on
    from where it stopped) runs in the next batch, ahead of the queue, and its caller waits on."""

    item: Item


class MicroBatcher(Generic[Item, Result]):
    """Runs `run_batch` over queued items, one batch at a time, up to `max_batch` items each."""

    def __init__(
        self,
        run_batch: Callable[[list[Item]], Sequence[Result | Requeue[Item]]],
        *,
        max_batch: int,
    ) -> None:
        if max_batch < 1:
            raise ValueError("max_batch must be at least 1")
        self.run_batch = run_batch
        self.max_batch = max_batch
        self.pending: list[tuple[Item, asyncio.Future[Result]]] = []
        self.worker: asyncio.Task[None] | None = None

    @property
    def idle(self) -> bool:
        """Nothing queued and no batch running."""
        return not self.pending and (self.worker is None or self.worker.done())

    def submit(self, item: Item) -> asyncio.Future[Result]:
        """The future result of one item, computed in whichever batch it lands in."""
        return self.submit_many([item])[0]

    def submit_many(self, items: Iterable[Item]) -> list[asyncio.Future[Result]]:
        """The future results of `items`, queued together so that they share a batch when they
        fit in one; an idle batcher starts that batch before returning."""
        loop = asyncio.get_running_loop()
        futures: list[asyncio.Future[Result]] = []
        for item in items:
            futures.append(loop.create_future())
            self.pending.append((item, futures[-1]))
        if self.worker is None or self.worker.done():
            self.worker = asyncio.create_task(self.drain(self.start_batch()))
        return futures

    def start_batch(self) -> tuple[list[asyncio.Future[Result]], asyncio.Future] | None:
        """Take the next batch of live items off the queue and start it in a worker thread (in
        the submitter's context, as asyncio.to_thread would); None when nothing is queued."""
        while self.pending:
            batch = self.pending[: self.max_batch]
            del self.pending[: self.max_batch]
            live = [(item, future) for item, future in batch if not future.cancelled()]
            if live:
                call = functools.partial(
                    contextvars.copy_context().run, self.run_batch, [item for item, _ in live]
                )
                work = asyncio.get_running_loop().run_in_executor(None, call)
                return [future for _, future in live], work
        return None

    async def drain(
        self, running: tuple[list[asyncio.Future[Result]], asyncio.Future] | None
    ) -> None:
        """Wait for the running batch, hand out its results, and run batches until nothing is
        queued."""
        while running is not None:
            futures, work = running
            try:
                results = await work
            except Exception as error:
                for future in futures:
                    if not future.done():
                        future.set_exception(error)
            else:
                requeued = []
                for future, result in zip(futures, results, strict=True):
                    if isinstance(result, Requeue):
                        requeued.append((result.item, future))
                    elif not future.done():
                        future.set_result(result)
                self.pending[:0] = requeued
            running = self.start_batch()

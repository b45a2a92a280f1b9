"""Micro-batching: concurrent requests for the same model share one forward pass.

A request that finds the model idle runs at once, alone, so a quiet service adds no waiting.
Requests that arrive while a batch is running queue up and go together in the next batch, so
under load the batch grows with the queue. There is no fixed delay window, and nothing polls.
(Batching libraries that wait a few milliseconds per batch, or poll a queue on a timer, cost
latency at low load or CPU when idle.) The batch function runs in a worker thread, because
torch releases the GIL and the event loop keeps serving other RPCs meanwhile.
"""

import asyncio
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


class MicroBatcher(Generic[Item, Result]):
    """Runs `run_batch` over queued items, one batch at a time, up to `max_batch` items each."""

    def __init__(
        self, run_batch: Callable[[list[Item]], Sequence[Result]], *, max_batch: int
    ) -> None:
        if max_batch < 1:
            raise ValueError("max_batch must be at least 1")
        self.run_batch = run_batch
        self.max_batch = max_batch
        self.pending: list[tuple[Item, asyncio.Future[Result]]] = []
        self.worker: asyncio.Task[None] | None = None

    async def submit(self, item: Item) -> Result:
        """The result for one item, computed in whichever batch it lands in."""
        future: asyncio.Future[Result] = asyncio.get_running_loop().create_future()
        self.pending.append((item, future))
        if self.worker is None or self.worker.done():
            self.worker = asyncio.create_task(self.drain())
        return await future

    async def drain(self) -> None:
        """Run batches until nothing is queued."""
        while self.pending:
            batch = self.pending[: self.max_batch]
            del self.pending[: self.max_batch]
            live = [(item, future) for item, future in batch if not future.cancelled()]
            if not live:
                continue
            try:
                results = await asyncio.to_thread(self.run_batch, [item for item, _ in live])
            except Exception as error:
                for _, future in live:
                    if not future.done():
                        future.set_exception(error)
                continue
            for (_, future), result in zip(live, results, strict=True):
                if not future.done():
                    future.set_result(result)

"""MicroBatcher: an idle batcher starts at once, queued items share the next batch, and a
failing batch fails only its own items."""

import asyncio
import threading

import pytest

from svend.common.batching import MicroBatcher, Requeue


class Recorder:
    """A batch function that records its batches and can be held inside a batch."""

    def __init__(self) -> None:
        self.batches: list[list[int]] = []
        self.started = threading.Event()
        self.release = threading.Event()
        self.release.set()

    def __call__(self, items: list[int]) -> list[int]:
        self.batches.append(items)
        self.started.set()
        self.release.wait(10)
        if -1 in items:
            raise ValueError("a batch with -1 in it")
        return [item * 10 for item in items]


def held_batcher(max_batch: int) -> tuple[Recorder, MicroBatcher[int, int], asyncio.Future[int]]:
    """A batcher whose first batch, of the item 1, is running and held until released."""
    recorder = Recorder()
    recorder.release.clear()
    batcher = MicroBatcher(recorder, max_batch=max_batch)
    running = batcher.submit(1)
    assert recorder.started.wait(5)
    return recorder, batcher, running


async def test_an_idle_batcher_starts_before_the_caller_awaits() -> None:
    recorder = Recorder()
    batcher = MicroBatcher(recorder, max_batch=4)
    future = batcher.submit(1)
    # The event loop has not run since submit: only a batch already started can set this.
    assert recorder.started.wait(5)
    assert await future == 10


async def test_items_queued_behind_a_running_batch_share_the_next_one() -> None:
    recorder, batcher, first = held_batcher(max_batch=3)
    queued = [batcher.submit(n) for n in (2, 3, 4, 5)]
    recorder.release.set()
    assert await asyncio.gather(first, *queued) == [10, 20, 30, 40, 50]
    assert recorder.batches == [[1], [2, 3, 4], [5]]


async def test_items_submitted_together_start_as_one_batch() -> None:
    recorder = Recorder()
    batcher = MicroBatcher(recorder, max_batch=8)
    assert await asyncio.gather(*batcher.submit_many([1, 2, 3])) == [10, 20, 30]
    assert recorder.batches == [[1, 2, 3]]


async def test_a_failing_batch_fails_its_own_items_only() -> None:
    recorder, batcher, running = held_batcher(max_batch=2)
    failing = batcher.submit_many([-1, 2])
    after = batcher.submit(3)
    recorder.release.set()
    assert await running == 10
    for future in failing:
        with pytest.raises(ValueError, match="-1"):
            await future
    assert await after == 30


async def test_a_cancelled_item_is_left_out_of_its_batch() -> None:
    recorder, batcher, running = held_batcher(max_batch=4)
    dropped, kept = batcher.submit_many([2, 3])
    dropped.cancel()
    recorder.release.set()
    assert await running == 10
    assert await kept == 30
    assert recorder.batches == [[1], [3]]


async def test_a_batcher_is_idle_only_with_nothing_queued_or_running() -> None:
    recorder, batcher, first = held_batcher(max_batch=1)
    second = batcher.submit(2)
    assert not batcher.idle
    recorder.release.set()
    assert await asyncio.gather(first, second) == [10, 20]
    await batcher.worker
    assert batcher.idle


async def test_an_item_handed_back_goes_first_in_the_next_batch_with_those_that_waited() -> None:
    batches: list[list[int]] = []
    started = threading.Event()
    release = threading.Event()

    def hand_back_odd_items_once(items: list[int]) -> list[int | Requeue[int]]:
        """Odd items under 100 are handed back as item + 100; the others finish as item * 10."""
        batches.append(items)
        started.set()
        release.wait(10)
        return [Requeue(item + 100) if item < 100 and item % 2 else item * 10 for item in items]

    batcher = MicroBatcher(hand_back_odd_items_once, max_batch=4)
    first = batcher.submit_many([1, 2])
    assert started.wait(5)
    waiting = [batcher.submit(n) for n in (4, 6)]
    release.set()
    assert await asyncio.gather(*first, *waiting) == [1010, 20, 40, 60]
    # 1 went on as 101, ahead of the items queued while its batch ran.
    assert batches == [[1, 2], [101, 4, 6]]

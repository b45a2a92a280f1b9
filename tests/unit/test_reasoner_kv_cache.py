"""GrowingCache holds what DynamicCache holds: the same keys and values after every update,
whether its buffers had room, had to grow, or were replaced by DynamicLayer's own methods."""

import torch
from transformers import DynamicCache

from svend.reasoner.kv_cache import GrowingCache, GrowingLayer


def states(batch: int, tokens: int, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    generator = torch.Generator().manual_seed(seed)
    return (
        torch.randn(batch, 3, tokens, 4, generator=generator),
        torch.randn(batch, 3, tokens, 4, generator=generator),
    )


def test_updates_equal_dynamic_cache_through_growth() -> None:
    grown, plain = GrowingCache(capacity=3), DynamicCache()
    for step, tokens in enumerate((5, 1, 1, 1, 7, 1)):
        keys, values = states(2, tokens, step)
        got = grown.update(keys, values, layer_idx=0)
        want = plain.update(keys, values, layer_idx=0)
        assert all(torch.equal(g, w) for g, w in zip(got, want, strict=True))
    assert grown.get_seq_length() == plain.get_seq_length() == 16
    # The buffer doubled past the last length it held, so the next steps write in place.
    assert isinstance(grown.layers[0], GrowingLayer)
    assert grown.layers[0].key_buffer.shape[-2] >= 16


def test_a_step_with_room_writes_in_place() -> None:
    cache = GrowingCache(capacity=64)
    cache.update(*states(1, 10, 0), layer_idx=0)
    buffer = cache.layers[0].key_buffer
    keys, _ = cache.update(*states(1, 1, 1), layer_idx=0)
    assert cache.layers[0].key_buffer is buffer
    assert keys.data_ptr() == buffer.data_ptr() and keys.shape[-2] == 11


def test_rows_start_from_one_prefix_copy() -> None:
    prefix = DynamicCache()
    prefix_keys, prefix_values = states(1, 6, 0)
    prefix.update(prefix_keys, prefix_values, layer_idx=0)
    cache = GrowingCache(prefix, rows=3, capacity=10)
    step_keys, step_values = states(3, 2, 1)
    keys, values = cache.update(step_keys, step_values, layer_idx=0)
    assert keys.shape == (3, 3, 8, 4)
    for row in range(3):
        assert torch.equal(keys[row, :, :6], prefix_keys[0])
        assert torch.equal(values[row, :, 6:], step_values[row])
    # The prefix's own cache is left as it was, for the next batch.
    assert prefix.get_seq_length() == 6


def test_dynamic_layer_methods_that_replace_the_keys_are_followed() -> None:
    grown, plain = GrowingCache(capacity=32), DynamicCache()
    for cache in (grown, plain):
        cache.update(*states(1, 4, 0), layer_idx=0)
        cache.batch_repeat_interleave(2)
        cache.crop(-1)
    got = grown.update(*states(2, 1, 1), layer_idx=0)
    want = plain.update(*states(2, 1, 1), layer_idx=0)
    assert all(torch.equal(g, w) for g, w in zip(got, want, strict=True))

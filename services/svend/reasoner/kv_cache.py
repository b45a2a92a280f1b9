"""A key-value cache that writes each step's keys and values in place instead of concatenating.

transformers' DynamicLayer appends a decoding step's keys and values with `torch.cat`, which
copies the whole cache of every layer at every step. With the ~1,000-token system prompt in
every row that copy grows with the batch: ten rows spent 58% of a decoding step in `cat`
(profiled on SmolLM2-135M, one CPU thread). GrowingLayer keeps its keys and values in buffers
with room to spare, writes new ones into the room and hands attention views of the filled part,
so a step copies only its own keys and values; a buffer that fills up is replaced by one twice
its size. This module imports torch and transformers, so the backend imports it lazily.
"""

import functools
from collections.abc import Sequence

import torch
from transformers import DynamicCache
from transformers.cache_utils import DynamicLayer


class GrowingLayer(DynamicLayer):
    """A DynamicLayer whose keys and values are views of larger buffers that new steps fill."""

    def __init__(self, capacity: int = 0) -> None:
        super().__init__()
        self.capacity = capacity
        self.key_buffer: torch.Tensor | None = None
        self.value_buffer: torch.Tensor | None = None

    @classmethod
    def holding(
        cls, key_buffer: torch.Tensor, value_buffer: torch.Tensor, length: int
    ) -> "GrowingLayer":
        """A layer whose first `length` tokens are already in the buffers."""
        layer = cls(key_buffer.shape[-2])
        layer.lazy_initialization(key_buffer, value_buffer)
        layer.key_buffer, layer.value_buffer = key_buffer, value_buffer
        layer.keys, layer.values = key_buffer[:, :, :length], value_buffer[:, :, :length]
        return layer

    def buffers(
        self, key_states: torch.Tensor, value_states: torch.Tensor, total: int
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Buffers that hold the current keys and values at their start and room for `total`
        tokens: the layer's own when they still back its keys, else new ones.

        DynamicLayer's own methods (crop, batch_repeat_interleave, batch_select_indices) replace
        `self.keys` with new tensors; the old buffers then no longer back them."""
        key_buffer, value_buffer = self.key_buffer, self.value_buffer
        if (
            key_buffer is not None
            and value_buffer is not None
            and key_buffer.shape[:2] == key_states.shape[:2]
            and key_buffer.shape[-2] >= total
            and (self.keys.numel() == 0 or self.keys.data_ptr() == key_buffer.data_ptr())
        ):
            return key_buffer, value_buffer
        length = self.get_seq_length()
        capacity = max(total, self.capacity, 2 * length)
        batch, heads, _, key_dim = key_states.shape
        key_buffer = key_states.new_empty((batch, heads, capacity, key_dim))
        value_buffer = value_states.new_empty((batch, heads, capacity, value_states.shape[-1]))
        if length:
            key_buffer[:, :, :length] = self.keys
            value_buffer[:, :, :length] = self.values
        self.key_buffer, self.value_buffer = key_buffer, value_buffer
        return key_buffer, value_buffer

    def update(
        self, key_states: torch.Tensor, value_states: torch.Tensor, *args: object, **kwargs: object
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Write the new states after the cached ones; the filled part as (keys, values)."""
        if not self.is_initialized:
            self.lazy_initialization(key_states, value_states)
        length = self.get_seq_length()
        total = length + key_states.shape[-2]
        key_buffer, value_buffer = self.buffers(key_states, value_states, total)
        key_buffer[:, :, length:total] = key_states
        value_buffer[:, :, length:total] = value_states
        self.keys = key_buffer[:, :, :total]
        self.values = value_buffer[:, :, :total]
        return self.keys, self.values


class GrowingCache(DynamicCache):
    """A DynamicCache of GrowingLayers, optionally starting from a cached prompt prefix."""

    def __init__(
        self, prefix: DynamicCache | None = None, *, rows: int = 1, capacity: int = 0
    ) -> None:
        """`prefix`: a one-row cache whose keys and values every one of `rows` rows starts with
        (copied once, straight into the buffers); `capacity`: the tokens a row will likely
        reach, so the buffers need not grow."""
        super().__init__()
        self.layer_class_to_replicate = functools.partial(GrowingLayer, capacity)
        for source in prefix.layers if prefix is not None else ():
            layer = GrowingLayer(capacity)
            keys = source.keys.expand(rows, -1, -1, -1)
            values = source.values.expand(rows, -1, -1, -1)
            layer.update(keys, values)
            self.layers.append(layer)


def prefill_rows(
    model: torch.nn.Module,
    prefix: DynamicCache | None,
    ids: list[list[int]],
    *,
    shared: int,
    capacity: int,
    computed: Sequence[DynamicCache | None] = (),
) -> GrowingCache:
    """The keys and values of every row's prompt but its last token, as the batch reads them.

    A batch pads its rows to one width between the shared prefix and each row's own tokens.
    Prefilling that padded batch costs rows times the longest prompt; here each row runs forward
    alone over its own tokens after the prefix, so prefill costs what the rows hold (ten
    conversations with tool results of different lengths: the sum, not ten times the longest).
    The rows' keys and values are then laid out right-aligned after the prefix, with zeros in
    the masked gap, and generate runs only the last token of each prompt. `shared`: the prefix
    length (0 with no prefix); `capacity`: the tokens a row will likely reach; `computed`: per
    row, a one-row cache that already holds all its tokens but the last (a row an earlier batch
    set aside, see take_row), or None."""
    width = max(len(row) for row in ids)
    kept = list(computed) or [None] * len(ids)

    def fresh(row: list[int]) -> GrowingCache:
        return GrowingCache(prefix, capacity=len(row)) if prefix is not None else GrowingCache()

    rows = [fresh(row) if cache is None else cache for cache, row in zip(kept, ids, strict=True)]
    with torch.inference_mode():
        for cache, row, known in zip(rows, ids, kept, strict=True):
            if known is None and len(row) - 1 > shared:
                model(
                    input_ids=torch.tensor([row[shared:-1]]),
                    cache=cache,
                    use_cache=True,
                    logits_to_keep=1,
                )
    batch = GrowingCache(capacity=capacity)
    # A row's cache has all the model's layers, unless it holds nothing (a one-token prompt and
    # no prefix): its columns stay zeros and masked. With no row cached at all, generate runs
    # the whole (one-column) prompt itself.
    for index, source in enumerate(max((row.layers for row in rows), key=len)):
        keys, values = source.keys, source.values
        key_buffer = keys.new_zeros((len(ids), keys.shape[1], capacity, keys.shape[-1]))
        value_buffer = values.new_zeros((len(ids), values.shape[1], capacity, values.shape[-1]))
        for position, (cache, row) in enumerate(zip(rows, ids, strict=True)):
            if index >= len(cache.layers):
                continue
            layer = cache.layers[index]
            key_buffer[position, :, :shared] = layer.keys[0, :, :shared]
            value_buffer[position, :, :shared] = layer.values[0, :, :shared]
            start = width - len(row) + shared
            key_buffer[position, :, start : width - 1] = layer.keys[0, :, shared:]
            value_buffer[position, :, start : width - 1] = layer.values[0, :, shared:]
        batch.layers.append(GrowingLayer.holding(key_buffer, value_buffer, width - 1))
    return batch


def take_row(batch: DynamicCache, position: int, spans: Sequence[tuple[int, int]]) -> GrowingCache:
    """One row of a batch's cache as a one-row cache: the columns of `spans` (its own tokens,
    not the padding), in order; what prefill_rows takes back as `computed`."""
    row = GrowingCache()
    for layer in batch.layers:
        keys = torch.cat([layer.keys[position : position + 1, :, a:b] for a, b in spans], dim=-2)
        values = torch.cat(
            [layer.values[position : position + 1, :, a:b] for a, b in spans], dim=-2
        )
        row.layers.append(GrowingLayer.holding(keys, values, keys.shape[-2]))
    return row

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

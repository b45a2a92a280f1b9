"""The merged encoder on ONNX Runtime, exported once per artifact and cached on disk.

ONNX Runtime runs all-MiniLM-L6-v2 faster than eager torch on a 2-core CPU (bench/safety.py
prints both: 2.3 times as fast for a short question, as fast for 128 tokens on a CPU without
AVX2), with the same outputs to within 1e-5, so the thresholds and metrics measured on the
torch encoder hold. The graph is exported from the torch encoder with the LoRA
already merged, by torch's dynamo exporter (the TorchScript exporter mistraces the attention
mask of this transformers version). Exporting takes about 10 s, so the graph is cached under a
key made of everything that determines it: the base and adapter hashes, the LoRA scaling and the
exporter's versions. A cached graph is checked against the sha256 written beside it before use;
a cache directory that cannot be written only costs the export at every start.

The int8 variant (runtime onnxruntime-int8) quantizes the exported graph's matrix
multiplications with ONNX Runtime's dynamic quantization and is cached beside it. It is faster
again (bench/verifier.py prints both), and its scores differ from the exact graph's by a few
hundredths, so a service that runs it uses a policy fitted on its own scores.
"""

import contextlib
import hashlib
import io
import json
import logging
import os
import tempfile
import warnings
from collections.abc import Callable, Iterator
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import onnxruntime
import torch
from onnxruntime.quantization import QuantType, quantize_dynamic
from torch import nn

log = logging.getLogger(__name__)

GRAPH_SUFFIX = ".onnx"
DIGEST_SUFFIX = ".onnx.sha256"
INT8_SUFFIX = "-int8"
# The versions that shape the exported (and quantized) graph; a change in any of them makes a
# new cache entry.
EXPORTER_PACKAGES = ("torch", "transformers", "onnxscript", "onnx", "onnxruntime")
# Longest sequence the exported graph accepts (the base model's position embeddings).
MAX_TOKENS = 512
# Loggers of the exporter's passes, which report every rewrite at INFO.
EXPORTER_LOGGERS = ("torch.onnx", "onnx_ir", "onnxscript")
# The attention the graph is exported with. transformers' default (sdpa) exports as a graph that
# guards fully masked rows with IsNaN and Where over every attention matrix; the eager attention
# computes the same values without them and runs 2-3 ms faster for 132 tokens on one thread.
EXPORTED_ATTENTION = "eager"
# ONNX Runtime fusions left off. Its fused SkipLayerNormalization kernel takes 0.3 ms per layer
# norm for 132 tokens on this CPU where the unfused Add and LayerNormalization take a sixth of
# that; without it the int8 graph runs 20% faster, with the same outputs to within 1e-5 on the
# exact graph.
DISABLED_FUSIONS = ("SkipLayerNormFusion",)


def cache_key(manifest: dict[str, Any]) -> str:
    """A hex digest of everything the exported graph depends on."""
    identity = {
        "base_sha256": manifest["base"]["sha256"],
        "files": manifest["files"],
        "lora": manifest["hyperparameters"]["lora"],
        "exporter": {name: metadata.version(name) for name in EXPORTER_PACKAGES},
        "attention": EXPORTED_ATTENTION,
    }
    return hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()


class HiddenStates(nn.Module):
    """The encoder's last hidden state as the graph's one output."""

    def __init__(self, encoder: nn.Module) -> None:
        super().__init__()
        self.encoder = encoder

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        return self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state


@contextlib.contextmanager
def quiet_exporter() -> Iterator[None]:
    """Keep the exporter's progress, pass logs and deprecation warnings out of the service log;
    its errors still raise."""
    loggers = [logging.getLogger(name) for name in EXPORTER_LOGGERS]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
            warnings.simplefilter("ignore")
            yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


def export_graph(encoder: nn.Module) -> bytes:
    """The serialized ONNX graph of `encoder`, with dynamic batch and sequence length (the
    encoder is switched to the exported attention, which gives the same hidden states)."""
    encoder.set_attn_implementation(EXPORTED_ATTENTION)
    ids = torch.ones((2, 16), dtype=torch.long)
    mask = torch.ones_like(ids)
    mask[1, 8:] = 0  # traced with padding, so the mask is a real input of the graph
    batch, tokens = torch.export.Dim("batch"), torch.export.Dim("tokens", max=MAX_TOKENS)
    with quiet_exporter():
        program = torch.onnx.export(
            HiddenStates(encoder.eval()),
            (ids, mask),
            dynamo=True,
            verbose=False,
            input_names=["input_ids", "attention_mask"],
            output_names=["last_hidden_state"],
            dynamic_shapes={
                "input_ids": {0: batch, 1: tokens},
                "attention_mask": {0: batch, 1: tokens},
            },
        )
    return program.model_proto.SerializeToString()


def read_cached(graph_path: Path) -> bytes | None:
    """The cached graph when it is complete and matches its recorded sha256."""
    digest_path = graph_path.with_suffix(DIGEST_SUFFIX)
    try:
        graph = graph_path.read_bytes()
        expected = digest_path.read_text().strip()
    except OSError:
        return None
    if hashlib.sha256(graph).hexdigest() != expected:
        log.warning(
            "cached encoder graph %s does not match its sha256; exporting again", graph_path
        )
        return None
    return graph


def write_atomically(path: Path, data: bytes) -> None:
    """Write through a temporary file and a rename, so readers never see half a file."""
    with tempfile.NamedTemporaryFile(dir=path.parent, prefix=path.name, delete=False) as handle:
        handle.write(data)
    # Readable by other users: an image exports at build time as root and serves as another.
    os.chmod(handle.name, 0o644)
    os.replace(handle.name, path)


def quantized_graph(graph: bytes) -> bytes:
    """The graph with the weights of its matrix multiplications quantized to int8 and their
    activations quantized at run time (ONNX Runtime's dynamic quantization)."""
    with tempfile.TemporaryDirectory() as scratch:
        source, target = Path(scratch) / "fp32.onnx", Path(scratch) / "int8.onnx"
        source.write_bytes(graph)
        quantize_dynamic(source, target, weight_type=QuantType.QInt8)
        return target.read_bytes()


def cached_graph(
    key: str, cache_dir: Path, encoder: Callable[[], nn.Module], *, int8: bool = False
) -> bytes:
    """The graph for `key` from the cache, or exported from `encoder()` (and quantized when
    `int8`) and cached."""
    graph_path = cache_dir / f"{key}{INT8_SUFFIX if int8 else ''}{GRAPH_SUFFIX}"
    graph = read_cached(graph_path)
    if graph is not None:
        return graph
    if int8:
        graph = quantized_graph(cached_graph(key, cache_dir, encoder))
    else:
        log.info("exporting the encoder to ONNX (once per artifact, about 10 s)")
        graph = export_graph(encoder())
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        write_atomically(graph_path, graph)
        digest = hashlib.sha256(graph).hexdigest().encode()
        write_atomically(graph_path.with_suffix(DIGEST_SUFFIX), digest)
    except OSError as error:
        log.warning(
            "cannot cache the encoder graph in %s (%s); it is kept in memory", cache_dir, error
        )
    return graph


class OnnxEncoder:
    """Last hidden states from an ONNX Runtime session; called like TorchEncoder."""

    def __init__(self, graph: bytes, *, threads: int) -> None:
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        # Idle pool threads would otherwise spin and take CPU from the service's event loop.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.session = onnxruntime.InferenceSession(
            graph,
            options,
            providers=["CPUExecutionProvider"],
            disabled_optimizers=list(DISABLED_FUSIONS),
        )

    def __call__(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        feed = {
            "input_ids": input_ids.numpy().astype(np.int64, copy=False),
            "attention_mask": attention_mask.numpy().astype(np.int64, copy=False),
        }
        (hidden,) = self.session.run(None, feed)
        return torch.from_numpy(hidden)

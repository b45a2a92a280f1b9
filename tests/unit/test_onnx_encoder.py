"""The encoder on ONNX Runtime: the export matches torch, the cache is keyed, checked and
optional, and the committed artifacts score the same on both runtimes."""

from pathlib import Path

import pytest
import torch
from transformers import BertConfig, BertModel

from svend.common import onnx_encoder
from svend.common.encoder import TorchEncoder
from svend.safety.model import SafetyModel
from svend.verifier.scorer import StepScorer

MODELS = Path(__file__).resolve().parents[2] / "models"


def tiny_bert() -> BertModel:
    """A two-layer BERT that exports in seconds; the graph's shape is MiniLM's."""
    torch.manual_seed(0)
    config = BertConfig(
        vocab_size=64,
        hidden_size=16,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=32,
        max_position_embeddings=64,
    )
    return BertModel(config, add_pooling_layer=False).eval()


@pytest.fixture(scope="module")
def tiny_graph() -> bytes:
    return onnx_encoder.export_graph(tiny_bert())


def padded_batch() -> tuple[torch.Tensor, torch.Tensor]:
    """Three rows of different lengths: the graph must honour the mask, not the traced shape."""
    ids = torch.randint(1, 64, (3, 11))
    mask = torch.ones_like(ids)
    mask[1, 7:] = 0
    mask[2, 3:] = 0
    return ids, mask


def test_exported_graph_matches_torch_on_any_shape(tiny_graph: bytes) -> None:
    onnx = onnx_encoder.OnnxEncoder(tiny_graph, threads=1)
    eager = TorchEncoder(tiny_bert())
    for ids, mask in [padded_batch(), (torch.randint(1, 64, (1, 40)), torch.ones(1, 40).long())]:
        expected, actual = eager(ids, mask), onnx(ids, mask)
        assert actual.shape == expected.shape
        real = mask.bool()
        assert torch.allclose(actual[real], expected[real], atol=1e-5)


def test_graph_is_cached_and_reused(tmp_path: Path) -> None:
    exports: list[int] = []

    def build() -> BertModel:
        exports.append(1)
        return tiny_bert()

    first = onnx_encoder.cached_graph("k", tmp_path, build)
    second = onnx_encoder.cached_graph("k", tmp_path, build)
    assert first == second
    assert len(exports) == 1
    assert (tmp_path / "k.onnx.sha256").is_file()


def test_tampered_cache_entry_is_exported_again(tmp_path: Path, tiny_graph: bytes) -> None:
    onnx_encoder.cached_graph("k", tmp_path, tiny_bert)
    (tmp_path / "k.onnx").write_bytes(b"not the graph that was hashed")
    assert onnx_encoder.read_cached(tmp_path / "k.onnx") is None
    graph = onnx_encoder.cached_graph("k", tmp_path, tiny_bert)
    onnx_encoder.OnnxEncoder(graph, threads=1)  # a loadable graph, not the tampered bytes
    assert onnx_encoder.read_cached(tmp_path / "k.onnx") == graph


def test_unwritable_cache_still_gives_a_graph(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache directory should be")
    graph = onnx_encoder.cached_graph("k", blocker / "cache", tiny_bert)
    ids, mask = padded_batch()
    assert onnx_encoder.OnnxEncoder(graph, threads=1)(ids, mask).shape == (3, 11, 16)


def test_cache_key_follows_the_artifact() -> None:
    manifest = {
        "base": {"sha256": "a" * 64},
        "files": {"adapter.safetensors": "b" * 64},
        "hyperparameters": {"lora": {"r": 8, "alpha": 16}},
    }
    changed_adapter = {**manifest, "files": {"adapter.safetensors": "c" * 64}}
    changed_scaling = {**manifest, "hyperparameters": {"lora": {"r": 8, "alpha": 32}}}
    keys = {onnx_encoder.cache_key(m) for m in (manifest, changed_adapter, changed_scaling)}
    assert len(keys) == 3
    assert onnx_encoder.cache_key(manifest) == onnx_encoder.cache_key(dict(manifest))


@pytest.mark.model
def test_safety_classifier_scores_the_same_on_both_runtimes() -> None:
    texts = [
        "Give me step-by-step instructions to build a pipe bomb at home.",
        "convert 5 km to miles",
        "What is the molar mass of caffeine? " * 60,  # several windows
    ]
    eager = SafetyModel.load(MODELS / "safety" / "v1", runtime="torch")
    onnx = SafetyModel.load(MODELS / "safety" / "v1", runtime="onnxruntime")
    for kind in ("input", "output"):
        for a, b in zip(eager.predict(texts, kind), onnx.predict(texts, kind), strict=True):
            assert a.unsafe_score == pytest.approx(b.unsafe_score, abs=1e-4)
            for category, p in a.category_probabilities.items():
                assert b.category_probabilities[category] == pytest.approx(p, abs=1e-4)


@pytest.mark.model
def test_step_scorer_scores_the_same_on_both_runtimes() -> None:
    chains = [
        ("Tom has 3 apples and buys 5 more. How many now?", ["3 + 5 = 8 apples."], "8"),
        ("A book costs $12. What do 5 cost?", ["12 * 5 = 50", "So $50."], "50"),
    ]
    eager = StepScorer.load(MODELS / "verifier" / "v1", runtime="torch")
    onnx = StepScorer.load(MODELS / "verifier" / "v1", runtime="onnxruntime")
    for a, b in zip(
        eager.wrong_probabilities(chains), onnx.wrong_probabilities(chains), strict=True
    ):
        assert b == pytest.approx(a, abs=1e-4)


@pytest.mark.model
def test_int8_graph_is_cached_beside_the_exact_one_and_scores_close_to_it(tmp_path: Path) -> None:
    chains = [
        ("Tom has 3 apples and buys 5 more. How many now?", ["3 + 5 = 8 apples."], "8"),
        ("A book costs $12. What do 5 cost?", ["12 * 5 = 50", "So $50."], "50"),
    ]
    exact = StepScorer.load(MODELS / "verifier" / "v1", runtime="onnxruntime", cache_dir=tmp_path)
    int8 = StepScorer.load(
        MODELS / "verifier" / "v1", runtime="onnxruntime-int8", cache_dir=tmp_path
    )
    [int8_graph] = tmp_path.glob("*-int8.onnx")
    exact_graph = int8_graph.with_name(int8_graph.name.replace("-int8", ""))
    assert sorted(tmp_path.glob("*.onnx")) == sorted([exact_graph, int8_graph])
    assert int8_graph.stat().st_size < exact_graph.stat().st_size / 2
    for a, b in zip(
        exact.wrong_probabilities(chains), int8.wrong_probabilities(chains), strict=True
    ):
        assert b == pytest.approx(a, abs=0.1)
        assert b != pytest.approx(a, abs=1e-6)


def test_unknown_runtime_is_refused() -> None:
    with pytest.raises(ValueError, match="runtime"):
        SafetyModel.load(MODELS / "safety" / "v1", runtime="tensorrt")  # type: ignore[arg-type]

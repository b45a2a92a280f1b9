"""The learned step scorer: MiniLM reads a whole chain once and scores every step.

A chain becomes one token sequence, `[CLS] question [SEP] step 0 [SEP] step 1 [SEP] ... answer
[SEP]`; each step's score comes from the mean of its own token vectors beside the mean of the
whole sequence, so one forward pass scores all steps, each seen in the context of the question
and the other steps. The answer is scored as one more segment. Chains longer than one window are
split by steps: every window repeats the question and the last steps before it as context, and
each step is scored in exactly one window.

The output per segment is P(wrong), calibrated by one temperature fitted on the validation
split. The artifact (models/verifier/<version>/) is loaded and hash-checked by
svend.common.encoder.
"""

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import torch
from torch import nn
from transformers import PreTrainedTokenizerBase

from svend.common.encoder import ArtifactError, Encoder, Runtime, load_artifact, mean_pool
from svend.verifier.chain import ChainText
from svend.verifier.findings import ScorerPolicy
from svend.verifier.structure import EVIDENCE_NAMES

CALIBRATION_FILE = "calibration.json"
ANSWER_PREFIX = "Answer: "


@dataclass(frozen=True)
class Window:
    """Token ids of one window and the (start, end, segment) spans it scores."""

    ids: list[int]
    spans: list[tuple[int, int, int]]


@dataclass(frozen=True)
class Layout:
    """How chains are cut into windows (recorded in the manifest, the same in training)."""

    max_tokens: int = 320
    question_tokens: int = 128
    segment_tokens: int = 96
    context_segments: int = 2


class StepHeads(nn.Module):
    """One logit of 'this step is wrong' from the step's pooled vector and the chain's."""

    def __init__(self, hidden_size: int, dropout: float = 0.1) -> None:
        super().__init__()
        self.dropout = nn.Dropout(dropout)
        self.wrong = nn.Linear(2 * hidden_size, 1)

    def forward(
        self, hidden: torch.Tensor, mask: torch.Tensor, spans: Sequence[Sequence[tuple]]
    ) -> torch.Tensor:
        """Logits of every span of every row, in row-then-span order."""
        chain = mean_pool(hidden, mask)
        pooled = []
        for row, row_spans in enumerate(spans):
            for start, end, _ in row_spans:
                pooled.append(torch.cat([hidden[row, start:end].mean(0), chain[row]]))
        return self.wrong(self.dropout(torch.stack(pooled))).squeeze(-1)


def windows(
    tokenizer: PreTrainedTokenizerBase,
    question: str,
    segments: Sequence[str],
    layout: Layout,
) -> list[Window]:
    """The chain (its steps, then the answer as the last segment) cut into scored windows."""
    cls_id, sep_id = tokenizer.cls_token_id, tokenizer.sep_token_id
    encoded = tokenizer([question, *segments], add_special_tokens=False)["input_ids"]
    head = [cls_id, *encoded[0][-layout.question_tokens :], sep_id]
    pieces = [[*ids[: layout.segment_tokens], sep_id] for ids in encoded[1:]]
    result: list[Window] = []
    first = 0
    while first < len(pieces):
        ids = list(head)
        for piece in pieces[max(0, first - layout.context_segments) : first]:
            if len(ids) + len(piece) > layout.max_tokens // 2:
                break
            ids.extend(piece)
        spans: list[tuple[int, int, int]] = []
        index = first
        while index < len(pieces) and (
            not spans or len(ids) + len(pieces[index]) <= layout.max_tokens
        ):
            spans.append((len(ids), len(ids) + len(pieces[index]) - 1, index))
            ids.extend(pieces[index])
            index += 1
        result.append(Window(ids, spans))
        first = index
    return result


def collate(batch: Sequence[Window], pad_id: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Padded ids and attention mask of a batch of windows."""
    width = max(len(w.ids) for w in batch)
    ids = torch.full((len(batch), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(batch), width), dtype=torch.long)
    for row, window in enumerate(batch):
        ids[row, : len(window.ids)] = torch.tensor(window.ids)
        mask[row, : len(window.ids)] = 1
    return ids, mask


class StepScorer:
    """P(wrong) of every step and of the answer of a chain; see the module docstring."""

    def __init__(
        self,
        encoder: Encoder,
        heads: StepHeads,
        tokenizer: PreTrainedTokenizerBase,
        temperature: float,
        layout: Layout,
        batch_size: int = 16,
    ) -> None:
        self.encoder = encoder
        self.heads = heads.eval()
        self.tokenizer = tokenizer
        self.temperature = temperature
        self.layout = layout
        self.batch_size = batch_size
        # The verdict policy fitted on validation (absent until training has evaluated it).
        self.policy: ScorerPolicy | None = None

    @classmethod
    def load(
        cls,
        directory: Path,
        *,
        threads: int = 1,
        runtime: Runtime = "torch",
        cache_dir: Path | None = None,
        with_policy: bool = True,
    ) -> "StepScorer":
        """Checks hashes, loads the merged encoder on `runtime`, attaches the head and, unless
        `with_policy` is false (when a new one is being fitted), the verdict policy."""
        artifact = load_artifact(directory, threads=threads, runtime=runtime, cache_dir=cache_dir)
        heads = StepHeads(artifact.hidden_size)
        heads.load_state_dict(artifact.head_state)
        calibration = json.loads((Path(directory) / CALIBRATION_FILE).read_text())
        layout = Layout(**artifact.manifest["inference"]["layout"])
        scorer = cls(
            artifact.encoder, heads, artifact.tokenizer, calibration["temperature"], layout
        )
        policy = calibration.get("policy") if with_policy else None
        if policy:
            if tuple(policy.get("features", ())) != EVIDENCE_NAMES:
                raise ArtifactError(
                    f"the verdict policy in {directory} weighs {policy.get('features')}, but "
                    f"this verifier computes {list(EVIDENCE_NAMES)}: run make train-verifier"
                )
            scorer.policy = ScorerPolicy(
                policy["threshold"],
                tuple(policy["weights"]),
                policy["exact_fail_confidence"],
                policy["runtime"],
            )
        return scorer

    def chain_windows(self, chain: ChainText) -> list[Window]:
        """The chain (its steps, then the answer) tokenized and cut into scored windows."""
        question, steps, answer = chain
        return windows(self.tokenizer, question, [*steps, ANSWER_PREFIX + answer], self.layout)

    def window_logits(self, cut_chains: Sequence[Sequence[Window]]) -> list[torch.Tensor]:
        """Raw logits of each chain cut by chain_windows: one per step, then one for the
        answer. Tokenizing apart from this lets a service cut a chain on its event loop and
        run only the forward pass in a worker thread."""
        cut = [(index, w) for index, chain in enumerate(cut_chains) for w in chain]
        scores = [torch.empty(sum(len(w.spans) for w in chain)) for chain in cut_chains]
        cut.sort(key=lambda item: len(item[1].ids))
        with torch.inference_mode():
            for start in range(0, len(cut), self.batch_size):
                batch = cut[start : start + self.batch_size]
                ids, mask = collate([w for _, w in batch], self.tokenizer.pad_token_id)
                hidden = self.encoder(ids, mask)
                logits = self.heads(hidden, mask, [w.spans for _, w in batch]).tolist()
                places = [(owner, segment) for owner, w in batch for _, _, segment in w.spans]
                for (owner, segment), value in zip(places, logits, strict=True):
                    scores[owner][segment] = value
        return scores

    def window_wrong_probabilities(
        self, cut_chains: Sequence[Sequence[Window]]
    ) -> list[list[float]]:
        """Calibrated P(wrong) of each chain cut by chain_windows: per step, then the
        answer's."""
        return [
            torch.sigmoid(z / self.temperature).tolist() for z in self.window_logits(cut_chains)
        ]

    def wrong_probabilities(self, chains: Sequence[ChainText]) -> list[list[float]]:
        """Calibrated P(wrong) of each chain: per step, then the answer's."""
        return self.window_wrong_probabilities([self.chain_windows(c) for c in chains])

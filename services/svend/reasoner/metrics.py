"""The reasoner's own Prometheus metrics (the RPC metrics come from svend.common)."""

from prometheus_client import Counter, Histogram

TOKENS_GENERATED = Counter(
    "svend_reasoner_tokens_generated_total", "Tokens the model generated, over all chains."
)
CHAINS = Counter(
    "svend_reasoner_chains_total", "Reasoning chains finished, by stop reason.", ["stop_reason"]
)
# Labelled by outcome only: tool names come from model output and would be unbounded.
TOOL_CALLS = Counter(
    "svend_reasoner_tool_calls_total", "Tool calls the model made, by outcome.", ["outcome"]
)
BATCH_ROWS = Histogram(
    "svend_reasoner_batch_rows",
    "Rows the transformers backend generated together in one batch.",
    buckets=(1, 2, 4, 8, 16, 32, 64, 128, 256),
)

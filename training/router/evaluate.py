"""Measure the router's path choice on the labelled routing set.

    python -m training.router.evaluate                 # held-out split: the reported numbers
    python -m training.router.evaluate --split dev --tune   # the threshold the dev split favours

The path is chosen exactly as the router chooses it for a caller who forces none: the quick
path's parser first, then the complexity score against the threshold.
"""

import argparse
import json
from collections import Counter
from pathlib import Path

from svend.router.paths import choose_path
from svend.router.quick import parse_direct_request
from svend.router.settings import RouterSettings
from svend.router.v1 import router_pb2
from training.router.complexity_scan import best_threshold
from training.router.routing_set import SPLITS, Example, routing_set

LABELS = ("QUICK", "STANDARD", "DEEP")


def predicted_path(query: str, threshold: float) -> str:
    direct = parse_direct_request(query)
    path, _ = choose_path(query, router_pb2.PATH_UNSPECIFIED, direct, threshold)
    return router_pb2.Path.Name(path).removeprefix("PATH_")


def measure(examples: list[Example], threshold: float) -> dict:
    """Confusion counts, per-path precision and recall, accuracy overall and per source."""
    pairs = [(example, predicted_path(example.query, threshold)) for example in examples]
    confusion = Counter((example.label, predicted) for example, predicted in pairs)
    per_path = {}
    for label in LABELS:
        truly = sum(n for (gold, _), n in confusion.items() if gold == label)
        chosen = sum(n for (_, guess), n in confusion.items() if guess == label)
        hits = confusion[(label, label)]
        per_path[label] = {
            "questions": truly,
            "precision": hits / chosen if chosen else None,
            "recall": hits / truly if truly else None,
        }
    by_source: dict[str, list[int]] = {}
    for example, predicted in pairs:
        counts = by_source.setdefault(example.source, [0, 0])
        counts[0] += predicted == example.label
        counts[1] += 1
    return {
        "threshold": threshold,
        "questions": len(pairs),
        "accuracy": sum(confusion[(label, label)] for label in LABELS) / len(pairs),
        "per_path": per_path,
        "confusion": {f"{gold}->{guess}": n for (gold, guess), n in sorted(confusion.items())},
        "accuracy_by_source": {
            source: {"accuracy": right / total, "questions": total}
            for source, (right, total) in sorted(by_source.items())
        },
    }


def report(result: dict) -> str:
    lines = [
        f"{result['questions']} questions, threshold {result['threshold']:g}: "
        f"accuracy {result['accuracy']:.1%}",
        "",
        "| gold \\ chosen | " + " | ".join(LABELS) + " | precision | recall |",
        "|---|" + "---|" * (len(LABELS) + 2),
    ]
    confusion = result["confusion"]
    for gold in LABELS:
        row = [str(confusion.get(f"{gold}->{guess}", 0)) for guess in LABELS]
        path = result["per_path"][gold]
        precision = "—" if path["precision"] is None else f"{path['precision']:.1%}"
        recall = "—" if path["recall"] is None else f"{path['recall']:.1%}"
        lines.append(f"| {gold} | " + " | ".join(row) + f" | {precision} | {recall} |")
    lines.append("")
    for source, scores in result["accuracy_by_source"].items():
        lines.append(f"- {source}: {scores['accuracy']:.1%} of {scores['questions']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=SPLITS, default="held_out")
    parser.add_argument("--threshold", type=float, help="default: the router's setting")
    parser.add_argument(
        "--tune", action="store_true", help="print the threshold this split favours"
    )
    parser.add_argument("--json", type=Path, help="also write the numbers here")
    args = parser.parse_args(argv)
    examples = routing_set(args.split)
    if args.tune:
        threshold, balanced = best_threshold(examples)
        print(f"best threshold on {args.split}: {threshold:g} (balanced recall {balanced:.1%})")
    threshold = args.threshold or RouterSettings().deep_complexity_threshold
    result = measure(examples, threshold)
    print(report(result))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()

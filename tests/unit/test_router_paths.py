"""Path choice: direct requests go QUICK, multi-step questions DEEP, forced paths are kept."""

import pytest
from training.router.evaluate import measure
from training.router.routing_set import Example, routing_set

from svend.router.complexity import complexity
from svend.router.paths import choose_path, route
from svend.router.quick import parse_direct_request
from svend.router.settings import RouterSettings
from svend.router.v1 import router_pb2

Path = router_pb2.Path
THRESHOLD = RouterSettings().deep_complexity_threshold
MULTI_STEP = (
    "A bakery sells 24 muffins each morning and 3 times as many in the afternoon. Each muffin "
    "costs $2 and the bakery pays $15 per day for flour. If 5 muffins are left every evening, "
    "how much profit does the bakery make in total over 6 days?"
)


def chosen(query: str, forced: int = Path.PATH_UNSPECIFIED) -> tuple[int, str]:
    return choose_path(query, forced, parse_direct_request(query), THRESHOLD)


def test_a_multi_step_word_problem_goes_deep_and_says_why() -> None:
    path, reason = chosen(MULTI_STEP)
    assert path == Path.PATH_DEEP
    assert reason.startswith("multi-step: complexity")
    assert f"reaches {THRESHOLD:g}" in reason


@pytest.mark.parametrize(
    "query", ["Why is the sky blue?", "What does a catalyst do?", "Tom has 3 apples and eats one."]
)
def test_ordinary_questions_go_standard(query: str) -> None:
    path, reason = chosen(query)
    assert path == Path.PATH_STANDARD
    assert "is below" in reason


def test_direct_requests_go_quick() -> None:
    assert chosen("convert 5 km to miles")[0] == Path.PATH_QUICK


@pytest.mark.parametrize("forced", [Path.PATH_STANDARD, Path.PATH_DEEP])
def test_a_forced_path_is_kept(forced: int) -> None:
    path, reason = chosen(MULTI_STEP if forced == Path.PATH_STANDARD else "Why?", forced)
    assert path == forced
    assert "requested by the caller" in reason


def test_forcing_quick_without_a_direct_request_reasons_instead() -> None:
    assert chosen("Why is the sky blue?", Path.PATH_QUICK)[0] == Path.PATH_STANDARD


def test_the_score_counts_quantities_cues_and_length() -> None:
    assessed = complexity("Each of 3 boxes holds twelve eggs; how many eggs in total?")
    assert (assessed.quantities, assessed.cues, assessed.words) == (2, 3, 12)
    assert assessed.score == pytest.approx(6.2)


def test_the_route_keys_a_deep_choice_like_any_unforced_question() -> None:
    assert route(MULTI_STEP, Path.PATH_UNSPECIFIED, THRESHOLD).path == Path.PATH_DEEP
    assert route(MULTI_STEP, Path.PATH_UNSPECIFIED, 1e9).path == Path.PATH_STANDARD


def test_the_routing_splits_share_no_question() -> None:
    dev, held_out = routing_set("dev"), routing_set("held_out")
    assert {e.label for e in dev} == {e.label for e in held_out} == {"QUICK", "STANDARD", "DEEP"}
    assert not {e.query for e in dev} & {e.query for e in held_out}
    assert routing_set("held_out") == held_out


def test_measure_counts_each_path() -> None:
    examples = [
        Example("convert 5 km to miles", "QUICK", "direct"),
        Example("Why is the sky blue?", "STANDARD", "concept"),
        Example(MULTI_STEP, "DEEP", "word problem"),
        Example("Why is grass green?", "DEEP", "concept"),
    ]
    result = measure(examples, THRESHOLD)
    assert result["accuracy"] == 0.75
    assert result["confusion"]["DEEP->STANDARD"] == 1
    assert result["per_path"]["STANDARD"]["precision"] == 0.5
    assert result["per_path"]["DEEP"]["recall"] == 0.5

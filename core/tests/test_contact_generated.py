"""Recall and false positives on generated families (contact_generators.py, contact_harmless.py).

Fixed seeds and bounded counts: the same cases every run, a few seconds in all.
bench/contact.py prints the same figures on larger sets, before and after.
"""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings

from core.contact import scan
from core.tests.contact_generators import (
    FAMILIES_DEPTH_1,
    FAMILIES_DEPTH_2,
    Case,
    case_strategy,
    cases,
    make_case,
)
from core.tests.contact_harmless import (
    HARMLESS_FAMILIES,
    harmless_cases,
    harmless_strategy,
    intent_cases,
)

RECALL_DEPTH_1 = 0.99
RECALL_DEPTH_2 = 0.97
MAX_FALSE_POSITIVES = 0.005
N_DEPTH_1 = 200
N_DEPTH_2 = 100
N_HARMLESS = 200

SETTINGS = settings(
    max_examples=40,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def found(case: Case) -> bool:
    """A tier-1 finding on the detail (one message) or anywhere in the sequence (split)."""
    if case.span is None:
        return any(scan(m, history=case.messages[:i]).findings for i, m in enumerate(case.messages))
    start, end = case.span
    return any(f.start < end and start < f.end for f in scan(case.messages[-1]).findings)


def flagged(messages: list[str]) -> bool:
    """Any finding of either tier in any message of a harmless sequence."""
    for i, message in enumerate(messages):
        result = scan(message, history=messages[:i])
        if result.findings or result.intents:
            return True
    return False


def _recall(family: str, n: int) -> tuple[float, list[tuple[str, ...]]]:
    generated = cases(family, n)
    missed = [c.messages for c in generated if not found(c)]
    return 1 - len(missed) / n, missed


@pytest.mark.parametrize("family", ("plain", *FAMILIES_DEPTH_1))
def test_recall_of_each_disguise(family: str) -> None:
    recall, missed = _recall(family, N_DEPTH_1)
    assert recall >= RECALL_DEPTH_1, (recall, missed[:5])


@pytest.mark.parametrize("family", FAMILIES_DEPTH_2)
def test_recall_of_two_disguises_composed(family: str) -> None:
    recall, missed = _recall(family, N_DEPTH_2)
    assert recall >= RECALL_DEPTH_2, (recall, missed[:5])


@pytest.mark.parametrize("family", HARMLESS_FAMILIES)
def test_false_positives_of_each_harmless_family(family: str) -> None:
    sequences = harmless_cases(family, N_HARMLESS)
    hits = [s for s in sequences if flagged(s)]
    assert len(hits) / len(sequences) <= MAX_FALSE_POSITIVES, hits[:5]


def test_intent_lines_are_tier_2_and_untouched() -> None:
    lines = intent_cases(N_HARMLESS)
    missed = [t for t in lines if not scan(t).intents or scan(t).masked != t]
    assert len(missed) / len(lines) <= 1 - RECALL_DEPTH_1, missed[:5]


def test_the_generator_composes_what_it_says() -> None:
    rng = random.Random(5)
    assert make_case(rng, "split").span is None
    assert len(make_case(rng, "split").messages) >= 2
    assert "+" in FAMILIES_DEPTH_2[0] and len(FAMILIES_DEPTH_2) >= 15
    case = make_case(random.Random(1), "spelled", "phone")
    assert not any(ch.isdigit() for ch in case.messages[-1][case.span[0] : case.span[1]])


@SETTINGS
@given(harmless_strategy("refusals"))
def test_refusals_are_never_findings(messages: list[str]) -> None:
    result = scan(messages[-1])
    assert (result.findings, result.intents) == ((), ())


@SETTINGS
@given(harmless_strategy("platforms"))
def test_talk_about_platforms_is_never_a_finding(messages: list[str]) -> None:
    assert not flagged(messages)


@SETTINGS
@given(case_strategy("letter_at_a_time"))
def test_tier_2_never_masks_and_tier_1_always_does(case: Case) -> None:
    for i, message in enumerate(case.messages):
        result = scan(message, history=case.messages[:i])
        assert all(f.tier == 1 for f in result.findings)
        assert all(f.tier == 2 and f.kind == "intent" for f in result.intents)
        assert (result.masked != message) == bool(result.findings)

"""Contact details spread over several messages of the same sender."""

from __future__ import annotations

import pytest

from core.contact import MASK, scan

SPLIT_POSITIVES = [
    (["my number", "08125"], "296033", "phone", "+918125296033"),
    (["john.doe99", "at gmail"], "dot com", "email", "john.doe99@gmail.com"),
    (["first part 201", "second 800"], "last 2473", "phone", "+12018002473"),
    (
        ["zap", "five five one one nine seven"],
        "seven five two seven nine five three",
        "phone",
        "+5511977527953",
    ),
    (["whatsapp", "+91"], "98765 43210", "phone", "+919876543210"),
    (["call me", "0803"], "123 4567", "phone", "+2348031234567"),
    (["my wa", "0300", "123"], "4567", "phone", "+923001234567"),
    (["nomor wa saya", "0812 1234"], "5678", "phone", "+6281212345678"),
    (["sam.designs", "at"], "gmail.com", "email", "sam.designs@gmail.com"),
    (["t.me/"], "samdesigns", "link", "https://t.me/samdesigns"),
    (["telegram:"], "@rahim_bd", "handle", "telegram:rahim_bd"),
]


@pytest.mark.parametrize("history,text,kind,value", SPLIT_POSITIVES)
def test_split_contact_is_found_in_the_current_fragment(history, text, kind, value) -> None:
    result = scan(text, history=history)
    matching = [f for f in result.findings if f.kind == kind]
    assert matching, f"nothing found for {history} + {text!r}: {result.findings}"
    finding = matching[0]
    assert finding.value == value
    assert 0 <= finding.start < finding.end <= len(text)
    assert MASK in result.masked


def test_split_finding_is_marked_and_masks_only_the_current_text() -> None:
    result = scan("296033", history=["my number", "08125"])
    (finding,) = result.findings
    assert finding.split is True
    assert finding.rule == "phone.split"
    assert (finding.start, finding.end) == (0, 6)
    assert result.masked == MASK


def test_whole_number_in_one_message_is_not_a_split() -> None:
    (finding,) = scan("call 0803 123 4567", history=["hello", "how are you"]).findings
    assert finding.split is False


SPLIT_NEGATIVES = [
    ["order FO1234567", "and 1920x1080", "version 2.0.1"],
    ["2024", "03", "15", "10:30"],
    ["Price is 500", "and 1200 for two", "delivery 3 days"],
    ["10", "20", "30", "40"],
    ["page 12", "page 13", "page 14"],
    ["I need 3 logos", "and 2 banners", "by Friday"],
    ["budget $450", "deadline 15/03", "revisions 3"],
    ["invoice 2024", "0315", "4471"],
    ["I'm at", "home dot", "later"],
    ["hello", "how are you?", "fine thanks"],
    ["step 1", "step 2", "step 3"],
    ["1920", "1080"],
]


@pytest.mark.parametrize("sequence", SPLIT_NEGATIVES)
def test_benign_sequences_are_not_flagged(sequence: list[str]) -> None:
    for i, message in enumerate(sequence):
        result = scan(message, history=sequence[:i])
        assert not result.has_contact, (sequence, i, result.findings)


def test_history_may_be_long_and_empty_strings_are_fine() -> None:
    history = ["ok"] * 200 + [""] + ["x" * 5000]
    assert scan("thanks", history=history).findings == ()
    assert scan("", history=history).findings == ()

"""The joined-history pre-check of the split detector (issue 21 problem b).

A message ending in '.' is glued to the next one with no separator, so
"...tomorrow morning." then "Great, thanks" read as "morning.Great", a
domain shape: nearly every ordinary chat message ran the full address scan
over the joined history. The pre-check now reads a sentence end followed by
a capitalised word as a line break; the scan itself still reads the glued text.
"""

from __future__ import annotations

import pytest

import core.contact.scanner as scanner
from core.contact import scan
from core.contact.split import is_sentence_start

ORDINARY = [
    "See you tomorrow morning.",
    "Great, thanks for the update.",
    "Thanks. I will check the draft tonight.",
    "Sounds good.",
    "Hi, the colours look better now.",
    "Ok, one more round of changes and then we are done.",
]


@pytest.fixture
def address_scans(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every text the full address scan reads."""
    seen: list[str] = []
    real = scanner.scan_addresses

    def counted(base, *args, **kwargs):
        seen.append(base.text)
        return real(base, *args, **kwargs)

    monkeypatch.setattr(scanner, "scan_addresses", counted)
    return seen


def test_ordinary_sentences_do_not_run_the_joined_address_scan(address_scans) -> None:
    """Problem b: sentence ends glued to the next message are not domain dots."""
    for i, text in enumerate(ORDINARY):
        assert not scan(text, history=ORDINARY[:i]).findings
    assert address_scans == []


@pytest.mark.parametrize(
    "history,text,value",
    [
        (["john.doe99", "at gmail"], "dot com", "john.doe99@gmail.com"),
        (["sam.designs", "at"], "gmail.com", "sam.designs@gmail.com"),
    ],
)
def test_a_real_split_address_still_runs_the_joined_scan(
    address_scans, history, text, value
) -> None:
    """Problem b: the sharper pre-check keeps real splits."""
    result = scan(text, history=history)
    assert value in [f.value for f in result.findings]
    assert any("\n" in t or t.startswith(history[0]) for t in address_scans)


@pytest.mark.parametrize(
    "piece,opens",
    [
        ("Great, thanks", True),
        ("It was fine", True),
        ("Ok, one more round", True),
        ("Thanks. See you", True),
        ("Hi! Could you do it", True),
        ("Io.", False),
        ("Io", False),  # "sam." / "Io": a domain ending standing alone
        ("Design!", False),
        ("Great.com", False),
        ("gmail.com", False),
        ("@gmail", False),
        ("OK", False),
    ],
)
def test_sentence_start_after_a_full_stop(piece: str, opens: bool) -> None:
    """Problem b: which continuations the pre-check reads as a new sentence."""
    assert is_sentence_start(piece) is opens

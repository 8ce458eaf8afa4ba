"""The joined-history pre-check read from each message's own facts (issue 16's speed work).

`needs_lines_address_scan` must answer exactly what `needs_address_scan` answers on the
normalised joined text, whatever hint sits in which message, including the hints that
reach over a line break (a platform name cut in two, a '/' in one message and dotted
letters in another, a label in one and a misspelt platform in another).
"""

from __future__ import annotations

import random

import pytest

from core.contact.normalize import normalize
from core.contact.quick import words
from core.contact.scanner import needs_address_scan, needs_lines_address_scan

PIECES = [
    "See you tomorrow morning.",
    "Great, thanks for the update.",
    "tele",
    "gram",
    "face",
    "book: sam",
    "w.a.m.e",
    "see /9198 please",
    "id",
    "telegrm",
    "vibre id sam",
    "s a m",
    "g m a i l",
    "l.i.l.y",
    "sam_99",
    "@gmail.com",
    "jane.",
    "Io",
    "the file is 1920x1080 px",
    "price €300, ok?",
    "Ｔｅｌｅｇｒａｍ",
    "ΣΑΜ",
    "(at)",
    "( ",
    " at )",
    "tw1tter → sam",
    "me AT gmail DOT com",
    "x",
    "",
    "   ",
    "k",
    "gigbox.com",
    "call me tomorrow",
    "whats",
    "app",
    "😀 ok 😀",
]


def joined_answer(lines: list[str]) -> bool:
    text = normalize("\n".join(lines)).text
    return needs_address_scan(text, words(text))


@pytest.mark.parametrize("seed", range(4))
def test_the_lines_answer_is_the_joined_answer(seed: int) -> None:
    rng = random.Random(seed)
    checked = 0
    for _ in range(3000):
        lines = [rng.choice(PIECES) for _ in range(rng.randint(1, 4))]
        answer = needs_lines_address_scan(lines)
        if answer is not None:
            checked += 1
            assert answer == joined_answer(lines), lines
    assert checked > 1000  # most combinations are read line by line


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["I use tele", "gram too"], True),  # the platform name cut over the line break
        (["see /9198", "w.a.m.e"], True),  # the '/' and the dotted host in two messages
        (["my id", "telegrm"], True),  # the label and the misspelt platform apart
        (["See you tomorrow morning.", "Great, thanks"], False),
    ],
)
def test_hints_over_the_line_break(lines: list[str], expected: bool) -> None:
    assert joined_answer(lines) is expected
    assert needs_lines_address_scan(lines) is expected


def test_a_bracket_reads_the_joined_text() -> None:
    assert needs_lines_address_scan(["sam (", "at", ") gmail"]) is None
    assert joined_answer(["sam (", "at", ") gmail"]) is True

"""Issue 17 follow-up, problem 4: bodies and labels made only of default-ignorable characters,
format characters or combining marks with no base drew blank bubbles and tags."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from inbox.checks import SendError, check_body, has_visible_text
from inbox.services import clean_labels

INVISIBLE = [
    "\u034f",  # combining grapheme joiner
    "\u17b4",
    "\u17b5",
    "\ufe0f",  # variation selector 16
    "\u0300\u0300\u0300",  # accents with no base
    "\u061c",  # Arabic letter mark
    "\u200e",
    "\u200f",
    " \u034f\u200b\ufe0f \u17b4\n",
    "\u20dd",  # enclosing circle with no base
]


@pytest.mark.parametrize("body", INVISIBLE)
def test_invisible_bodies_are_empty(body):
    with pytest.raises(SendError) as info:
        check_body(body)
    assert info.value.code == "empty"


@pytest.mark.parametrize("body", ["e\u0301", "\U0001f44d\ufe0f", "a\u200bb", "\u0928\u093f"])
def test_text_with_marks_on_a_base_is_kept(body):
    check_body(body)
    assert has_visible_text(body)


@pytest.mark.parametrize("label", INVISIBLE[:-2])
def test_invisible_labels_are_refused(label):
    with pytest.raises(ValidationError):
        clean_labels([label])


def test_ordinary_labels_pass():
    assert clean_labels(["Caf\u00e9", "urgent"]) == ["Caf\u00e9", "urgent"]

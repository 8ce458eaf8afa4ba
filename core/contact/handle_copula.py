"""When "<platform> is <plain word>" names a handle, and what may follow one.

"my skype is samdesigns" and "add me, telegram is logoking" name accounts;
"Skype is slow" and "my Instagram is private now" do not. The sentence
around the copula decides (see ``_copula_names_handle``).
"""

from __future__ import annotations

import re

from .common_words import CLOSING_WORDS

# After a plain-word handle only the end of the sentence or a word of
# CLOSING_WORDS may follow: "wechat logoking pls" is a handle, "WeChat mini
# program" is not.
_AFTER_PLAIN_HANDLE = CLOSING_WORDS
_NEXT_WORD_RE = re.compile(r"[^\S\n]*([\w']+)?")


# Before the platform, these say the account is the sender's (or is an id):
# "my telegram is logoking", "our discord is logoking", "username on skype is ...".
_OWNER_CUES = frozenset(
    [
        "my",
        "our",
        "mine",
        "mera",
        "meri",
        "mi",
        "meu",
        "minha",
        "mon",
        "id",
        "username",
        "handle",
        "user",
    ]
)
# Anywhere in the sentence, these ask to be contacted: "add me, telegram is logoking".
_CONTACT_VERBS = frozenset(
    [
        "add",
        "text",
        "txt",
        "message",
        "msg",
        "dm",
        "ping",
        "contact",
        "reach",
        "call",
        "hmu",
        "inbox",
        "knock",
        "find",
        "follow",
    ]
)
_SENTENCE_END_RE = re.compile(r"[.!?\n]")
_WORD_RE = re.compile(r"[\w']+")


def _copula_names_handle(text: str, platform_start: int, token_end: int) -> bool:
    """ "<platform> is <plain word>" names a handle only at the end of its
    sentence and when the sentence says whose account it is or asks to be
    contacted: "my skype is samdesigns" yes, "Skype is slow", "Telegram is
    blocked here", "my Instagram is private now" no."""
    nxt = _NEXT_WORD_RE.match(text, token_end)
    if nxt is not None and nxt.group(1) and nxt.group(1).lower() not in _AFTER_PLAIN_HANDLE:
        return False
    start = max(
        (
            m.end()
            for m in _SENTENCE_END_RE.finditer(text, max(0, platform_start - 120), platform_start)
        ),
        default=max(0, platform_start - 120),
    )
    end_m = _SENTENCE_END_RE.search(text, token_end, token_end + 120)
    before = _WORD_RE.findall(text[start:platform_start].lower())
    if _OWNER_CUES.intersection(before):
        return True
    sentence = before + _WORD_RE.findall(
        text[platform_start : end_m.start() if end_m else token_end + 120].lower()
    )
    return not _CONTACT_VERBS.isdisjoint(sentence)

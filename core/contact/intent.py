"""Tier 2: intent to move off the platform, with no contact detail to mask.

"telegram, same username as here", "let's continue outside", "I'll send my
number after you pay", "add me on whatsapp, you know my name": nothing in
these can be masked, but moderators want to know and the sender deserves a
reminder. Each rule below yields at most one tier-2 finding per message
(``Finding.tier == 2``, kind "intent"); the text is never masked for them.

Refusals and rule reminders ("I can't share my WhatsApp here", "let's keep
everything on Gigbox", "payment outside the site is not possible", "sorry,
that's not allowed") are never findings of either tier: a message that
refuses or reminds yields no intent, and names no plain-word handle.
"""

from __future__ import annotations

import re

from .findings import Finding
from .platforms import PLATFORM_WORDS
from .quick import words

# Words that are never an account name, whatever connector precedes them
# ("telegram: sorry", "my whatsapp? no", "telegram, same as here").
NOT_HANDLES = frozenset(
    [
        "sorry", "no", "nope", "nah", "never", "not", "cannot", "cant", "can't", "won't",
        "wont", "dont", "don't", "unfortunately", "impossible", "forbidden", "prohibited",
        "disallowed", "same", "later", "soon", "please", "pls", "thanks"
    ]
)  # fmt: skip

_NEGATION_RE = re.compile(
    r"\b(?:can'?t|cannot|can not|won'?t|will not|don'?t|do not|doesn'?t|does not|isn'?t"
    r"|not (?:allowed|possible|permitted|able)|never|sorry|no way|forbid\w*|prohibit\w*"
    r"|against (?:the |our |gigbox'?s? )?(?:rules|terms|policy|tos))",
    re.IGNORECASE,
)
_NEGATION_CUES = ("n't", "not", "never", "sorry", "no way", "forbid", "prohibit", "against")
_KEEP_HERE_RE = re.compile(
    r"\b(?:keep|stay|talk|chat|continue|speak|pay|paid)\w* (?:\w+ ){0,3}?"
    r"(?:here|on gigbox|through gigbox|via gigbox|on the site|in this chat)\b"
    r"|\bonly (?:through|via|on|here|accept)\b",
    re.IGNORECASE,
)
_KEEP_HERE_CUES = ("here", "gigbox", "the site", "this chat", "only ")


def is_refusal(text: str) -> bool:
    """Does the message refuse or remind of the rules (negation, "keep it here")?"""
    lowered = text.lower()
    if any(c in lowered for c in _NEGATION_CUES) and _NEGATION_RE.search(text):
        return True
    return any(c in lowered for c in _KEEP_HERE_CUES) and _KEEP_HERE_RE.search(text) is not None


_PLATFORM_NAMES = sorted(
    (
        w
        for w in PLATFORM_WORDS
        if (len(w) >= 3 or w in ("ig", "fb", "tg")) and w not in ("wise", "threads", "tele")
    ),
    key=len,
    reverse=True,
)
_P = r"(?:whats\s?app|cash\s?app|" + "|".join(map(re.escape, _PLATFORM_NAMES)) + r")"
_CONTACT = (
    r"(?:"
    + _P
    + r"|(?:phone\s)?number|no\.?|phone|e-?mail|mail|contact(?:s| details| info)?"
    + r"|socials?|handle|id|username)"
)
# "outside" alone ends the clause, or names the site: "outside of the price" is not leaving.
_OFF = (
    r"(?:outside(?: (?:of )?(?:gigbox|the site|the platform|this site|here|the app|this app))?"
    r"(?=\s*(?:[.!?,;)]|$|\b(?:on|via|through|over|and|so|then|please|pls|instead|now)\b))"
    r"|off[- ](?:the )?(?:site|platform|gigbox|app)|elsewhere|privately|somewhere else)"
)

_SAME = "intent.same_handle", "points to an account on another platform by a name already known"
_ELSEWHERE = "intent.contact_elsewhere", "asks to be contacted on another platform"
_OFF_SITE = "intent.move_off", "proposes to continue outside Gigbox"
_LATER = "intent.share_later", "offers to share a contact detail later"
_PAY = "intent.pay_outside", "proposes to pay outside Gigbox"


def _rule(
    rule: tuple[str, str], cues: tuple[str, ...], needs_platform: bool, pattern: str
) -> tuple[str, str, re.Pattern[str], bool, re.Pattern[str]]:
    cue_re = re.compile("|".join(map(re.escape, cues)))
    return (*rule, cue_re, needs_platform, re.compile(pattern, re.IGNORECASE))


# (rule id, reason, cues, needs a platform word, pattern), tried in order; the first
# match wins. A cue is a substring of the lower-cased text without which the
# pattern cannot match: most chat fails every cue and costs no regex at all.
_RULES = (
    _rule(
        _SAME,
        ("same ",),
        True,
        r"\b(?:same|my)\s+(?:user\s?name|username|name|handle|id|nick(?:name)?)\b"
        r"[^.!?\n]{0,25}?\b(?:as|here|on here)\b"
        r"|\bmy\s+" + _P + r"\s+(?:is|=|it's|its)\s+(?:the\s+)?same\b",
    ),
    _rule(_SAME, ("know my",), True, r"\byou know my (?:user\s?name|username|name|handle|id)\b"),
    _rule(_SAME, ("search",), True, r"\bsearch (?:for )?my (?:user\s?name|username|name|handle)\b"),
    _rule(
        _ELSEWHERE,
        (" me ", " us "),
        True,
        r"\b(?:add|text|message|msg|dm|call|find|ping|hit|reach|contact|catch|join|knock)"
        r"\s+(?:me|us)(?:\s+up)?\s+(?:on|at|via|in|through|over)\s+(?:my\s+)?" + _P + r"\b",
    ),
    _rule(
        _ELSEWHERE,
        ("your ",),
        False,
        r"\b(?:what'?s|whats|what is|give me|send me|share|drop|tell me)\s+(?:me\s+)?your\s+"
        + _CONTACT
        + r"(?!\w)",
    ),
    _rule(
        _ELSEWHERE,
        ("let", "we ", "move "),
        True,
        r"\b(?:we can|let'?s|lets|can we|shall we)\s+(?:continue|talk|chat|move|speak|go)\b"
        r"[^.!?\n]{0,25}?\b(?:on|to|in|via|over)\s+" + _P + r"\b"
        r"|\bmove (?:this|it|the chat|our chat|the conversation)\s+(?:to|on)\s+" + _P + r"\b",
    ),
    _rule(
        _ELSEWHERE, ("?",), True, r"^\W*(?:(?:on|via|your|and|or|maybe)\s+)?" + _P + r"\s*\?+\W*$"
    ),
    _rule(
        _ELSEWHERE,
        ("do you ",),
        True,
        r"\bdo you (?:have|use)\s+"
        + _P
        + r"\b(?:[^.!\n]{0,40}?\b(?:easier|talk|chat|there|better|faster)\b"
        + r"|\s*(?:too|also)?\s*[?!.]*\s*$)",
    ),
    _rule(
        _OFF_SITE,
        ("outside", "off", "elsewhere", "privately"),
        False,
        r"\b(?:continue|talk|chat|move|speak|deal|contact me|work|communicate|go|text|message)\b"
        r"[^.!?\n]{0,20}?\b" + _OFF + r"(?!\w)",
    ),
    _rule(
        _LATER,
        ("i'll", "i’ll", "i will", "i can", "i would"),
        False,
        r"\bi(?:'ll|’ll| will| can| would)\s+(?:send|share|give|drop|text|tell)\s+(?:you\s+)?my\s+"
        + _CONTACT
        + r"(?!\w)",
    ),
    _rule(
        _PAY,
        ("pay",),
        False,
        r"\bpay(?:ment)?(?:\s+me)?\s+(?:directly|outside|off[- ]site|privately)\b"
        r"(?!\s+(?:in|on|through|via|with|from)\s+(?:the\s+|my\s+|your\s+)?"
        r"(?:order|gigbox|site|milestone|platform|checkout|app))",
    ),
    _rule(
        _PAY,
        ("money", "payment", "funds"),
        True,
        r"\b(?:send|transfer)\s+(?:the\s+)?(?:money|payment|funds)\s+(?:to my|via|through|on|by)\s+"
        + _P
        + r"\b",
    ),
)
_PLATFORM_RE = re.compile(r"\b" + _P + r"\b", re.IGNORECASE)
_ANY_CUE_RE = re.compile("|".join(r[2].pattern for r in _RULES))
_PLATFORM_WORD_SET = frozenset(_PLATFORM_NAMES) | {"whats", "cash"}


_CONTACT_NOUNS = frozenset(
    [
        "number",
        "phone",
        "email",
        "mail",
        "contact",
        "contacts",
        "socials",
        "handle",
        "id",
        "username",
    ]
)
_OFF_WORDS = frozenset(
    ["outside", "elsewhere", "privately", "off", "pay", "payment", "money", "funds"]
)


def find_intents(text: str, tokens: list[str] | None = None) -> tuple[Finding, ...]:
    """Tier-2 findings of ``text`` (empty for a refusal or a reminder).

    ``tokens``: the lower-cased tokens of ``text`` if the caller has them.
    """
    if len(text) > 2000:
        return ()
    if tokens is None:
        tokens = words(text)
    platform_named = not _PLATFORM_WORD_SET.isdisjoint(tokens)
    if not (
        platform_named or not _OFF_WORDS.isdisjoint(tokens) or not _CONTACT_NOUNS.isdisjoint(tokens)
    ):
        return ()  # every rule needs a platform, a contact noun or a word of leaving
    lowered = " " + text.lower() + " "
    if _ANY_CUE_RE.search(lowered) is None:
        return ()
    for rule, reason, cue_re, needs_platform, pattern in _RULES:
        if (needs_platform and not platform_named) or cue_re.search(lowered) is None:
            continue
        m = pattern.search(text)
        if m is None or is_refusal(text):
            continue
        platform = _PLATFORM_RE.search(text)
        value = "".join(platform.group().lower().split()) if platform is not None else ""
        value = PLATFORM_WORDS.get(value, value)
        return (Finding("intent", m.start(), m.end(), value, rule, reason, tier=2),)
    return ()

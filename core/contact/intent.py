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

# Words that are never an account name, whatever connector precedes them
# ("telegram: sorry", "my whatsapp? no", "telegram, same as here").
NOT_HANDLES = frozenset(
    "sorry no nope nah never not cannot cant can't won't wont dont don't unfortunately"
    " impossible forbidden prohibited disallowed same later soon please pls thanks".split()
)

_REFUSAL_RE = re.compile(
    r"\b(?:can'?t|cannot|can not|won'?t|will not|don'?t|do not|doesn'?t|does not|isn'?t"
    r"|not (?:allowed|possible|permitted|able)|never|sorry|no way|forbid\w*|prohibit\w*"
    r"|against (?:the |our |gigbox'?s? )?(?:rules|terms|policy|tos)"
    r"|(?:keep|stay|talk|chat|continue|speak|pay|paid)\w* (?:\w+ ){0,3}?(?:here|on gigbox|through gigbox|via gigbox|on the site|in this chat)\b"
    r"|only (?:through|via|on|here|accept)\b)",
    re.IGNORECASE,
)


def is_refusal(text: str) -> bool:
    """Does the message refuse or remind of the rules (negation, "keep it here")?"""
    return _REFUSAL_RE.search(text) is not None


_PLATFORM_NAMES = sorted(
    (w for w in PLATFORM_WORDS if len(w) >= 3 and w not in ("wise", "threads", "tele")),
    key=len,
    reverse=True,
)
_P = r"(?:whats\s?app|cash\s?app|" + "|".join(map(re.escape, _PLATFORM_NAMES)) + r")"
_CONTACT = r"(?:" + _P + r"|(?:phone\s)?number|no\.?|phone|e-?mail|mail|contact(?:s| details| info)?|socials?|handle|id|username)"
_OFF = (
    r"(?:outside(?: (?:of )?(?:gigbox|the site|the platform|this site|here|the app))?"
    r"|off[- ](?:the )?(?:site|platform|gigbox|app)|elsewhere|privately|somewhere else)"
)

# rule id -> (pattern, reason). The first rule that matches wins.
_RULES: tuple[tuple[str, re.Pattern[str], str], ...] = (
    (
        "intent.same_handle",
        re.compile(
            r"\b(?:same|my)\s+(?:user\s?name|username|name|handle|id|nick(?:name)?)\b[^.!?\n]{0,25}?\b(?:as|here|on here)\b"
            r"|\byou know my (?:user\s?name|username|name|handle|id)\b"
            r"|\bsearch (?:for )?my (?:user\s?name|username|name|handle)\b",
            re.IGNORECASE,
        ),
        "points to an account on another platform by a name already known",
    ),
    (
        "intent.contact_elsewhere",
        re.compile(
            r"\b(?:add|text|message|msg|dm|call|find|ping|hit|reach|contact|follow|catch|join|knock)"
            r"\s+(?:me|us)(?:\s+up)?\s+(?:on|at|via|in|through|over)\s+(?:my\s+)?" + _P + r"\b"
            r"|\b(?:what'?s|whats|what is|give me|send me|share|drop|tell me)\s+(?:me\s+)?your\s+" + _CONTACT + r"(?!\w)"
            r"|\b(?:we can|let'?s|lets|can we|shall we)\s+(?:continue|talk|chat|move|speak|go)\b[^.!?\n]{0,25}?\b(?:on|to|in|via|over)\s+" + _P + r"\b"
            r"|\bmove (?:this|it|the chat|our chat|the conversation)\s+(?:to|on)\s+" + _P + r"\b"
            r"|\bdo you (?:have|use)\s+" + _P + r"\b[^.!\n]{0,40}?\b(?:easier|talk|chat|there|better|faster)\b",
            re.IGNORECASE,
        ),
        "asks to be contacted on another platform",
    ),
    (
        "intent.move_off",
        re.compile(
            r"\b(?:continue|talk|chat|move|speak|deal|contact me|work|communicate|go|text|message)\b"
            r"[^.!?\n]{0,20}?\b" + _OFF + r"(?!\w)",
            re.IGNORECASE,
        ),
        "proposes to continue outside Gigbox",
    ),
    (
        "intent.share_later",
        re.compile(
            r"\bi(?:'ll|’ll| will| can| would)\s+(?:send|share|give|drop|text|tell)\s+(?:you\s+)?my\s+" + _CONTACT + r"(?!\w)",
            re.IGNORECASE,
        ),
        "offers to share a contact detail later",
    ),
    (
        "intent.pay_outside",
        re.compile(
            r"\bpay(?:ment)?(?:\s+me)?\s+(?:directly|outside|off[- ]site|privately)\b"
            r"|\b(?:send|transfer)\s+(?:the\s+)?(?:money|payment|funds)\s+(?:to my|via|through|on|by)\s+" + _P + r"\b",
            re.IGNORECASE,
        ),
        "proposes to pay outside Gigbox",
    ),
)
_NEEDS_PLATFORM = {"intent.same_handle"}
_PLATFORM_RE = re.compile(r"\b" + _P + r"\b", re.IGNORECASE)
# Cheap gate: every rule needs one of these words.
_GATE_RE = re.compile(
    r"\b(?:same|know|search|me|us|your|continue|chat|move|outside|off|elsewhere|privately|my|pay|payment|money|funds|do you)\b",
    re.IGNORECASE,
)


def find_intents(text: str) -> tuple[Finding, ...]:
    """Tier-2 findings of ``text`` (empty for a refusal or a reminder)."""
    if len(text) > 2000 or _GATE_RE.search(text) is None or is_refusal(text):
        return ()
    for rule, pattern, reason in _RULES:
        m = pattern.search(text)
        if m is None:
            continue
        platform = _PLATFORM_RE.search(text)
        if rule in _NEEDS_PLATFORM and platform is None:
            continue
        value = "".join(platform.group().lower().split()) if platform is not None else ""
        value = PLATFORM_WORDS.get(value, value)
        return (Finding("intent", m.start(), m.end(), value, rule, reason, tier=2),)
    return ()

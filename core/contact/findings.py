"""The public result types: Finding, ScanResult and the MASK string."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

MASK = "[contact hidden]"

KINDS = ("phone", "email", "handle", "link")  # tier 1; tier-2 findings are of kind "intent"


@dataclass(frozen=True)
class Finding:
    """One contact detail found in a message.

    ``start``/``end`` are code-point offsets into the scanned text ([start, end)).
    ``rule`` is a short stable id moderators aggregate false positives by;
    ``reason`` is a sentence shown to the sender and to moderators.
    ``split`` is True when fragments from earlier messages were needed.
    ``tier`` is 1 for a contact detail (masked) and 2 for an intent to move off
    the platform with nothing to mask (kind "intent", rule "intent.*"; found
    in ``ScanResult.intents``, never in ``findings``).
    """

    kind: str
    start: int
    end: int
    value: str
    rule: str
    reason: str
    split: bool = False
    tier: int = 1

    def to_dict(self) -> dict[str, Any]:
        """The fields as a dict; "tier" only for tier 2 (tier-1 dicts keep their shape)."""
        out = asdict(self)
        if self.tier == 1:
            del out["tier"]
        return out


@dataclass(frozen=True)
class ScanResult:
    """``findings``: the contact details (tier 1), each masked in ``masked``.
    ``intents``: tier-2 findings, intent to move off the platform with
    nothing to mask ("let's continue outside"); they never change ``masked``
    nor ``has_contact``."""

    text: str
    masked: str
    findings: tuple[Finding, ...]
    intents: tuple[Finding, ...] = ()

    @property
    def has_contact(self) -> bool:
        return bool(self.findings)

    @property
    def has_intent(self) -> bool:
        return bool(self.intents)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "has_contact": self.has_contact,
            "masked": self.masked,
            "findings": [f.to_dict() for f in self.findings],
        }
        if self.intents:
            out["intents"] = [f.to_dict() for f in self.intents]
        return out


def mask(text: str, findings: tuple[Finding, ...]) -> str:
    """Replace every finding span (sorted, non-overlapping) by MASK."""
    if not findings:
        return text
    parts = []
    pos = 0
    for f in findings:
        parts.append(text[pos : f.start])
        parts.append(MASK)
        pos = f.end
    parts.append(text[pos:])
    return "".join(parts)

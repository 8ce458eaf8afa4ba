"""The public result types: Finding, ScanResult and the MASK string."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

MASK = "[contact hidden]"

KINDS = ("phone", "email", "handle", "link")


@dataclass(frozen=True)
class Finding:
    """One contact detail found in a message.

    ``start``/``end`` are code-point offsets into the scanned text ([start, end)).
    ``rule`` is a short stable id moderators aggregate false positives by;
    ``reason`` is a sentence shown to the sender and to moderators.
    ``split`` is True when fragments from earlier messages were needed.
    """

    kind: str
    start: int
    end: int
    value: str
    rule: str
    reason: str
    split: bool = False

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class ScanResult:
    text: str
    masked: str
    findings: tuple[Finding, ...]

    @property
    def has_contact(self) -> bool:
        return bool(self.findings)

    def to_dict(self) -> dict[str, Any]:
        return {
            "has_contact": self.has_contact,
            "masked": self.masked,
            "findings": [f.to_dict() for f in self.findings],
        }


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

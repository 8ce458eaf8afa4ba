"""The inbox's use of the contact detector (core.contact): one adapter, one place.

The detector is imported when first used, so that loading models and migrations does not
load its tables. What becomes of a masked message once stored (a flag for the moderators)
is not the inbox's: see inbox.extensions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    pass

__all__ = [
    "Detection",
    "detect_contact",
    "name_has_contact",
    "notice_for",
    "warm_up",
]

_KIND_WORDS = {
    "phone": "a phone number",
    "email": "an email address",
    "handle": "a social handle",
    "link": "a link",
}


@dataclass(frozen=True)
class Detection:
    delivered_body: str
    findings: list[dict[str, object]]


def detect_contact(body: str, history: Sequence[str] = ()) -> Detection:
    """Mask contact details in `body`; `history` is the sender's recent messages, oldest first,
    so that a number split across several messages is still found."""
    from core.contact import scan

    result = scan(body, history=list(history))
    return Detection(
        delivered_body=result.masked, findings=[finding.to_dict() for finding in result.findings]
    )


_WARM_UP_SAMPLES = (
    "call me on +44 7911 123456 or 0803 555 1234",
    "my email is sam dot designs at gmail dot com, telegram @samdesigns",
    "wa.me/2348035551234 and instagram.com/sam",
    "I'll send the logo files tomorrow, thanks!",
)


def warm_up() -> None:
    """Load what the detector loads lazily (its tables, phonenumbers' per-region metadata and
    regular expressions) before the server takes traffic: done on the first messages, it cost
    them 60-90 ms each (the first phase of bench/realtime.py at 250/s, docs/benchmarks.md)."""
    import phonenumbers

    phonenumbers.PhoneMetadata.load_all()
    for sample in _WARM_UP_SAMPLES:
        detect_contact(sample)


def name_has_contact(name: str) -> bool:
    """True when a file name carries contact details (such a file is refused)."""
    from core.contact import scan

    return scan(name).has_contact


def notice_for(
    findings: Sequence[dict[str, object]], *, in_active_order: bool = False
) -> str | None:
    """The sentence shown to a sender whose message was masked, or None. Inside a running
    order the details stay hidden too, and the sentence says how to share what the work needs."""
    if not findings:
        return None
    kinds = []
    for finding in findings:
        words = _KIND_WORDS.get(str(finding.get("kind")), "contact details")
        if words not in kinds:
            kinds.append(words)
    listed = kinds[0] if len(kinds) == 1 else ", ".join(kinds[:-1]) + " and " + kinds[-1]
    if in_active_order:
        return (
            f"We hid {listed}: contact details stay hidden during an order too. Send the files the "
            "work needs as attachments here, and keep calls and meetings on Gigbox, where your order is protected."
        )
    return (
        f"We hid {listed}: sharing contact details is against the rules. Keep talking and paying "
        "on Gigbox, where your order is protected."
    )

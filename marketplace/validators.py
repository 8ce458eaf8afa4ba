"""The one check for contact details in what users write on marketplace pages.

Gig texts, seller profiles, order requirements, delivery notes and file names all pass
through `reject_contact_details`: as a model-field validator (so every `full_clean` in a
service and every ModelForm runs it) and called directly where a text is not a model field
(revision and cancellation notes). The detector is core.contact (pure Python).
"""

from __future__ import annotations

import zoneinfo

from django.core.exceptions import ValidationError

__all__ = ["reject_contact_details", "validate_timezone", "CONTACT_DETAILS_CODE"]

CONTACT_DETAILS_CODE = "contact_details"
_SHOWN_CHARS = 10  # enough of the value for the writer to find it, not a copy of it
_KIND_LABELS = {
    "phone": "phone number",
    "email": "email address",
    "handle": "messenger or social media handle",
    "link": "link",
}
_PLATFORM_NAMES = {
    "whatsapp": "WhatsApp",
    "linkedin": "LinkedIn",
    "tiktok": "TikTok",
    "paypal": "PayPal",
    "wechat": "WeChat",
    "kakaotalk": "KakaoTalk",
    "cashapp": "Cash App",
    "google_meet": "Google Meet",
}


def _shorten(value: str) -> str:
    value = " ".join(value.split())
    return value if len(value) <= _SHOWN_CHARS else value[:_SHOWN_CHARS] + "\u2026"


def _label(kind: str, rule: str) -> str:
    """'email address', 'WhatsApp link', ...: what was found, in a few words."""
    if kind == "link" and rule.startswith("link."):
        platform = rule.split(".")[1]
        return f"{_PLATFORM_NAMES.get(platform, platform.replace('_', ' ').title())} link"
    return _KIND_LABELS.get(kind, "contact detail")


def reject_contact_details(text: str) -> None:
    """Raise ValidationError naming the first contact detail found in `text`, if any."""
    if not text:
        return
    # Imported here so that loading models and migrations does not load the detector's tables.
    from core.contact import scan

    result = scan(text)
    if not result.has_contact:
        return
    finding = result.findings[0]
    raise ValidationError(
        'Contact details are not allowed here: "%(value)s" (%(label)s). Keep the conversation on Gigbox.',
        code=CONTACT_DETAILS_CODE,
        params={
            "value": _shorten(text[finding.start : finding.end]),
            "label": _label(finding.kind, finding.rule),
        },
    )


def validate_timezone(name: str) -> None:
    """An IANA time zone name (pages show times in the user's zone, so it must exist)."""
    if name not in zoneinfo.available_timezones():
        raise ValidationError(
            "%(name)s is not a known time zone, e.g. Europe/Berlin.", params={"name": name}
        )

"""The contact policy: what Gigbox does with what the contact detector finds.

The detector (core.contact, pure Python) only finds contact details. Everything the product
decides around it lives here, in one class: the site's own hosts (never findings), how many
earlier messages are read for details split across messages, what each kind of finding is
called, what the sender is told, and the three entry points the apps call:

- `mask_message`: a chat message and the sender's recent ones -> delivered text + findings
  (inbox.services, the send path); tier-2 intents are recorded, never masked;
- `refuse_contact_details`: the form-field check (marketplace.validators.reject_contact_details,
  the validator of gig texts, profiles, order notes, deals and disputes);
- `file_name_has_contact`: an attachment's file name (inbox.checks.check_attachment).

Some work needs contact details as its content (a business card holds the buyer's phone): a
category allows it, a seller's gig takes it up (marketplace, as data), and the order they belong
to is handed here as an `OrderContext`; `details_are_work` decides, so the apps below
moderation never need to know why a detail was let through.

Modelled on django-allauth's account adapter: a site changes the behaviour by subclassing
`ContactPolicy` and naming the subclass in `settings.GIGBOX_CONTACT_POLICY`;
`get_contact_policy()` returns the one instance, made on first use and made again when a
test overrides either setting. Core sits below every app: this module reads Django settings
and raises Django's ValidationError, and imports no app.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string

if TYPE_CHECKING:
    from core.contact import Finding, ScanResult

__all__ = [
    "CONTACT_DETAILS_CODE",
    "DEFAULT_CONTACT_POLICY",
    "WORK_CONTENT_RULE",
    "ContactPolicy",
    "MaskedMessage",
    "OrderContext",
    "get_contact_policy",
    "hides",
    "review_priority",
    "review_rule",
]

DEFAULT_CONTACT_POLICY = "core.contact_policy.ContactPolicy"
CONTACT_DETAILS_CODE = "contact_details"  # the ValidationError code of a refused field
WORK_CONTENT_RULE = "work.contact_content"  # the review rule of details let through as work


def hides(finding: Mapping[str, object]) -> bool:
    """Was this stored finding masked? Not a tier-2 intent, nor a detail let through as the
    work of an order (both are recorded for review, and delivered as written)."""
    return finding.get("tier", 1) == 1 and not finding.get("work")


def review_priority(findings: Sequence[Mapping[str, object]]) -> str:
    """ "high" when a detail was masked; "low" for intents and details let through as work,
    which were delivered and only wait for a moderator's look."""
    return "high" if any(hides(finding) for finding in findings) else "low"


def review_rule(finding: Mapping[str, object]) -> str:
    """The rule a stored finding is reviewed (and counted) under."""
    return WORK_CONTENT_RULE if finding.get("work") else str(finding.get("rule"))


@dataclass(frozen=True)
class OrderContext:
    """The order a text is written in, as the policy needs it (built by the marketplace).

    `details_are_work`: the gig takes contact details as work content and its category allows
    it; `active`: the order is still running."""

    order_id: int
    seller_id: int
    details_are_work: bool
    active: bool


@dataclass(frozen=True)
class MaskedMessage:
    """A chat message as delivered: the text the other side sees, and what was hidden."""

    delivered_body: str
    findings: list[dict[str, Any]]  # masked details, then tier-2 intents ("tier": 2)


class ContactPolicy:
    """What Gigbox does with contact details. Subclass it and override an attribute or a method,
    then name the subclass in `settings.GIGBOX_CONTACT_POLICY` (a dotted path).

    The detector is imported on first use, so that loading models and migrations (whose
    validators point here) does not load its tables.
    """

    #: What each kind of finding is called: notices, form errors and the admin's flag filter.
    kind_labels: Mapping[str, str] = MappingProxyType(
        {
            "phone": "phone number",
            "email": "email address",
            "handle": "messenger or social media handle",
            "link": "link",
            "intent": "intent to move off Gigbox",
        }
    )
    #: A link's platform (from its rule, "link.<platform>") as people write it.
    platform_names: Mapping[str, str] = MappingProxyType(
        {
            "whatsapp": "WhatsApp",
            "linkedin": "LinkedIn",
            "tiktok": "TikTok",
            "paypal": "PayPal",
            "wechat": "WeChat",
            "kakaotalk": "KakaoTalk",
            "cashapp": "Cash App",
            "google_meet": "Google Meet",
        }
    )
    #: Split detection reads at most this many of the sender's earlier messages in the
    #: conversation, and only those of the last `history_window`.
    history_messages: int = 5
    history_window: timedelta = timedelta(minutes=15)

    #: The sender's notice under a masked message; `{listed}` is "a phone number and a link".
    notice_text = (
        "We hid {listed}: sharing contact details is against the rules. Keep talking and paying "
        "on Gigbox, where your order is protected."
    )
    #: The same inside a running order, which says how to share what the work needs.
    order_notice_text = (
        "We hid {listed}: contact details stay hidden during an order too. Send the files the "
        "work needs as attachments here, and keep calls and meetings on Gigbox, where your "
        "order is protected."
    )
    #: The sender's reminder when a message shows intent to move off Gigbox (tier 2) but
    #: holds nothing to mask: delivered as written, flagged for review at low priority.
    reminder_text = (
        "Keep the conversation on Gigbox: messages, calls, files and payment all stay here, "
        "where your order is protected. Contact details shared outside are against the rules."
    )
    #: A refused form field; names the detail (`shown_chars` of it) so the writer finds it.
    form_error_text = (
        'Contact details are not allowed here: "%(value)s" (%(label)s). '
        "Keep the conversation on Gigbox."
    )
    shown_chars: int = 10

    @functools.cached_property
    def site_hosts(self) -> tuple[str, ...]:
        """The site's own hosts (settings.GIGBOX_SITE_HOSTS): their links and email
        addresses, and their subdomains', are never contact details."""
        return tuple(host.strip().lower() for host in settings.GIGBOX_SITE_HOSTS if host.strip())

    def scan(self, text: str, history: Sequence[str] = ()) -> ScanResult:
        """The detector's result for `text` on this site (`history`: see `mask_message`)."""
        from core.contact import scan

        return scan(text, history=list(history), allowed_hosts=self.site_hosts)

    # The entry points -------------------------------------------------------------------------

    def details_are_work(self, order: OrderContext | None, writer_id: int | None) -> bool:
        """Are contact details written by `writer_id` in `order` work content, delivered to
        the order's seller as written? Only while the order runs, and never the seller's own."""
        return (
            order is not None
            and order.details_are_work
            and order.active
            and writer_id is not None
            and writer_id != order.seller_id
        )

    def mask_message(
        self,
        body: str,
        history: Sequence[str] = (),
        *,
        order: OrderContext | None = None,
        writer_id: int | None = None,
    ) -> MaskedMessage:
        """Mask the contact details in a chat message. `history`: the sender's recent messages
        in the conversation, oldest first, so that a number split across them is still found.
        Intents (tier 2) are recorded as findings with "tier": 2 and never masked. In the
        thread of an order whose details are work (`details_are_work`), the details are
        recorded with "work": true and delivered as written."""
        result = self.scan(body, history)
        intents = [finding.to_dict() for finding in result.intents]
        if result.findings and self.details_are_work(order, writer_id):
            work = [{**finding.to_dict(), "work": True} for finding in result.findings]
            return MaskedMessage(body, work + intents)
        findings = [finding.to_dict() for finding in result.findings]
        return MaskedMessage(result.masked, findings + intents)

    def work_findings(
        self, text: str, order: OrderContext | None, writer_id: int | None
    ) -> list[dict[str, Any]]:
        """The details of a form text (an order's requirements) let through as work content,
        each marked "work": true, for the record and the audit flag; [] outside such an order."""
        if not text or not self.details_are_work(order, writer_id):
            return []
        return [{**finding.to_dict(), "work": True} for finding in self.scan(text).findings]

    def refuse_contact_details(
        self, text: str, *, order: OrderContext | None = None, writer_id: int | None = None
    ) -> None:
        """Raise ValidationError naming the first contact detail in `text`, if any (none in
        an order whose details are work, written by its buyer: see `details_are_work`)."""
        if not text or self.details_are_work(order, writer_id):
            return
        result = self.scan(text)
        if result.has_contact:
            raise self.form_error(text, result.findings[0])

    def file_name_has_contact(
        self, name: str, *, order: OrderContext | None = None, writer_id: int | None = None
    ) -> bool:
        """True when a file name carries contact details (such a file is refused), except in
        an order whose details are work, sent to its seller."""
        if self.details_are_work(order, writer_id):
            return False
        return self.scan(name).has_contact

    # Words --------------------------------------------------------------------------------------

    def label(self, kind: str, rule: str = "") -> str:
        """'email address', 'WhatsApp link': what a finding is, in a few words."""
        if kind == "link" and rule.startswith("link."):
            platform = rule.split(".")[1]
            name = self.platform_names.get(platform, platform.replace("_", " ").title())
            return f"{name} {self.kind_labels['link']}"
        return self.kind_labels.get(kind, "contact detail")

    def notice(
        self, findings: Sequence[Mapping[str, object]], *, in_active_order: bool = False
    ) -> str | None:
        """The sentence shown to a sender whose message was masked, the reminder when it only
        showed intent to move off Gigbox (tier 2), or None (details let through as work)."""
        hidden = [finding for finding in findings if hides(finding)]
        if not hidden:
            intent = any(finding.get("tier") == 2 for finding in findings)
            return self.reminder_text if intent else None
        kinds: list[str] = []
        for finding in hidden:
            words = _with_article(self.kind_labels.get(str(finding.get("kind")), "contact details"))
            if words not in kinds:
                kinds.append(words)
        listed = kinds[0] if len(kinds) == 1 else ", ".join(kinds[:-1]) + " and " + kinds[-1]
        text = self.order_notice_text if in_active_order else self.notice_text
        return text.format(listed=listed)

    def form_error(self, text: str, finding: Finding) -> ValidationError:
        """The error of a form field in which `finding` was found."""
        value = " ".join(text[finding.start : finding.end].split())
        if len(value) > self.shown_chars:  # enough for the writer to find it, not a copy of it
            value = value[: self.shown_chars] + "\u2026"
        return ValidationError(
            self.form_error_text,
            code=CONTACT_DETAILS_CODE,
            params={"value": value, "label": self.label(finding.kind, finding.rule)},
        )


def _with_article(words: str) -> str:
    if words == "contact details":
        return words
    return ("an " if words[:1].lower() in "aeiou" else "a ") + words


@functools.cache
def get_contact_policy() -> ContactPolicy:
    """The site's contact policy: an instance of settings.GIGBOX_CONTACT_POLICY, made once."""
    path = getattr(settings, "GIGBOX_CONTACT_POLICY", DEFAULT_CONTACT_POLICY)
    policy_class = import_string(path)
    if not (isinstance(policy_class, type) and issubclass(policy_class, ContactPolicy)):
        raise ImproperlyConfigured(f"GIGBOX_CONTACT_POLICY: {path} is not a ContactPolicy class.")
    return policy_class()


@receiver(setting_changed)
def _forget_policy(*, setting: str, **kwargs: object) -> None:
    """A test that overrides the policy or the site's hosts gets a policy made from them."""
    if setting in {"GIGBOX_CONTACT_POLICY", "GIGBOX_SITE_HOSTS"}:
        get_contact_policy.cache_clear()

"""How moderation tells a user: a system message in their "Gigbox Trust & Safety"
conversation (with the "gigbox" system account) and an email, plain text and HTML.

Called by moderation.services inside their transaction: the inbox notice is stored with the
decision; the email leaves after commit.
"""

from __future__ import annotations

import logging
from datetime import datetime, tzinfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from core.timestamps import local_time_text, localize_stamps, stamp
from inbox import services as inbox_services
from inbox.checks import SendError
from inbox.conversations import get_or_start_conversation
from inbox.send import post_system_message
from marketplace.models import NO_END, SYSTEM_USERNAME, has_no_end
from marketplace.time_zones import zone_of

logger = logging.getLogger(__name__)

__all__ = ["notify_user", "tell_reporters", "format_until", "system_account"]


def format_until(until: datetime | None, zone: tzinfo | None = None) -> str:
    """'1 Dec 2026, 21:30 IST' in `zone` (a page or an email), or without a zone a stamp for
    stored text (the notice's system line), shown in each reader's zone when read; 'until a
    moderator lifts it' for no end date."""
    if has_no_end(until):
        return "until a moderator lifts it"
    return stamp(until) if zone is None else local_time_text(until, zone, name_zone=True)


def system_account():
    """The sender of notices (created by migration 0004; recreated the same way if missing,
    e.g. after a test flush): active so that conversations with it can start, but it
    cannot log in (no usable password, no email, suspended for good)."""
    account, _ = get_user_model().objects.get_or_create(
        username=SYSTEM_USERNAME,
        defaults={
            "password": make_password(None),
            "first_name": "Gigbox Trust & Safety",
            "suspended_until": NO_END,
        },
    )
    return account


def _post_in_inbox(user, text: str) -> None:
    """Notices do not depend on block state: blocking the system account is refused
    (inbox.services.block_user), and a block from before that rule is removed here."""
    system = system_account()
    try:
        inbox_services.unblock_user(blocker=user, blocked=system)
        conversation = get_or_start_conversation(starter=system, other=user)
        post_system_message(conversation=conversation, body=text)
    except SendError as error:  # e.g. a deactivated user: the email still goes
        logger.warning(
            "moderation notice to user %s not posted in the inbox: %s", user.pk, error.code
        )


def account_url() -> str:
    """The absolute address of the account page (health, strikes, appeals): every notice
    points there, the one page a suspended user can still open."""
    return settings.SITE_URL + reverse("moderation:health")


def _send_email(user, subject: str, text: str) -> None:
    if not user.email:
        return
    text = localize_stamps(text, zone_of(user), name_zone=True)  # the recipient's zone, named
    context = {
        "user": user,
        "subject": subject,
        "text": text,
        "health_url": account_url(),
    }
    email = EmailMultiAlternatives(
        subject=f"[Gigbox] {subject}",
        body=render_to_string("email/moderation_notice.txt", context),
        to=[user.email],
    )
    email.attach_alternative(render_to_string("email/moderation_notice.html", context), "text/html")
    try:
        email.send()
    except Exception:  # the inbox notice is stored; a mail server outage must not undo it
        logger.exception("moderation notice email to user %s failed", user.pk)


def tell_reporters(flag, *, took_action: bool) -> None:
    """Each user who reported the flag's message hears the outcome in their inbox, without
    the details of any sanction (those are the sender's business)."""
    message = flag.message
    outcome = "we took action" if took_action else "we reviewed it and found no breach"
    sender = message.sender.public_name if message.sender_id else "Gigbox"
    for report in flag.reports.select_related("reporter"):
        # The day in the reporter's own zone: the one they saw the message on.
        day = message.created_at.astimezone(zone_of(report.reporter)).strftime("%-d %b %Y")
        _post_in_inbox(
            report.reporter,
            f"Thanks for your report about a message from {sender} on {day}: {outcome}.",
        )


def notify_user(user, *, subject: str, text: str) -> None:
    """Post `text` in the user's Trust & Safety conversation now; email it after commit."""
    _post_in_inbox(user, f"{subject}\n\n{text}")
    transaction.on_commit(lambda: _send_email(user, subject, text))

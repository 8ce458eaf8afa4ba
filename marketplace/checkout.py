"""Checkout: the summary a buyer confirms, and placing the order with the seller's questions
answered.

A gig with requirement questions is ordered with its answers in one transaction: the order,
its answers (files included) and the requirements step, so the seller can start at once. A
gig without questions is ordered as before (the buyer writes the requirements next). Payment
is simulated everywhere: the price is recorded, no money moves.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.text import get_valid_filename

from config import clock
from marketplace import files as file_types
from marketplace import services
from marketplace.availability import away_profile, away_until_text
from marketplace.models import Gig, Order, OrderAnswer, Package, RequirementQuestion, User
from marketplace.order_flow import OrderTransitionError
from marketplace.validators import reject_contact_details

__all__ = [
    "Summary",
    "summary_for",
    "summary_of_terms",
    "answer_field",
    "place_checked_order",
    "revisions_text",
]


def revisions_text(count: int) -> str:
    """'No revisions', '1 revision', '3 revisions'."""
    if count == 0:
        return "No revisions"
    return f"{count} revision{'' if count == 1 else 's'}"


@dataclass(frozen=True)
class Summary:
    """What the buyer gets, as a checkout page states it (a gig's package or a custom offer:
    templates/marketplace/partials/order_summary.html shows either)."""

    label: str  # "Standard: Logo + source files", an offer's title
    description: str
    price: Decimal
    delivery_days: int
    delivery_date: datetime  # in the buyer's time zone
    timezone_name: str
    revisions: str
    questions: list[RequirementQuestion] = field(default_factory=list)
    package: Package | None = None


def summary_of_terms(
    *,
    label: str,
    description: str,
    price: Decimal,
    delivery_days: int,
    revisions: int,
    buyer: User,
    now: datetime | None = None,
) -> Summary:
    """A summary of any terms: delivery counted from now, shown in the buyer's time zone."""
    zone = zoneinfo.ZoneInfo(buyer.timezone or "UTC")
    due = (now or clock.now()) + timedelta(days=delivery_days)
    return Summary(
        label=label,
        description=description,
        price=price,
        delivery_days=delivery_days,
        delivery_date=due.astimezone(zone),
        timezone_name=buyer.timezone or "UTC",
        revisions=revisions_text(revisions),
    )


def summary_for(*, package: Package, buyer: User, now: datetime | None = None) -> Summary:
    """The checkout summary of a gig's package, with the seller's questions."""
    tier = package.get_tier_display()
    label = tier if package.name.lower() == tier.lower() else f"{tier}: {package.name}"
    terms = summary_of_terms(
        label=label,
        description=package.description,
        price=package.price,
        delivery_days=package.delivery_days,
        revisions=package.revisions,
        buyer=buyer,
        now=now,
    )
    return replace(terms, questions=list(package.gig.questions.all()), package=package)


def check_not_away(gig: Gig) -> None:
    """Orders wait while the seller is away (messages do not)."""
    profile = away_profile(gig.seller, clock.now())
    if profile is not None:
        raise OrderTransitionError(
            f"{profile.display_name} is away until {away_until_text(profile)}: "
            "orders open again then. You can still send a message."
        )


def answer_field(question: RequirementQuestion) -> str:
    """The form field name of a question's answer."""
    return f"answer_{question.pk}"


@dataclass(frozen=True)
class _Answer:
    question: RequirementQuestion
    text: str = ""
    file: UploadedFile | None = None
    file_name: str = ""
    content_type: str = ""


def _checked_file(question: RequirementQuestion, upload: UploadedFile) -> _Answer:
    field = answer_field(question)
    limit = settings.GIGBOX_ATTACHMENT_MAX_BYTES
    if upload.size > limit:
        raise ValidationError({field: f"The file is too large: the limit is {limit >> 20} MB."})
    original = PurePath(upload.name or "file").name
    try:
        reject_contact_details(original)
    except ValidationError as error:
        raise ValidationError({field: error.messages}) from None
    content_type = file_types.detect_content_type(upload, original, file_types.ATTACHMENT_TYPES)
    if content_type is None:
        raise ValidationError(
            {field: "This file type is not accepted. Send images, PDF, ZIP or documents."}
        )
    ext = file_types.stored_extension(content_type, original)
    name = f"{get_valid_filename(PurePath(original).stem)[:150] or 'file'}{ext}"
    return _Answer(question, file=upload, file_name=name, content_type=content_type)


def _checked_answer(question: RequirementQuestion, text: str, upload) -> _Answer | None:
    """The answer to one question, or None for an optional one left blank."""
    field = answer_field(question)
    if question.kind == RequirementQuestion.Kind.FILE:
        if upload is None:
            if question.required:
                raise ValidationError({field: "Attach a file to answer this question."})
            return None
        return _checked_file(question, upload)
    text = text.strip()
    if not text:
        if question.required:
            raise ValidationError({field: "Answer this question."})
        return None
    if question.kind == RequirementQuestion.Kind.CHOICE and text not in question.choice_list:
        raise ValidationError({field: "Choose one of the options."})
    try:
        reject_contact_details(text)
    except ValidationError as error:
        raise ValidationError({field: error.messages}) from None
    return _Answer(question, text=text[:2000])


def check_answers(
    questions: list[RequirementQuestion], texts: dict[str, str], uploads: dict[str, UploadedFile]
) -> list[_Answer]:
    """Every question's answer checked; one ValidationError naming every bad field."""
    answers, errors = [], {}
    for question in questions:
        field = answer_field(question)
        try:
            answer = _checked_answer(question, texts.get(field, ""), uploads.get(field))
        except ValidationError as error:
            errors.update(error.message_dict)
            continue
        if answer is not None:
            answers.append(answer)
    if errors:
        raise ValidationError(errors)
    return answers


def _requirements_text(answers: list[_Answer]) -> str:
    blocks = [f"{a.question.prompt}\n{a.text or f'(file: {a.file_name})'}" for a in answers]
    return "\n\n".join(blocks)[:5000]


def _store_answers(order: Order, answers: list[_Answer], stored: list[OrderAnswer]) -> None:
    for position, answer in enumerate(answers):
        row = OrderAnswer(
            order=order,
            prompt=answer.question.prompt,
            kind=answer.question.kind,
            text=answer.text,
            file_name=answer.file_name,
            content_type=answer.content_type,
            position=position,
        )
        row.full_clean(exclude=["file"])
        if answer.file is not None:
            row.file.save(answer.file_name, answer.file, save=False)
            stored.append(row)
        row.save()


@transaction.atomic
def place_checked_order(
    *,
    buyer: User,
    package: Package,
    texts: dict[str, str] | None = None,
    uploads: dict[str, UploadedFile] | None = None,
) -> Order:
    """Place the order from the checkout page. With questions, their answers are checked
    first (nothing is written when one is wrong) and sent as the requirements."""
    check_not_away(package.gig)
    questions = list(package.gig.questions.all())
    answers = check_answers(questions, texts or {}, uploads or {})
    order = services.place_order(buyer=buyer, package=package)
    if not questions:
        return order
    stored: list[OrderAnswer] = []
    try:
        _store_answers(order, answers, stored)
        text = _requirements_text(answers) or "(no answers to the optional questions)"
        services.submit_requirements(order=order, actor=buyer, requirements=text)
    except Exception:
        for row in stored:  # a refused step must not leave files behind
            row.file.delete(save=False)
        raise
    return order

"""What a seller writes around a gig besides its texts: the FAQ and the requirement questions.

Both are replaced as a whole from the seller's form, checked for contact details like every
seller text (marketplace.validators), in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from marketplace.models import Gig, RequirementQuestion
from marketplace.validators import reject_contact_details

__all__ = ["FaqEntry", "QuestionData", "set_faq", "set_requirement_questions"]

MAX_FAQ = 10
MAX_QUESTIONS = 10
MAX_FAQ_CHARS = {"question": 200, "answer": 1000}


@dataclass(frozen=True)
class FaqEntry:
    question: str
    answer: str


@dataclass(frozen=True)
class QuestionData:
    prompt: str
    kind: str = RequirementQuestion.Kind.TEXT
    choices: str = ""
    required: bool = True


def _checked_faq(entry: FaqEntry) -> dict[str, str]:
    texts = {"question": entry.question.strip(), "answer": entry.answer.strip()}
    for field, text in texts.items():
        if not text:
            raise ValidationError({"faq": "Each FAQ entry needs a question and an answer."})
        if len(text) > MAX_FAQ_CHARS[field]:
            raise ValidationError(
                {"faq": f"An FAQ {field} can be {MAX_FAQ_CHARS[field]} characters at most."}
            )
        try:
            reject_contact_details(text)
        except ValidationError as error:
            raise ValidationError({"faq": error.messages}) from None
    return texts


@transaction.atomic
def set_faq(*, gig: Gig, entries: list[FaqEntry]) -> Gig:
    """Replace the gig's FAQ (shown on the gig page in this order)."""
    if len(entries) > MAX_FAQ:
        raise ValidationError({"faq": f"A gig can have {MAX_FAQ} FAQ entries at most."})
    gig.faq = [_checked_faq(entry) for entry in entries]
    gig.save(update_fields=["faq", "updated_at"])
    return gig


def _question(gig: Gig, position: int, data: QuestionData) -> RequirementQuestion:
    question = RequirementQuestion(
        gig=gig,
        position=position,
        prompt=data.prompt.strip(),
        kind=data.kind,
        choices=data.choices.strip() if data.kind == RequirementQuestion.Kind.CHOICE else "",
        required=data.required,
    )
    question.full_clean()
    if question.kind == RequirementQuestion.Kind.CHOICE and len(question.choice_list) < 2:
        raise ValidationError({"choices": "A multiple-choice question needs two choices or more."})
    return question


@transaction.atomic
def set_requirement_questions(
    *, gig: Gig, questions: list[QuestionData]
) -> list[RequirementQuestion]:
    """Replace the questions buyers answer at checkout. Orders keep their own copy of the
    questions they answered (OrderAnswer.prompt), so earlier orders do not change."""
    if len(questions) > MAX_QUESTIONS:
        raise ValidationError(f"A gig can ask {MAX_QUESTIONS} questions at most.")
    rows = [_question(gig, position, data) for position, data in enumerate(questions)]
    gig.questions.all().delete()
    return RequirementQuestion.objects.bulk_create(rows)

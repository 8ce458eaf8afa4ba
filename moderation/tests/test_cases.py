"""Issue 18, problem 2: a burst of flags is one case, decided once. Confirming the case gives
ONE strike citing all its messages; its other flags close as "covered by strike N"; the
detector rules count one confirmation, no false positive, and show a rate only from 20
decisions up."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError

from config import clock
from moderation import cases, selectors, services
from moderation.models import Case, Flag, Strike

A = "/admin/moderation"


@pytest.fixture
def burst(conversation, bob, send):
    """Bob sends 20 messages with a phone number to alice: 20 flags."""
    for i in range(20):
        send(conversation, bob, f"call me on +49 151 2345678{i % 10} ({i})")
    return list(Flag.objects.order_by("id"))


def test_a_burst_of_flags_is_one_case(burst, conversation, bob):
    """Problem 2: the twenty flags of one sender in one conversation share one open case."""
    assert len(burst) == 20
    case = Case.objects.get()
    assert (case.sender, case.conversation, case.status) == (bob, conversation, Case.Status.OPEN)
    assert {flag.case_id for flag in burst} == {case.pk}


def test_another_sender_or_conversation_or_a_late_flag_opens_another_case(
    conversation, bob, alice, charlie, send, settings
):
    """Problem 2: a case is one sender, one conversation, one window."""
    from inbox.conversations import get_or_start_conversation

    send(conversation, bob, "call +49 151 23456789")
    send(conversation, alice, "mail alice.x@example.com")
    other = get_or_start_conversation(starter=charlie, other=bob)
    send(other, bob, "call +49 151 23456780")
    assert Case.objects.count() == 3
    settings.GIGBOX_CASE_WINDOW_HOURS = 1
    with time_machine.travel(clock.now() + timedelta(hours=2)):
        send(conversation, bob, "call +49 151 23456781")
    assert Case.objects.filter(sender=bob, conversation=conversation).count() == 2


def test_confirming_the_case_gives_one_strike_citing_every_message(burst, bob, mona):
    """Problem 2: one strike, not twenty; the note lists the messages; the others are
    covered by that strike."""
    case = Case.objects.get()
    strike = cases.confirm_case(
        case=case, moderator=mona, kind=Strike.Kind.CONTACT_SHARING, note="Keep contact here."
    )

    assert Strike.objects.count() == 1 and strike.user == bob and strike.case == case
    assert strike.note.startswith("Keep contact here.")
    assert strike.note.count("\n- ") == 20 and "your conversation with alice" in strike.note
    assert "23456789" not in strike.note  # delivered text only
    resolutions = list(Flag.objects.order_by("message__seq").values_list("resolution", flat=True))
    assert resolutions == ["confirmed"] + ["covered"] * 19
    assert set(
        Flag.objects.exclude(resolution="confirmed").values_list("covered_by", flat=True)
    ) == {strike.pk}
    case.refresh_from_db()
    assert case.status == Case.Status.CONFIRMED and case.decided_by == mona
    with pytest.raises(ValidationError, match="already handled"):
        cases.dismiss_case(case=case, moderator=mona)


def test_the_rules_count_a_confirmed_burst_once_and_no_false_positive(burst, mona):
    """Problem 2: the old way (confirm one, dismiss 19) read as 95-100 % dismissals."""
    cases.confirm_case(
        case=Case.objects.get(),
        moderator=mona,
        kind=Strike.Kind.CONTACT_SHARING,
        note="No contact sharing here.",
    )
    stats = selectors.rule_stats()
    assert stats and all((s.flags, s.confirmed, s.dismissed) == (20, 1, 0) for s in stats)
    assert all(s.dismissal_rate is None for s in stats)  # one decision: no rate


def test_dismissed_case_counts_once_and_duplicates_not_at_all(burst, mona):
    """Problem 2: "dismissed: not contact" counts one dismissal per case; a duplicate none."""
    case = Case.objects.get()
    cases.close_as_duplicate(flag=burst[0], moderator=mona)
    cases.dismiss_case(case=case, moderator=mona, note="Order numbers")
    assert set(Flag.objects.values_list("resolution", flat=True)) == {"duplicate", "not_contact"}
    assert all((s.dismissed, s.confirmed) == (1, 0) for s in selectors.rule_stats())


def test_a_rate_only_from_twenty_decisions(alice, mona, send):
    """Problem 2: 19 decisions (19 cases) give a count and no rate; the 20th gives the rate."""
    from inbox.conversations import get_or_start_conversation
    from marketplace.tests.factories import UserFactory

    for i in range(20):
        sender = UserFactory(username=f"sender{i}")
        thread = get_or_start_conversation(starter=sender, other=alice)
        send(thread, sender, f"call me on +49 151 2345678{i % 10}")
    flags = list(Flag.objects.order_by("id"))
    assert Case.objects.count() == 20
    for flag in flags[:19]:
        services.dismiss_flag(flag=flag, moderator=mona)
    stats = selectors.rule_stats()
    assert all(s.decisions == 19 and s.dismissal_rate is None for s in stats)
    services.dismiss_flag(flag=flags[19], moderator=mona)
    assert all(s.decisions == 20 and s.dismissal_rate == 1.0 for s in selectors.rule_stats())


def test_the_rules_page_shows_the_count_beside_no_rate(client, burst, mona):
    """Problem 2: "12 decisions, too few for a rate"."""
    for flag in burst[:12]:
        services.dismiss_flag(flag=flag, moderator=mona)  # twelve flags of one case
    client.force_login(mona)
    page = client.get(f"{A}/flag/rules/").content.decode()
    assert "1 decision, too few for a rate" in page and "%" not in page.split("<tbody>")[1]


def test_the_queue_lists_cases_filters_by_rule_and_confirms_a_case(client, burst, mona, bob):
    """Problem 2: the case queue, its rule filter, and "confirm case" in admin."""
    case = Case.objects.get()
    rule = burst[0].rules[0]
    client.force_login(mona)
    queue = client.get(f"{A}/case/")
    assert [c.pk for c in queue.context["cl"].result_list] == [case.pk]
    assert "bob ↔ alice" in queue.content.decode() or "alice ↔ bob" in queue.content.decode()
    assert [c.pk for c in client.get(f"{A}/case/", {"rule": rule}).context["cl"].result_list] == [
        case.pk
    ]
    assert list(client.get(f"{A}/case/", {"rule": "no.such"}).context["cl"].result_list) == []
    assert client.get(f"{A}/flag/", {"rule": rule}).context["cl"].result_count == 20

    page = client.get(f"{A}/case/{case.pk}/change/").content.decode()
    assert "Confirm case and give one strike" in page and "data-triage-case" in page
    response = client.post(
        f"{A}/case/{case.pk}/decide/confirm/",
        {"confirm-kind": "contact_sharing", "confirm-note": "Keep contact on Gigbox."},
    )
    assert response.status_code == 302
    assert Strike.objects.get().user == bob and Flag.objects.filter(status="open").count() == 0


def test_a_reviewer_cannot_decide_a_case(client, burst, rita):
    client.force_login(rita)
    case = Case.objects.get()
    assert client.post(f"{A}/case/{case.pk}/decide/dismiss/").status_code == 403
    assert Case.objects.get().status == Case.Status.OPEN

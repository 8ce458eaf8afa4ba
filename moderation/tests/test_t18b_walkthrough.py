"""Issue 18 follow-up: the moderator walkthrough of the running admin (t18b). Each test names
the numbered problem of that walkthrough it covers."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from inbox.models import MessageWithdrawal
from moderation import services
from moderation.models import Case, Flag, StaffAccess, Strike

pytestmark = pytest.mark.django_db

NOTE = "Sharing a phone number is not allowed on Gigbox."


def client_for(user) -> Client:
    client = Client()
    client.force_login(user, backend="moderation.auth.NotSuspendedModelBackend")
    return client


@pytest.fixture
def split_number(conversation, send, bob):
    """Bob splits a number: the first two parts pass the detector, the third is flagged."""
    first = send(conversation, bob, "My number is 917").message
    second = send(conversation, bob, "555").message
    flagged = send(conversation, bob, "call me on +49 151 23456789 please").message
    return first, second, Flag.objects.get(message=flagged)


def test_reveal_and_hide_stay_on_a_decided_flag(split_number, mona):
    """Problem 1: once confirmed, the flag offered neither "Reveal original…" nor "Hide…"."""
    *_, flag = split_number
    services.confirm_flag(flag=flag, moderator=mona, kind=Strike.Kind.CONTACT_SHARING, note=NOTE)
    client = client_for(mona)
    page = client.get(f"/admin/moderation/flag/{flag.pk}/change/").content.decode()
    assert f"/admin/moderation/flag/{flag.pk}/reveal/" in page
    assert f"/admin/moderation/flag/{flag.pk}/hide/" in page
    response = client.post(
        f"/admin/moderation/flag/{flag.pk}/reveal/",
        {"reason": "Appeal review of this flag"},
        follow=True,
    )
    assert "23456789" in response.content.decode()
    assert StaffAccess.objects.filter(action="reveal_original").count() == 1


def test_the_other_parts_of_a_split_number_can_be_hidden(split_number, mona, alice, charlie):
    """Problem 1: "My number is 917" / "555" were delivered unmasked and could not be hidden."""
    first, second, flag = split_number
    client = client_for(mona)
    page = client.get(f"/admin/moderation/flag/{flag.pk}/change/").content.decode()
    for part in (first, second):
        assert f"/admin/moderation/flag/{flag.pk}/hide/{part.pk}/" in page
    url = f"/admin/moderation/flag/{flag.pk}/hide/{first.pk}/"
    assert client.post(url, {"reason": "x"}).status_code == 400
    assert client.post(url, {"reason": "First part of a split phone number"}).status_code == 302
    withdrawal = MessageWithdrawal.objects.get()
    assert (withdrawal.message, withdrawal.reference) == (first, f"flag:{flag.pk}")
    access = StaffAccess.objects.get()
    assert (access.action, access.message) == ("hide_message", first)
    page = client.get(f"/admin/moderation/flag/{flag.pk}/change/").content.decode()
    assert f'data-context-hidden="{first.pk}"' in page
    # Only the sender's own messages of this flag's context.
    assert (
        client.post(
            f"/admin/moderation/flag/{flag.pk}/hide/{flag.message_id + 1000}/",
            {"reason": "First part of a split phone number"},
        ).status_code
        == 404
    )


# Problem 2: several open cases, a strike already given -----------------------------------------


@pytest.fixture
def two_cases(conversation, send, bob, charlie):
    """Bob shares his number with alice three times (one case) and with charlie (another)."""
    from inbox.conversations import get_or_start_conversation

    for i in range(3):
        send(conversation, bob, f"call me on +49 151 2345678{i}")
    other = get_or_start_conversation(starter=charlie, other=bob)
    send(other, bob, "call me on +49 151 23456789")
    return list(Case.objects.order_by("id"))


def test_the_case_page_links_the_senders_other_open_cases(two_cases, mona):
    """Problem 2: several open cases of one user were not linked."""
    first, second = two_cases
    page = client_for(mona).get(f"/admin/moderation/case/{first.pk}/change/").content.decode()
    assert f'data-other-case="{second.pk}"' in page
    assert f"/admin/moderation/case/{second.pk}/change/" in page


def test_a_strike_already_given_in_the_case_is_warned_about(two_cases, mona):
    """Problem 2: "ONE strike ... strike 2" was offered with no word of the strike given for a
    message of this case."""
    case = two_cases[0]
    flag = case.flags.order_by("id").first()
    strike = services.confirm_flag(
        flag=flag, moderator=mona, kind=Strike.Kind.CONTACT_SHARING, note=NOTE
    )
    page = client_for(mona).get(f"/admin/moderation/case/{case.pk}/change/").content.decode()
    assert f'data-prior-strike="{strike.pk}"' in page
    assert "Already struck" in page
    # The moderator closes the case as covered by that strike: no second strike.
    response = client_for(mona).post(
        f"/admin/moderation/case/{case.pk}/decide/cover/", {"strike": strike.pk}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Case.Status.CONFIRMED
    assert Strike.objects.count() == 1
    assert set(case.flags.values_list("resolution", flat=True)) == {"confirmed", "covered"}


def test_confirming_a_case_whose_messages_are_all_struck_gives_no_new_strike(two_cases, mona):
    """Problem 2: a case whose every message an existing strike covers closes as covered."""
    case = two_cases[0]
    flags = list(case.flags.order_by("id"))
    strike = services.confirm_flag(
        flag=flags[0], moderator=mona, kind=Strike.Kind.CONTACT_SHARING, note=NOTE
    )
    for flag in flags[1:]:  # the same messages flagged again (e.g. reported), in a new case
        Flag.objects.filter(pk=flag.pk).update(covered_by=strike)
    Flag.objects.filter(pk=flags[0].pk).update(status=Flag.Status.OPEN, resolution="")
    page = client_for(mona).get(f"/admin/moderation/case/{case.pk}/change/").content.decode()
    assert "no new strike" in page
    response = client_for(mona).post(
        f"/admin/moderation/case/{case.pk}/decide/confirm/",
        {"confirm-kind": Strike.Kind.CONTACT_SHARING, "confirm-note": NOTE},
    )
    assert response.status_code == 302
    assert Strike.objects.count() == 1
    case.refresh_from_db()
    assert case.status == Case.Status.CONFIRMED
    assert set(case.flags.values_list("resolution", flat=True)) == {"covered"}


def test_the_user_pages_strike_action_previews_its_escalation(mona, bob):
    """Problem 3: the per-user "strike" action had no escalation preview (the case page had)."""
    for _ in range(2):
        services.give_strike(
            user=bob, kind=Strike.Kind.SPAM, moderator=mona, note="Spam reported by buyers."
        )
    page = client_for(mona).get(f"/admin/moderation/moderateduser/{bob.pk}/change/")
    assert 'data-next-step="3"' in page.content.decode()
    assert "This is strike 3: account suspended for 30 days." in page.content.decode()


# Problem 4: every reason the user reads has 10 characters at least -----------------------------


def test_a_one_letter_lift_reason_is_refused_with_the_staff_reason_wording(mona, bob):
    """Problem 4: a lift reason "x" was accepted and shown to the user."""
    from moderation.staff_access import MIN_REASON_CHARS, require_reason

    with pytest.raises(ValidationError) as staff_read:
        require_reason("x")
    wording = staff_read.value.messages[0].split(":")[0]
    assert str(MIN_REASON_CHARS) in wording
    sanction = services.impose_sanction(
        user=bob, kind="restrict", moderator=mona, reason="Spam sent to three buyers."
    )
    client = client_for(mona)
    response = client.post(
        f"/admin/moderation/moderateduser/{bob.pk}/act/lift/",
        {"lift-sanction": sanction.pk, "lift-reason": "x"},
    )
    assert response.status_code == 200 and wording in response.content.decode()
    sanction.refresh_from_db()
    assert sanction.lifted_at is None
    with pytest.raises(ValidationError, match=wording):
        services.lift_sanction(sanction=sanction, moderator=mona, reason="x")


@pytest.mark.parametrize("action", ["restrict", "suspend", "strike", "appeal"])
def test_every_user_facing_reason_needs_ten_characters(action, mona, otto, bob):
    """Problem 4: restrict, suspend, strike note and appeal decision reasons of "x"."""
    wording = "Give a reason of at least 10 characters"
    with pytest.raises(ValidationError, match=wording):
        if action in ("restrict", "suspend"):
            services.impose_sanction(user=bob, kind=action, moderator=mona, reason="Fraud.")
        elif action == "strike":
            services.give_strike(user=bob, kind=Strike.Kind.SPAM, moderator=mona, note="Spam.")
        else:
            strike = services.give_strike(
                user=bob, kind=Strike.Kind.SPAM, moderator=mona, note="Spam sent to buyers."
            )
            appeal = services.file_appeal(
                strike=strike, user=bob, text="It was not me, I never sent it."
            )
            services.decide_appeal(appeal=appeal, moderator=otto, uphold=False, reason="No.")
    page = client_for(mona).post(
        f"/admin/moderation/moderateduser/{bob.pk}/act/sanction/",
        {"sanction-kind": "restrict", "sanction-reason": "Spam."},
    )
    assert wording in page.content.decode()


def test_decided_cases_and_flags_show_the_outcome_not_the_preview(two_cases, mona, bob):
    """Problem 5: a confirmed case still said "Confirming gives ONE strike for all 0 open
    messages: strike 4 ..."; a confirmed flag "Confirming gives strike 5"."""
    from moderation.cases import confirm_case

    case = two_cases[0]
    strike = confirm_case(case=case, moderator=mona, kind=Strike.Kind.CONTACT_SHARING, note=NOTE)
    client = client_for(mona)
    page = client.get(f"/admin/moderation/case/{case.pk}/change/").content.decode()
    assert "Confirming gives" not in page and "data-next-step" not in page
    assert "Confirmed by mona on " in page and f"strike 1 of 1 active (#{strike.pk})" in page
    flag = case.flags.order_by("id").last()
    page = client.get(f"/admin/moderation/flag/{flag.pk}/change/").content.decode()
    assert "Confirming gives" not in page
    assert f"strike 1 of 1 active (#{strike.pk})" in page


# Problem 6: names, not ids ---------------------------------------------------------------------


@pytest.fixture
def order_thread(alice, bob, gig):
    from inbox.conversations import get_or_start_conversation
    from marketplace.tests.factories import OrderFactory

    order = OrderFactory(buyer=bob, gig=gig, title="Logo design")
    return get_or_start_conversation(starter=bob, other=alice, order=order)


def test_contact_search_names_the_conversation(order_thread, send, bob, mona):
    """Problem 6: the conversation column showed "10 · #34"."""
    message = send(order_thread, bob, "call me on +49 151 23456789").message
    page = (
        client_for(mona)
        .post(
            "/admin/moderation/flag/contact-search/",
            {"query": "+49 151 23456789", "reason": "Who else shared this number?"},
        )
        .content.decode()
    )
    order = order_thread.order
    assert f"bob ↔ alice, order #{order.pk} &#x27;Logo design&#x27;, message {message.seq}" in page
    assert f"{order_thread.pk} · #{message.seq}" not in page


def test_the_flag_context_names_the_other_participant(conversation, send, alice, bob, mona):
    """Problem 6: the flag context said "other participant" instead of the username."""
    send(conversation, alice, "Hello, what do you need?")
    flag = Flag.objects.get(message=send(conversation, bob, "call +49 151 23456789").message)
    page = client_for(mona).get(f"/admin/moderation/flag/{flag.pk}/change/").content.decode()
    assert "other participant" not in page
    assert f'data-context-sender="{alice.pk}">alice</a>' in page


def test_the_user_page_links_orders_and_counterparts(order_thread, alice, bob, mona):
    """Problem 6: orders and counterpart usernames were plain text on the per-user page."""
    page = client_for(mona).get(f"/admin/moderation/moderateduser/{bob.pk}/change/")
    html = page.content.decode()
    order = order_thread.order
    assert f'href="/orders/{order.pk}/" data-order="{order.pk}"' in html
    assert f'href="/admin/moderation/moderateduser/{alice.pk}/change/" data-counterpart' in html
    # The order page asks a staff member's reason before it shows anything (recorded read).
    form = client_for(mona).get(f"/orders/{order.pk}/")
    assert b'name="reason"' in form.content and not StaffAccess.objects.exists()


def test_the_decisions_list_keeps_names_as_stored(mona, bob):
    """Problem 6: the decisions list lower-cased "Gigbox"."""
    services.give_strike(
        user=bob,
        kind=Strike.Kind.OFF_PLATFORM_PAYMENT,
        moderator=mona,
        note="Asked a buyer to pay by bank transfer.",
    )
    page = client_for(mona).get("/admin/moderation/case/decisions/").content.decode()
    assert "asking for payment outside Gigbox" in page


# Problem 8: the access log export tells the 10-character rule -------------------------------


@pytest.mark.parametrize("reason", ["x", "audit", "   "])
def test_the_log_export_with_a_short_reason_says_the_ten_character_rule(root, reason):
    """Problem 8: a too-short export reason gave a generic error, not the rule."""
    response = client_for(root).post("/admin/moderation/staffaccess/export/", {"reason": reason})
    assert response.status_code == 400
    field_errors = response.context["form"].errors["reason"]
    assert field_errors == [
        "Give a reason of at least 10 characters: it is kept in the staff access log with your "
        "name and the time."
    ]
    assert 'class="errorlist' in response.content.decode()
    assert not StaffAccess.objects.exists()

"""Issue 18 follow-up (t18w): a moderator's and a dispute reviewer's walkthrough. Each test
names the numbered item of that walkthrough it covers."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from moderation import cases, services
from moderation.models import Appeal, Case, Flag, StaffAccess, Strike

pytestmark = pytest.mark.django_db

NOTE = "Sharing a phone number is not allowed on Gigbox."
A = "/admin/moderation"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user, backend="moderation.auth.NotSuspendedModelBackend")
    return client


@pytest.fixture
def burst(conversation, bob, send):
    """Bob sends 3 contact messages in a few seconds: one case of three flags."""
    for i in range(3):
        send(conversation, bob, f"call me on +49 151 2345678{i} ({i})")
    return list(Flag.objects.order_by("id"))


def _confirm(client: Client, flag: Flag):
    return client.post(
        f"{A}/flag/{flag.pk}/decide/confirm/",
        {"confirm-kind": Strike.Kind.CONTACT_SHARING, "confirm-note": NOTE},
        follow=True,
    )


def test_a_second_flag_of_a_struck_case_gives_no_second_strike(burst, mona, bob):
    """Item 1: confirming flag 31, then flag 32 of the same case, gave strike 2 and a 7-day
    restriction. The second page now warns and offers "covered by"; the server gives none."""
    client = client_for(mona)
    first = _confirm(client, burst[0]).content.decode()
    assert "strike 1 of 1 active" in first

    page = client.get(f"{A}/flag/{burst[1].pk}/change/").content.decode()
    assert "data-case-strike" in page and "Already struck" in page
    assert "Close as covered by strike 1 of 1 active" in page
    assert "Confirming gives strike 2" not in page

    answer = _confirm(client, burst[1]).content.decode()  # a stale page or a direct POST
    assert "no new strike" in answer
    assert Strike.objects.filter(user=bob).count() == 1
    bob.refresh_from_db()
    assert bob.messaging_restricted_until is None
    burst[1].refresh_from_db()
    assert burst[1].resolution == Flag.Resolution.COVERED
    assert burst[1].covered_by == Strike.objects.get()

    client.post(f"{A}/flag/{burst[2].pk}/decide/cover/")
    assert Flag.objects.filter(status=Flag.Status.OPEN).count() == 0
    assert Case.objects.get().status == Case.Status.CONFIRMED
    assert Strike.objects.count() == 1


def test_the_service_itself_never_gives_a_second_strike_per_case(burst, mona):
    """Item 1, server side: services.confirm_flag covers, whoever calls it."""
    kwargs = {"moderator": mona, "kind": Strike.Kind.CONTACT_SHARING, "note": NOTE}
    first = services.confirm_flag(flag=burst[0], **kwargs)
    again = services.confirm_flag(flag=burst[1], **kwargs)
    assert again == first and Strike.objects.count() == 1


def test_the_case_page_of_a_struck_case_offers_no_second_strike(burst, mona, bob):
    """Re-walk: after a flag-level confirm, the case page still offered "Confirm case and give
    one strike" (strike 2, a restriction) beside "covered". One strike per case there too."""
    services.confirm_flag(
        flag=burst[0], moderator=mona, kind=Strike.Kind.CONTACT_SHARING, note=NOTE
    )
    case = Case.objects.get()
    page = client_for(mona).get(f"{A}/case/{case.pk}/change/").content.decode()
    assert "Close as covered by strike 1 of 1 active" in page
    assert "Confirm case and give one strike" not in page and "data-next-step" not in page

    again = cases.confirm_case(  # a stale page or a direct POST
        case=case, moderator=mona, kind=Strike.Kind.CONTACT_SHARING, note=NOTE
    )
    assert again == Strike.objects.get() and Strike.objects.filter(user=bob).count() == 1
    assert not Flag.objects.filter(status=Flag.Status.OPEN).exists()
    assert Case.objects.get().status == Case.Status.CONFIRMED


def test_bulk_dismiss_refuses_the_flags_of_a_struck_case(burst, mona):
    """Item 1, the flag list's bulk actions: dismissing the rest as false positives after a
    strike would count them against the rules; refused with the way out, which covers."""
    services.confirm_flag(
        flag=burst[0], moderator=mona, kind=Strike.Kind.CONTACT_SHARING, note=NOTE
    )
    client = client_for(mona)
    ids = [str(flag.pk) for flag in burst[1:]]
    page = client.post(
        f"{A}/flag/",
        {"action": "dismiss_selected", "_selected_action": ids},
        follow=True,
    ).content.decode()
    assert "already has strike 1 of 1 active" in page
    assert not Flag.objects.filter(resolution=Flag.Resolution.NOT_CONTACT).exists()
    client.post(f"{A}/flag/", {"action": "cover_selected", "_selected_action": ids})
    assert Flag.objects.filter(resolution=Flag.Resolution.COVERED).count() == 2
    assert Strike.objects.count() == 1


def test_a_short_appeal_is_refused_kept_and_a_sent_one_shown(bob, mona):
    """Item 2: "ok" was accepted. Now refused (the 10-character rule, in words for users),
    the text comes back in the form; a sent appeal is shown with its text."""
    strike = services.give_strike(
        user=bob, kind=Strike.Kind.CONTACT_SHARING, moderator=mona, note=NOTE
    )
    with pytest.raises(ValidationError, match="at least 10 characters"):
        services.file_appeal(strike=strike, user=bob, text="ok")
    client = client_for(bob)
    page = client.post(
        f"/account/health/strikes/{strike.pk}/appeal/", {"text": "ok"}, follow=True
    ).content.decode()
    assert "Write at least 10 characters" in page
    assert ">ok</textarea>" in page
    assert not Appeal.objects.exists()
    assert 'data-confirm="Send this appeal?' in page

    text = "It was the <order> number, not a phone."
    client.post(f"/account/health/strikes/{strike.pk}/appeal/", {"text": text})
    page = client.get("/account/health/").content.decode()
    assert "Pending" in page and "It was the &lt;order&gt; number, not a phone." in page


def test_strikes_are_numbered_one_way_everywhere(burst, conversation, bob, mona, otto, send):
    """Item 5: the case page said "gives strike 1", the message "strike 2 given" (an id).
    Both now say "strike 1 of 1 active (#id)"; an upheld appeal says what was lifted."""
    services.give_strike(  # an earlier strike, overturned later: ids and numbers differ
        user=bob, kind=Strike.Kind.SPAM, moderator=otto, note="Spam sent to buyers."
    )
    old = Strike.objects.get()
    services.decide_appeal(
        appeal=services.file_appeal(strike=old, user=bob, text="That was not spam at all."),
        moderator=mona,
        uphold=True,
        reason="It was a reply to a question.",
    )
    case = Case.objects.get()
    client = client_for(mona)
    page = client.get(f"{A}/case/{case.pk}/change/").content.decode()
    assert "strike 1 of 1 active" in page
    answer = client.post(
        f"{A}/case/{case.pk}/decide/confirm/",
        {"confirm-kind": Strike.Kind.CONTACT_SHARING, "confirm-note": NOTE},
        follow=True,
    ).content.decode()
    strike = Strike.objects.get(case=case)
    assert f"Case {case.pk} confirmed: strike 1 of 1 active (#{strike.pk})" in answer
    assert f"strike {strike.pk} given" not in answer
    assert cases.decision_outcome(Case.objects.get()).endswith(
        f"strike 1 of 1 active (#{strike.pk})"
    )

    for i in range(2):  # two more strikes: restricted for 7 days at strike 2
        services.give_strike(
            user=bob, kind=Strike.Kind.SPAM, moderator=mona, note=f"Spam {i}, again."
        )
    appeal = services.file_appeal(strike=strike, user=bob, text="The number was the seller's.")
    answer = (
        client_for(otto)
        .post(
            f"{A}/appeal/{appeal.pk}/decide/",
            {"decision": "uphold", "reason": "The number was quoted back."},
            follow=True,
        )
        .content.decode()
    )
    assert f"strike #{strike.pk} (overturned)" in answer
    assert "Lifted:" in answer and "ccount suspended" in answer
    assert "Still in force: messaging restricted" in answer
    assert "They now have 2 active strikes" in answer


def test_refreshing_a_reveal_records_it_once(burst, mona):
    """Item 7: the reveal's POST was resubmitted by a refresh and logged twice. Now
    POST/redirect/GET: the refresh shows the original again, with no second record."""
    client = client_for(mona)
    url = f"{A}/flag/{burst[0].pk}/reveal/"
    response = client.post(url, {"reason": "checking the masked number"})
    assert response.status_code == 302
    shown = client.get(response["Location"]).content.decode()
    assert "+49 151 23456780" in shown
    again = client.get(response["Location"]).content.decode()  # the refresh
    assert "+49 151 23456780" in again
    assert StaffAccess.objects.filter(action="reveal_original").count() == 1
    client.post(url, {"reason": "a second look, later on"})  # a real second reveal
    assert StaffAccess.objects.filter(action="reveal_original").count() == 2
    other = client_for(mona)  # a result link does not open in another session
    assert "+49 151 23456780" not in other.get(response["Location"]).content.decode()


def test_a_restricted_users_thread_and_standing_say_where_they_may_write(
    conversation, alice, bob, charlie, mona
):
    """Item 8, server side: the thread page renders the composer disabled with why and until
    when, and the standing API (asked by an open tab when its socket reconnects) says
    whether the user may write in a given thread; an active order's thread stays open."""
    from inbox.conversations import get_or_start_conversation
    from marketplace.tests.factories import OrderFactory
    from moderation.models import Sanction

    order = OrderFactory(buyer=bob, gig__seller=alice, status="in_progress")
    order_thread = get_or_start_conversation(starter=bob, other=alice, order=order)
    services.impose_sanction(
        user=bob, kind=Sanction.Kind.RESTRICT, moderator=mona, reason="Asked for payment outside."
    )
    client = client_for(bob)
    page = client.get(f"/inbox/{conversation.pk}/").content.decode()
    assert "data-sanctioned" in page and "Your messaging is restricted until a moderator" in page
    assert "data-composer-input disabled" in page
    assert "data-sanctioned" not in client.get(f"/inbox/{order_thread.pk}/").content.decode()

    standing = client.get(f"/api/account/standing/?conversation={conversation.pk}").json()
    assert standing["restricted"] is True and standing["can_send"] is False
    assert client.get(f"/api/account/standing/?conversation={order_thread.pk}").json()["can_send"]
    other = get_or_start_conversation(starter=charlie, other=alice)
    mine = client.get(f"/api/account/standing/?conversation={other.pk}")
    missing = client.get("/api/account/standing/?conversation=999999")
    assert mine.status_code == missing.status_code == 404

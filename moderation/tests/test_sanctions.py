"""Sanctions enforced in the services and over HTTP: restriction (the no-JS form and the JSON
API refuse with `restricted` and the end time; order messages still pass), suspension (login
refused with a clear page, sessions ended), direct sanctions and lifting them."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from inbox import push as inbox_push
from inbox.checks import SendError
from inbox.conversations import get_or_start_conversation
from inbox.models import Message
from marketplace.models import Order
from marketplace.tests.factories import PASSWORD, GigFactory, OrderFactory
from moderation import services
from moderation.models import Sanction

pytestmark = pytest.mark.django_db


def restrict(user, moderator, days=3, kind=Sanction.Kind.RESTRICT):
    ends_at = timezone.now() + timedelta(days=days) if days else None
    return services.impose_sanction(
        user=user, kind=kind, moderator=moderator, reason="Repeated spam.", ends_at=ends_at
    )


def api_send(client, conversation, body="Hello"):
    return client.post(
        f"/api/inbox/conversations/{conversation.pk}/messages/",
        data=json.dumps({"client_id": uuid.uuid4().hex, "body": body}),
        content_type="application/json",
    )


class TestRestriction:
    def test_the_json_api_refuses_with_restricted_and_until(self, client, conversation, bob, mona):
        sanction = restrict(bob, mona)
        client.force_login(bob)

        response = api_send(client, conversation)

        assert response.status_code == 403
        error = response.json()
        assert error["code"] == "restricted"
        assert error["until"] == sanction.ends_at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        assert not Message.objects.filter(sender=bob).exists()

    def test_the_no_js_form_refuses_and_keeps_the_draft(self, client, conversation, bob, mona):
        restrict(bob, mona)
        client.force_login(bob)

        response = client.post(
            f"/inbox/{conversation.pk}/send/",
            {"body": "Still there?", "client_id": uuid.uuid4().hex},
            follow=True,
        )

        assert not Message.objects.filter(sender=bob).exists()
        assert b"restricted" in response.content.lower()

    def test_an_indefinite_restriction_has_no_until(self, conversation, bob, mona, send):
        restrict(bob, mona, days=None)

        with pytest.raises(SendError) as refused:
            send(conversation, bob)
        assert refused.value.code == "restricted" and refused.value.frame()["until"] is None

    def test_order_messages_still_go_through_while_the_order_is_active(
        self, client, alice, bob, mona
    ):
        order = OrderFactory(
            gig=GigFactory(seller=alice), buyer=bob, status=Order.Status.IN_PROGRESS
        )
        order_thread = get_or_start_conversation(starter=bob, other=alice, order=order)
        general = get_or_start_conversation(starter=bob, other=alice)
        restrict(bob, mona)
        client.force_login(bob)

        assert api_send(client, order_thread, "Here are the files").status_code == 201
        assert api_send(client, general).json()["code"] == "restricted"
        Order.objects.filter(pk=order.pk).update(status=Order.Status.COMPLETED)
        assert api_send(client, order_thread, "One more thing").json()["code"] == "restricted"

    def test_the_other_participant_is_not_affected(self, conversation, alice, bob, mona, send):
        restrict(bob, mona)

        assert send(conversation, alice, "Are you there?").message.seq == 1

    def test_lifting_ends_it_at_once_and_tells_the_user(
        self, conversation, bob, mona, send, system_messages
    ):
        sanction = restrict(bob, mona)

        services.lift_sanction(
            sanction=sanction, moderator=mona, reason="Appeal by email accepted."
        )

        bob.refresh_from_db()
        assert bob.messaging_restricted_until is None
        assert send(conversation, bob).message.seq == 1
        assert (
            "lifted" in system_messages(bob)[-1]
            and "Appeal by email accepted." in system_messages(bob)[-1]
        )
        with pytest.raises(ValidationError):
            services.lift_sanction(sanction=sanction, moderator=mona, reason="lifting it again")

    def test_overlapping_restrictions_keep_the_later_end(self, bob, mona):
        short, long = restrict(bob, mona, days=2), restrict(bob, mona, days=10)
        services.lift_sanction(sanction=long, moderator=mona, reason="Too long a sanction.")

        bob.refresh_from_db()
        assert bob.messaging_restricted_until == short.ends_at


class TestSuspension:
    def test_login_lands_on_the_account_page_with_the_end_time(self, client, bob, mona):
        restrict(bob, mona, days=5, kind=Sanction.Kind.SUSPEND)

        response = client.post("/accounts/login/", {"login": "bob", "password": PASSWORD})

        assert response.status_code == 302 and response["Location"] == "/account/health/"
        page = client.get("/account/health/")
        assert b"Your account is suspended" in page.content
        assert timezone.now().strftime("%Y").encode() in page.content
        assert b"reply to" not in page.content

    def test_login_works_again_when_it_ends(self, client, bob, mona):
        sanction = restrict(bob, mona, days=5, kind=Sanction.Kind.SUSPEND)
        services.lift_sanction(sanction=sanction, moderator=mona, reason="Imposed by mistake.")

        response = client.post("/accounts/login/", {"login": "bob", "password": PASSWORD})

        assert response.status_code == 302
        assert client.session["_auth_user_id"] == str(bob.pk)

    def test_it_confines_the_users_sessions_to_the_account_page(self, client, bob, alice, mona):
        client.force_login(bob)
        other = type(client)()
        other.force_login(alice)

        restrict(bob, mona, kind=Sanction.Kind.SUSPEND)

        assert client.get("/inbox/")["Location"] == "/account/health/"
        assert client.get("/account/health/").status_code == 200
        assert Session.objects.count() == 2
        assert other.get("/inbox/").status_code == 200

    def test_it_closes_the_users_sockets(
        self, django_capture_on_commit_callbacks, bob, mona, monkeypatch
    ):
        closed = []
        monkeypatch.setattr(
            inbox_push, "disconnect_user", lambda user_id, code: closed.append((user_id, code))
        )

        with django_capture_on_commit_callbacks(execute=True):
            restrict(bob, mona, kind=Sanction.Kind.SUSPEND)

        assert closed == [(bob.pk, 4403)]

    def test_a_suspended_user_cannot_send(self, conversation, bob, mona, send):
        restrict(bob, mona, kind=Sanction.Kind.SUSPEND)

        with pytest.raises(SendError) as refused:
            send(conversation, bob)
        assert refused.value.code == "restricted"


class TestImposing:
    def test_the_user_hears_by_inbox_and_email_with_text_escaped(
        self, django_capture_on_commit_callbacks, bob, mona, system_messages
    ):
        with django_capture_on_commit_callbacks(execute=True):
            services.impose_sanction(
                user=bob,
                kind=Sanction.Kind.RESTRICT,
                moderator=mona,
                reason="<script>alert(1)</script>",
            )

        assert (
            "<script>alert(1)</script>" in system_messages(bob)[-1]
        )  # stored as text; the inbox escapes it
        email = mail.outbox[-1]
        html = email.alternatives[0][0]
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>" not in html
        assert "<script>alert(1)</script>" in email.body  # plain text stays plain

    def test_the_notices_come_from_the_gigbox_system_account(self, bob, mona):
        restrict(bob, mona)

        message = Message.objects.filter(kind=Message.Kind.SYSTEM).get()
        usernames = set(message.conversation.participants.values_list("user__username", flat=True))
        assert usernames == {"bob", "gigbox"}

    def test_the_system_account_cannot_log_in(self, client):
        from moderation.notices import system_account

        account = system_account()
        assert not account.has_usable_password()  # nothing to log in with by default
        account.set_password(PASSWORD)  # even with a password someone set, it is suspended for good
        account.save()

        response = client.post("/accounts/login/", {"login": "gigbox", "password": PASSWORD})

        assert response.status_code == 403
        assert "_auth_user_id" not in client.session

    def test_the_end_must_be_in_the_future(self, bob, mona):
        with pytest.raises(ValidationError):
            restrict(bob, mona, days=-1)
        assert not Sanction.objects.exists()

    def test_only_moderators_impose_and_lift(self, bob, mona, rita, stella):
        sanction = restrict(bob, mona)
        for staff in (rita, stella):
            with pytest.raises(PermissionDenied):
                restrict(bob, staff)
            with pytest.raises(PermissionDenied):
                services.lift_sanction(sanction=sanction, moderator=staff, reason="x")

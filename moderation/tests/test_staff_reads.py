"""Issue 18, problem 4: every staff read recorded, with a reason of at least 10 characters.

Order pages and delivered files (through marketplace.extensions), reveals, the message and
flag admin (no lookup on originals), the access log (filter by staff member, CSV export,
itself recorded). Attachments and case files are in test_staff_access.py and disputes/tests.
"""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from marketplace import services as market
from marketplace.tests.factories import GigFactory, OrderFactory
from moderation.admin.access import csv_cell
from moderation.models import StaffAccess

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
REQUIREMENTS = "A logo in teal and gold, for the bakery."


def client_for(user) -> Client:
    client = Client()
    client.force_login(user, backend="moderation.auth.NotSuspendedModelBackend")
    return client


@pytest.fixture
def order(alice, bob):
    order = OrderFactory(gig=GigFactory(seller=alice), buyer=bob)
    market.submit_requirements(order=order, actor=bob, requirements=REQUIREMENTS)
    return order


@pytest.fixture
def delivery(order, alice):
    return market.deliver_order(
        order=order, actor=alice, note="Here it is.", file=SimpleUploadedFile("logo.png", PNG)
    )


# Order pages -------------------------------------------------------------------------------------


def test_a_staff_order_read_asks_a_reason_and_leaves_one_record_per_reason_and_session(
    order, bob, stella
):
    """Problem 4: staff opened any order page (requirements, deliveries) with no record."""
    url = f"/orders/{order.pk}/"
    assert REQUIREMENTS in client_for(bob).get(url).content.decode()  # a party: no record
    assert not StaffAccess.objects.exists()

    staff = client_for(stella)
    form = staff.get(url)
    assert form.status_code == 200 and REQUIREMENTS not in form.content.decode()
    assert b'name="reason"' in form.content and not StaffAccess.objects.exists()
    refused = staff.post(url, {"reason": "x"})
    assert refused.status_code == 400 and b"at least 10 characters" in refused.content
    assert not StaffAccess.objects.exists()

    assert staff.post(url, {"reason": "Support ticket 4411: late delivery"}).status_code == 302
    for _ in range(3):  # reloads in the same session add nothing
        assert REQUIREMENTS in staff.get(url).content.decode()
    access = StaffAccess.objects.get()
    assert (access.staff, access.action, access.reason, access.reference) == (
        stella,
        "order_page",
        "Support ticket 4411: late delivery",
        f"order:{order.reference}",
    )
    assert client_for(stella).get(url).status_code == 200  # a new session asks again
    assert REQUIREMENTS not in client_for(stella).get(url).content.decode()


def test_staff_take_no_order_step(order, stella):
    response = client_for(stella).post(f"/orders/{order.pk}/cancel/", {"reason": "x"})
    assert response.status_code == 404 and not StaffAccess.objects.exists()


def test_each_staff_download_of_a_delivered_file_leaves_one_record(order, delivery, stella):
    """Problem 4: staff downloaded delivery files with no record."""
    url = f"/orders/{order.pk}/deliveries/{delivery.pk}/file"
    staff = client_for(stella)
    form = staff.get(url)
    assert form.status_code == 200 and "Content-Disposition" not in form
    assert staff.post(url, {"reason": "short"}).status_code == 400
    assert not StaffAccess.objects.exists()
    for n in (1, 2):
        response = staff.post(url, {"reason": "Checking the delivered file"})
        assert b"".join(response.streaming_content) == PNG
        assert StaffAccess.objects.filter(action="delivery_file", staff=stella).count() == n
    assert StaffAccess.objects.first().reference == f"order:{order.reference} logo.png"


# Reveal -------------------------------------------------------------------------------------------


def test_a_one_character_reveal_reason_is_refused(flag, mona):
    """Problem 4: a one-character reveal reason ("x") was accepted."""
    client = client_for(mona)
    url = f"/admin/moderation/flag/{flag.pk}/reveal/"
    response = client.post(url, {"reason": "x"})
    assert "at least 10 characters" in response.content.decode()
    assert "+49 151" not in response.content.decode() and not StaffAccess.objects.exists()
    shown = client.post(url, {"reason": "Checking the flag"}, follow=True)
    assert "+49 151" in shown.content.decode()
    assert StaffAccess.objects.count() == 1


# No lookups on originals -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "body__icontains=415%20555",
        "body__startswith=4",
        "body=call",
        "body__regex=.",
        "findings__icontains=415",
        "conversation__messages__body__icontains=415",
    ],
)
def test_the_message_admin_refuses_lookups_on_originals(root, contact_message, query):
    """Problem 4: /admin/inbox/message/?body__icontains=... filtered by the original with no
    record (one character at a time with body__startswith)."""
    response = client_for(root).get(f"/admin/inbox/message/?{query}")
    assert response.status_code == 400
    assert not StaffAccess.objects.exists()


def test_the_message_admin_still_filters_delivered_text_and_offers_no_body_search(
    root, contact_message
):
    client = client_for(root)
    assert client.get("/admin/inbox/message/?delivered_body__icontains=call").status_code == 200
    page = client.get("/admin/inbox/message/?q=151").content.decode()
    assert "+49 151" not in page  # no search field reads the original, nothing shows it
    from django.contrib import admin

    from inbox.models import Message

    model_admin = admin.site._registry[Message]
    request = client.get("/admin/inbox/message/").wsgi_request
    assert not any(f.lstrip("^=@") == "body" for f in model_admin.get_search_fields(request))
    assert "body" not in model_admin.get_sortable_by(request)


@pytest.mark.parametrize(
    "query",
    [
        "snapshot__icontains=151",
        "contact_values__icontains=151",
        "message__body__startswith=c",
        "message__findings__icontains=151",
    ],
)
def test_the_flag_admin_refuses_lookups_on_originals(mona, flag, query):
    response = client_for(mona).get(f"/admin/moderation/flag/?{query}")
    assert response.status_code == 400
    assert not StaffAccess.objects.exists()


# The access log -----------------------------------------------------------------------------------


def test_the_access_log_filters_by_staff_member(root, mona, otto, message_for_log):
    for who, reason in ((mona, "Checking flag one"), (otto, "Checking flag two")):
        from moderation.services import record_staff_access

        record_staff_access(staff=who, action="other", reason=reason, message=message_for_log)
    client = client_for(root)
    page = client.get("/admin/moderation/staffaccess/").content.decode()
    assert "staff member" in page and f"?staff={mona.pk}" in page
    only_mona = client.get(f"/admin/moderation/staffaccess/?staff={mona.pk}").content.decode()
    assert "Checking flag one" in only_mona and "Checking flag two" not in only_mona


def test_the_access_log_names_conversations_and_messages_not_ids(root, mona, message_for_log):
    """Problem 5: the access log showed raw conversation and message ids."""
    from moderation.services import record_staff_access

    record_staff_access(
        staff=mona, action="other", reason="Checking flag one", message=message_for_log
    )
    page = client_for(root).get("/admin/moderation/staffaccess/").content.decode()
    conversation = message_for_log.conversation
    people = f"{conversation.user_a.username} ↔ {conversation.user_b.username}"
    assert f"{people}, message {message_for_log.seq}" in page


@pytest.fixture
def message_for_log(conversation, send, bob):
    return send(conversation, bob, "hello").message


def test_the_access_log_exports_csv_escaped_and_the_export_is_recorded(root, mona, message_for_log):
    """Problem 7: the access log had no by-staff filter and no export."""
    from moderation.services import record_staff_access

    record_staff_access(
        staff=mona, action="other", reason='=HYPERLINK("http://x") look', message=message_for_log
    )
    client = client_for(root)
    url = f"/admin/moderation/staffaccess/export/?staff={mona.pk}"
    assert client.get(url).status_code == 200 and not StaffAccess.objects.filter(staff=root)
    assert client.post(url, {"reason": "x"}).status_code == 400
    response = client.post(url, {"reason": "Quarterly audit of moderator reads"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["created_at", "staff", "action"]
    assert [row[1] for row in rows[1:]] == ["mona"]  # the filter applied: root's row left out
    assert rows[1][7] == '\'=HYPERLINK("http://x") look'
    assert rows[1][5].endswith(f"message {message_for_log.seq}") and "↔" in rows[1][5]
    export = StaffAccess.objects.get(staff=root)
    assert (export.action, export.reason) == ("log_export", "Quarterly audit of moderator reads")
    assert client_for(mona).get(url).status_code in (302, 403)  # superusers only


@pytest.mark.parametrize(
    "value, cell",
    [
        ("=1+1", "'=1+1"),
        ("+44 7911", "'+44 7911"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("plain", "plain"),
        (None, ""),
    ],
)
def test_csv_cells_that_start_like_a_formula_are_quoted(value, cell):
    assert csv_cell(value) == cell

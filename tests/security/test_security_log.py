"""S22: every refused authorization attempt leaves exactly one structured record on the
`gigbox.security` logger (who: user id or anonymous and ip; what: action, object type, the id
as given; when; the request id), and legitimate access leaves none (config/security.py).

The HTTP cases are the authorization sweep's REGISTRY (every URL that takes an id) and its
wrong-staff-group admin URLs, so a new URL is covered here as soon as it is registered there.
"""

from __future__ import annotations

import logging
import uuid

import pytest
from django.test import Client
from django.urls import reverse

from config.security import EVENT
from inbox.tests import ws as ws_helpers  # noqa: F401  imports config.asgi now: its django.setup()

# reconfigures logging (settings.LOGGING), which would drop a handler added before it
from tests.security.test_authorization_sweep import MISSING, REGISTRY, SCOPED, Scoped, _admin_urls

LOGIN_BACKEND = "moderation.auth.NotSuspendedModelBackend"
FIELDS = (
    "event",
    "channel",
    "user_id",
    "ip",
    "action",
    "object_type",
    "object_id",
    "reason",
    "request_id",
)


class Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def take(self) -> list[logging.LogRecord]:
        taken, self.records = self.records, []
        return taken


@pytest.fixture
def security_log():
    logger = logging.getLogger("gigbox.security")
    handler = Records()
    logger.addHandler(handler)
    previous = logger.level
    logger.setLevel(logging.INFO)
    yield handler
    logger.removeHandler(handler)
    logger.setLevel(previous)


def login(user) -> Client:
    client = Client(REMOTE_ADDR="203.0.113.7")
    client.force_login(user, backend=LOGIN_BACKEND)
    return client


def ask(client: Client, method: str, url: str):
    return client.get(url) if method == "GET" else client.post(url, {})


def assert_one_record(
    records, *, user_id, request_id=None, object_id=None, ip="203.0.113.7", channel="http"
):
    assert len(records) == 1, [r.getMessage() for r in records]
    [record] = records
    for name in FIELDS:
        assert hasattr(record, name), f"the record lacks {name}"
    assert record.event == EVENT and record.channel == channel
    assert record.user_id == user_id and record.ip == ip
    assert record.action and record.object_type and record.created > 0
    if request_id is not None:
        assert record.request_id == request_id
    if object_id is not None:
        assert record.object_id == object_id, (record.object_id, object_id)
    return record


def _first_id(kwargs: dict) -> object:
    return next(iter(kwargs.values()))


# HTTP: outsiders ---------------------------------------------------------------------------


def test_every_refused_request_of_the_sweep_leaves_one_record_with_who_what_when(
    world, security_log
):
    client = login(world.charlie)
    attempts, recorded, problems = 0, 0, []
    for name, method in SCOPED:
        spec = REGISTRY[name]
        for kwargs in (spec.real(world), spec.missing(world)):
            response = ask(client, method, reverse(name, kwargs=kwargs))
            if response.status_code in (302, 405):
                # Answered before any object is looked up, the same for everybody: a method the
                # URL does not take, or "become a seller first". No object was refused.
                assert security_log.take() == []
                continue
            attempts += 1
            records = security_log.take()
            try:
                record = assert_one_record(
                    records, user_id=world.charlie.pk, request_id=response["X-Request-ID"]
                )
                assert (
                    record.action.startswith(f"{method} {name}")
                    or name.split(":")[-1] in record.action
                ), record.action
                ids = {str(v) for v in kwargs.values()}
                given = (
                    record.object_id if isinstance(record.object_id, list) else [record.object_id]
                )
                assert {str(v) for v in given} <= ids, (record.object_id, kwargs)
                recorded += 1
            except AssertionError as error:
                problems.append(
                    (name, method, kwargs, response.status_code, str(error).splitlines()[0][:100])
                )
    assert not problems, "\n".join(map(str, problems))
    print(f"S22 HTTP sweep: {recorded}/{attempts} refused requests recorded")
    assert attempts >= 40 and recorded == attempts  # records / attempts = 100%


def test_redirected_scoped_urls_are_few_and_named(world, security_log):
    """The 302 cases the first test leaves out: which they are, so that a new one is seen."""
    client = login(world.charlie)
    redirected = sorted(
        (name, method)
        for name, method in SCOPED
        if ask(client, method, reverse(name, kwargs=REGISTRY[name].real(world))).status_code == 302
    )
    # Charlie is no seller: the seller's gig pages send him to "become a seller" first,
    # before any lookup (the sweep checks that real and missing ids answer alike).
    assert redirected == [
        ("marketplace:gig_edit", "GET"),
        ("marketplace:gig_edit", "POST"),
        ("marketplace:gig_extras", "GET"),
        ("marketplace:gig_extras", "POST"),
        ("marketplace:gig_image_action", "POST"),
        ("marketplace:gig_images", "GET"),
        ("marketplace:gig_images", "POST"),
        ("marketplace:gig_set_status", "POST"),
    ], redirected


def test_legitimate_access_leaves_no_record(world, security_log):
    """The parties reading their own things: every scoped URL that answers one of them with a
    page leaves no record (alice's saved reply asked by bob is a refusal, and is left out)."""
    answered, noisy = 0, []
    for user in (world.alice, world.bob):
        client = login(user)
        for name, spec in REGISTRY.items():
            if isinstance(spec, Scoped) and "GET" in spec.methods:
                response = ask(client, "GET", reverse(name, kwargs=spec.real(world)))
                records = security_log.take()
                if response.status_code == 200:
                    answered += 1
                    noisy += [(user.username, name, r.getMessage()) for r in records]
    assert answered >= 20 and noisy == []


def test_anonymous_requests_are_recorded_as_anonymous(world, security_log):
    client = Client(REMOTE_ADDR="203.0.113.7")
    response = client.get(
        reverse("inbox_api:attachment", kwargs={"attachment_id": world.attachment.pk})
    )
    records = security_log.take()
    if response.status_code == 302:  # login required first: no object was asked for
        assert records == []
    else:
        assert_one_record(records, user_id="anonymous", object_id=world.attachment.pk)


# HTTP: the admin ---------------------------------------------------------------------------


def test_the_wrong_staff_group_leaves_one_record_per_admin_request(world, security_log):
    rows = _admin_urls(world)
    assert len(rows) >= 15
    problems = []
    for who, method, real_url, _missing_url in rows:
        client = login(getattr(world, who))
        response = ask(client, method, real_url)
        try:
            record = assert_one_record(
                security_log.take(),
                user_id=getattr(world, who).pk,
                request_id=response["X-Request-ID"],
            )
            assert record.object_type.startswith("admin"), record.object_type
        except AssertionError as error:
            problems.append((who, method, real_url, response.status_code, str(error)[:200]))
    assert not problems, problems
    print(f"S22 admin, wrong staff group: {len(rows)}/{len(rows)} recorded")


@pytest.mark.parametrize(
    "path",
    [
        "/admin/",
        "/admin/inbox/message/",
        "/admin/moderation/flag/1/change/",
        "/admin/disputes/dispute/",
    ],
)
def test_a_logged_in_non_staff_user_on_admin_urls_leaves_one_record(world, security_log, path):
    response = login(world.charlie).get(path)
    assert (
        response.status_code == 302 and "/admin/login/" in response["Location"]
    )  # the same answer as before
    record = assert_one_record(
        security_log.take(), user_id=world.charlie.pk, request_id=response["X-Request-ID"]
    )
    assert record.reason == "not_staff" and record.object_type.startswith("admin")


def test_staff_using_the_admin_leave_no_record(world, security_log):
    login(world.mo).get("/admin/moderation/flag/")
    login(world.rita).get(f"/admin/disputes/dispute/{world.dispute.pk}/change/")
    Client().get("/admin/")  # anonymous: the login page, a normal first step
    assert [r.getMessage() for r in security_log.take()] == []


# The record through the real handler and formatters -------------------------------------------


def test_the_json_line_of_a_refusal_carries_every_field(world, security_log, settings):
    import io
    import json

    from config.logging import JsonFormatter, SensitiveDataFilter

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(SensitiveDataFilter())
    logging.getLogger("gigbox.security").addHandler(handler)
    try:
        response = login(world.charlie).get(
            reverse("marketplace:order", kwargs={"pk": world.order.pk})
        )
    finally:
        logging.getLogger("gigbox.security").removeHandler(handler)
    [line] = stream.getvalue().splitlines()
    entry = json.loads(line)
    assert {**entry, "time": None} == {
        "time": None,
        "level": "WARNING",
        "logger": "gigbox.security",
        "message": entry["message"],
        "event": EVENT,
        "channel": "http",
        "user_id": world.charlie.pk,
        "ip": "203.0.113.7",
        "action": "GET marketplace:order",
        "object_type": "order",
        "object_id": world.order.pk,
        "reason": "not_found_or_not_yours",
        "request_id": response["X-Request-ID"],
    }
    assert entry["time"].startswith("20")


# WebSocket -------------------------------------------------------------------------------------

ws = pytest.mark.django_db(transaction=True)

SOCKET_ACTIONS = {
    "typing": lambda cid: {"type": "typing", "conversation_id": cid},
    "read": lambda cid: {"type": "read", "conversation_id": cid, "seq": 1},
    "sync": lambda cid: {"type": "sync", "conversations": {str(cid): 0}},
    "presence.subscribe": lambda cid: {"type": "presence.subscribe", "conversation_id": cid},
}


CLIENT_IP = "198.51.100.4"


CLIENT = (CLIENT_IP, 50123)


async def connect(user=None, **kwargs):
    from inbox.tests.ws import connect

    return await connect(user, client=CLIENT, **kwargs)


async def open_socket(user):
    from inbox.tests.ws import open_socket

    return await open_socket(user, client=CLIENT)


@pytest.fixture
def w(transactional_db, tmp_path, settings):
    from tests.security.conftest import build_world

    return build_world()


@ws
@pytest.mark.parametrize("action", sorted(SOCKET_ACTIONS))
async def test_a_socket_action_on_a_conversation_not_ones_own_leaves_one_record(
    w, security_log, action
):
    from inbox.tests.ws import receive, send

    tab = await open_socket(w.charlie)
    security_log.take()
    for conversation_id in (w.conversation.pk, MISSING):
        await send(tab, SOCKET_ACTIONS[action](conversation_id))
        assert (await receive(tab))["code"] == "forbidden"
        record = assert_one_record(
            security_log.take(), user_id=w.charlie.pk, ip=CLIENT_IP, channel="ws"
        )
        assert record.action == f"ws {action}" and record.object_type == "conversation"
        assert conversation_id in (
            record.object_id if isinstance(record.object_id, list) else [record.object_id]
        )
        assert record.request_id
    await tab.disconnect()


@ws
async def test_a_send_into_a_conversation_not_ones_own_leaves_one_record(w, security_log):
    from inbox.tests.ws import receive, send

    tab = await open_socket(w.charlie)
    security_log.take()
    await send(
        tab,
        {
            "type": "message.send",
            "conversation_id": w.conversation.pk,
            "client_id": uuid.uuid4().hex,
            "body": "hi",
        },
    )
    assert (await receive(tab))["code"] == "forbidden"
    await tab.disconnect()
    assert_one_record(security_log.take(), user_id=w.charlie.pk, ip=CLIENT_IP, channel="ws")


@ws
async def test_a_members_socket_actions_leave_no_record(w, security_log):
    from inbox.tests.ws import receive, send

    tab = await open_socket(w.bob)
    await send(tab, {"type": "sync", "conversations": {str(w.conversation.pk): 0}})
    assert (await receive(tab))["type"] == "sync.result"
    await send(tab, {"type": "read", "conversation_id": w.conversation.pk, "seq": 1})
    await send(tab, {"type": "ping"})
    while (await receive(tab))["type"] != "pong":
        pass
    await tab.disconnect()
    assert [r.getMessage() for r in security_log.take()] == []


@ws
@pytest.mark.parametrize(
    "origin", [b"https://evil.example", b"http://127.0.0.1.evil.test", b"evil\r\nINFO forged", None]
)
async def test_a_refused_origin_leaves_one_record(w, security_log, origin):
    communicator, connected = await connect(w.bob, origin=origin)
    assert not connected
    record = assert_one_record(security_log.take(), user_id="anonymous", ip=CLIENT_IP, channel="ws")
    assert record.reason == "bad_origin" and record.action == "ws connect"
    assert record.origin == (origin.decode("latin1") if origin is not None else None)


@ws
async def test_an_anonymous_socket_leaves_one_record(w, security_log):
    from inbox.tests.ws import assert_closed_with

    communicator, connected = await connect(cookie="not-a-session")
    assert connected
    await assert_closed_with(communicator, 4401)
    record = assert_one_record(security_log.take(), user_id="anonymous", ip=CLIENT_IP, channel="ws")
    assert record.reason == "anonymous" and record.request_id


@ws
async def test_an_own_origin_and_a_member_leave_no_handshake_record(w, security_log):
    communicator, connected = await connect(w.bob)
    assert connected
    await communicator.disconnect()
    assert [r.getMessage() for r in security_log.take()] == []

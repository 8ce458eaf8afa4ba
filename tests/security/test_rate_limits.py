"""R1/R2/R4/R5/R7: the send limit is exact at the window edges, admits exactly the limit in a
concurrent burst, holds per user across two server processes and tabs sharing Redis, and
login brute force is stopped after 5 failures."""

from __future__ import annotations

import asyncio
import json
import shutil
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
import time_machine
import websockets
from django.db import connection
from django.test import Client

from harness.servers import database_url_for
from inbox.models import Message
from inbox.ratelimit import admit_sends
from inbox.tests.ws import session_cookie
from marketplace.tests.factories import PASSWORD
from tests.faults.conftest import require
from tests.faults.harness import Cluster, origin_of

LIMIT, WINDOW = 5, 60
START = datetime(2026, 11, 24, 16, 0, 0, tzinfo=UTC)  # a window boundary (aligned on the clock)


@pytest.fixture
def small_limit(settings):
    settings.GIGBOX_SEND_RATE_LIMIT, settings.GIGBOX_SEND_RATE_WINDOW = LIMIT, WINDOW


@pytest.mark.parametrize(
    ("offsets", "expected"),
    [
        # N at t, one more just before the window ends: refused; just after: admitted.
        ([0.0] * LIMIT + [WINDOW - 0.001], [True] * LIMIT + [False]),
        ([0.0] * LIMIT + [WINDOW + 0.0], [True] * LIMIT + [True]),
        (
            [WINDOW - 0.001] * LIMIT + [WINDOW + 0.001] * LIMIT + [WINDOW + 0.002],
            [True] * (2 * LIMIT) + [False],
        ),
        ([0.0, 30.0, 59.999, 59.999, 59.999, 59.999, 60.0], [True] * 5 + [False, True]),
    ],
)
def test_the_window_edges_are_exact(db, small_limit, offsets, expected):
    user_id = 4242
    with time_machine.travel(START, tick=False) as clock:
        got = []
        for offset in offsets:
            clock.move_to(START.timestamp() + offset)
            got.append(admit_sends(user_id).admitted == 1)
    assert got == expected


def test_retry_after_counts_down_to_the_window_end(db, small_limit):
    with time_machine.travel(START, tick=False) as clock:
        for _ in range(LIMIT):
            admit_sends(7)
        clock.move_to(START.timestamp() + 41.5)
        refused = admit_sends(7)
    assert refused.admitted == 0 and refused.retry_after == 19  # ceil(60 - 41.5)


def test_a_concurrent_burst_admits_exactly_the_limit(db, small_limit):
    # The clock stands mid-window: a burst across a window edge may rightly admit twice the
    # limit (the edges have their own cases above).
    with (
        time_machine.travel(START.timestamp() + WINDOW / 2, tick=False),
        ThreadPoolExecutor(max_workers=16) as pool,
    ):
        admitted = sum(a.admitted for a in pool.map(lambda _: admit_sends(99), range(100)))
    assert admitted == LIMIT


@pytest.fixture
def two_processes(transactional_db, tmp_path):
    require(shutil.which("redis-server") is not None, "redis-server is not installed")
    cluster = Cluster(
        database_url=database_url_for(connection.settings_dict),
        log_dir=tmp_path,
        count=2,
        extra_env={"GIGBOX_SEND_RATE_LIMIT": "10", "GIGBOX_SEND_RATE_WINDOW": "3600"},
    ).start()
    try:
        yield cluster
    finally:
        cluster.stop()


def test_the_limit_holds_per_user_across_two_processes_and_tabs(two_processes):
    from inbox.conversations import get_or_start_conversation
    from marketplace.tests.factories import SellerFactory, UserFactory

    alice, bob = SellerFactory(username="alice"), UserFactory(username="bob")
    conversation = get_or_start_conversation(starter=bob, other=alice)
    cookie = session_cookie(bob)

    async def tab(url: str, count: int) -> list[dict]:
        async with websockets.connect(
            f"{url}/ws/inbox/",
            origin=origin_of(url),
            additional_headers={"Cookie": f"sessionid={cookie}"},
        ) as ws:
            await ws.recv()
            ids = [uuid.uuid4().hex for _ in range(count)]
            for cid in ids:
                await ws.send(
                    json.dumps(
                        {
                            "type": "message.send",
                            "conversation_id": conversation.pk,
                            "client_id": cid,
                            "body": "burst",
                        }
                    )
                )
            answers = {}
            while len(answers) < count:
                frame = json.loads(await asyncio.wait_for(ws.recv(), 15))
                if frame.get("client_id") not in ids or frame["type"] not in (
                    "message.ack",
                    "error",
                ):
                    continue
                if (
                    frame.get("code") == "unavailable"
                ):  # SQLite busy between processes: retry, same client_id
                    await ws.send(
                        json.dumps(
                            {
                                "type": "message.send",
                                "conversation_id": conversation.pk,
                                "client_id": frame["client_id"],
                                "body": "burst",
                            }
                        )
                    )
                    continue
                answers[frame["client_id"]] = frame
            return list(answers.values())

    async def burst() -> list[dict]:
        urls = two_processes.ws_urls()
        results = await asyncio.gather(
            *(tab(urls[n % 2], 10) for n in range(4))
        )  # 4 tabs, 2 per process
        return [frame for frames in results for frame in frames]

    answers = asyncio.run(burst())
    acked = [a for a in answers if a["type"] == "message.ack"]
    limited = [a for a in answers if a.get("code") == "rate_limited"]
    assert len(acked) == 10 and len(limited) == 30, [a.get("code") for a in answers]
    assert all(a["retry_after"] >= 1 for a in limited)
    assert Message.objects.filter(sender=bob).count() == 10


def test_login_brute_force_from_one_address_is_stopped_after_five_failures(db):
    from marketplace.tests.factories import UserFactory

    UserFactory(username="victim", email="victim@example.com")
    client = Client()
    for _ in range(5):
        client.post(
            "/accounts/login/",
            {"login": "victim", "password": "wrong-guess"},
            REMOTE_ADDR="203.0.113.9",
        )
    response = client.post(
        "/accounts/login/", {"login": "victim", "password": PASSWORD}, REMOTE_ADDR="203.0.113.9"
    )
    assert response.status_code in (403, 429), response.status_code
    assert "_auth_user_id" not in client.session


def test_login_brute_force_is_stopped_after_five_failures(db, settings):
    from marketplace.tests.factories import UserFactory

    UserFactory(username="victim", email="victim@example.com")
    client = Client()
    statuses = []
    for _ in range(5):
        response = client.post(
            "/accounts/login/",
            {"login": "victim", "password": "wrong-guess"},
            REMOTE_ADDR="203.0.113.9",
        )
        statuses.append(response.status_code)
    # The right password now: refused, with the lockout page.
    response = client.post(
        "/accounts/login/", {"login": "victim", "password": PASSWORD}, REMOTE_ADDR="203.0.113.9"
    )
    assert response.status_code == 429, (statuses, response.status_code)
    assert "_auth_user_id" not in client.session
    # From the same address, by username or by email (any case): still locked.
    for login in ("victim", "VICTIM", "victim@example.com"):
        again = Client()
        response = again.post(
            "/accounts/login/", {"login": login, "password": PASSWORD}, REMOTE_ADDR="203.0.113.9"
        )
        assert response.status_code == 429 and "_auth_user_id" not in again.session, login


def test_a_lockout_from_one_address_does_not_lock_the_account_elsewhere(db):
    """Issue 17 follow-up, problem 3: failures for a username from address A locked that
    username from every address, so anyone could lock anyone out. The lockout is per
    username and address (and per address), so the owner from address B still logs in."""
    from marketplace.tests.factories import UserFactory

    UserFactory(username="victim", email="victim@example.com")
    attacker = Client()
    for _ in range(6):
        attacker.post(
            "/accounts/login/",
            {"login": "victim", "password": "wrong-guess"},
            REMOTE_ADDR="203.0.113.9",
        )
    response = attacker.post(
        "/accounts/login/", {"login": "victim", "password": PASSWORD}, REMOTE_ADDR="203.0.113.9"
    )
    assert response.status_code == 429
    for login in ("victim", "victim@example.com"):
        owner = Client()
        response = owner.post(
            "/accounts/login/", {"login": login, "password": PASSWORD}, REMOTE_ADDR="198.51.100.7"
        )
        assert response.status_code == 302 and "_auth_user_id" in owner.session, login


def test_many_usernames_from_one_address_lock_that_address(db):
    """Problem 3: the per-address limit stays: five usernames tried from one address."""
    from marketplace.tests.factories import UserFactory

    UserFactory(username="victim", email="victim@example.com")
    client = Client()
    for name in ("ann", "ben", "cat", "dan", "eve"):
        client.post(
            "/accounts/login/", {"login": name, "password": "wrong"}, REMOTE_ADDR="203.0.113.9"
        )
    response = client.post(
        "/accounts/login/", {"login": "victim", "password": PASSWORD}, REMOTE_ADDR="203.0.113.9"
    )
    assert response.status_code == 429

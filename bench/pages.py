"""Page benchmark: server time and SQL queries of the inbox pages and API at several sizes.

    .venv/bin/python bench/pages.py            # 10/100/500 conversations, 100/1,000/10,000 messages
    .venv/bin/python bench/pages.py --quick    # smaller sizes, fewer runs
    .venv/bin/python bench/pages.py --queue    # the moderation queue: 100 then 1,000 open flags

A private PostgreSQL database (gigbox_bench_pages) is created, migrated and dropped; the
settings are production-like (DEBUG=0, cached templates, the manifest static storage over a
collectstatic into a temporary STATIC_ROOT). Data is written through the real send path
(`send_messages` in batches of 100), so every message is masked and hash-chained.

Each page is fetched with Django's test client (the whole middleware stack, no network):
one warm-up, then `--runs` timed fetches; the median wall time and the SQL query count
(CaptureQueriesContext) are printed per page and size. The goal: the same number of
queries at every size, and under 50 ms.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _common as common

# One database per worktree when several run at once (the name must start gigbox_bench).
DB_NAME = os.environ.get("BENCH_PAGES_DB", "gigbox_bench_pages")
BODIES = [
    "Hello, is the logo gig still available?",
    "Yes! Send me the brief.",
    "Here it is, thanks.",
    "Call me on +44 7700 900123",
    "Draft attached, let me know what you think.",
]


def _backend() -> str:
    """A login backend the settings list (a session naming another one is refused)."""
    from django.conf import settings

    return next(path for path in settings.AUTHENTICATION_BACKENDS if path.endswith("ModelBackend"))


def setup(static_root: str) -> None:
    database_url = common.create_database(DB_NAME)
    os.environ.update(
        common.production_env(
            database_url=database_url, redis_url="", GIGBOX_SEND_RATE_LIMIT="100000000"
        )
    )
    os.environ.update(ALLOWED_HOSTS="testserver", STATIC_ROOT=static_root, LOG_LEVEL="ERROR")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)


def send_all(requests: list) -> None:
    from inbox.checks import SendError
    from inbox.send import send_messages

    for start in range(0, len(requests), 100):
        for outcome in send_messages(requests[start : start + 100]):
            if isinstance(outcome, SendError):
                raise RuntimeError(f"seeding failed: {outcome!r}")


def make_data(
    list_sizes: list[int], thread_sizes: list[int]
) -> tuple[dict[int, object], dict[int, tuple[object, int]]]:
    """One user per list size with that many conversations (one message each), and one
    conversation per thread size with that many messages. Returns the users and threads."""
    from django.contrib.auth import get_user_model

    from inbox.models import Conversation, Participant
    from inbox.send import SendRequest

    User = get_user_model()
    password = "!"  # unusable: the bench logs in with force_login
    owners: dict[int, object] = {}
    for size in list_sizes:
        owner = User.objects.create(
            username=f"owner{size}", email=f"owner{size}@bench.invalid", password=password
        )
        others = User.objects.bulk_create(
            [
                User(username=f"o{size}-{i}", email=f"o{size}-{i}@bench.invalid", password=password)
                for i in range(size)
            ]
        )
        conversations = [_conversation(owner, other) for other in others]
        send_all(
            [
                SendRequest(c.pk, other, BODIES[i % len(BODIES)], uuid.uuid4().hex)
                for i, (c, other) in enumerate(zip(conversations, others, strict=True))
            ]
        )
        owners[size] = owner
    threads: dict[int, tuple[object, int]] = {}
    for size in thread_sizes:
        a = User.objects.create(
            username=f"ta{size}", email=f"ta{size}@bench.invalid", password=password
        )
        b = User.objects.create(
            username=f"tb{size}", email=f"tb{size}@bench.invalid", password=password
        )
        conversation = _conversation(a, b)
        send_all(
            [
                SendRequest(
                    conversation.pk, (a, b)[i % 2], BODIES[i % len(BODIES)], uuid.uuid4().hex
                )
                for i in range(size)
            ]
        )
        threads[size] = (a, conversation.pk)
    assert Participant.objects.count() == 2 * Conversation.objects.count()
    return owners, threads


def analyze_tables() -> None:
    """Statistics for the freshly seeded tables, as autovacuum gives a running site within a
    minute: planned on the empty tables' statistics, a long thread's newest page would be
    read with a hash join over all of its messages instead of its index."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _conversation(starter, other):
    from inbox.conversations import get_or_start_conversation

    return get_or_start_conversation(starter=starter, other=other)


def measure(client, url: str, runs: int) -> tuple[float, float, int, int]:
    """(median wall ms, median CPU ms of this process, queries of the last run, status) of GET."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url, secure=True)  # warm-up: template loading, first queries
    times, cpu, queries, status = [], [], 0, 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get(url, secure=True)
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        queries, status = len(captured), response.status_code
    return common.median(times), common.median(cpu), queries, status


def _profile(threads: dict, label: str) -> None:
    import cProfile
    import pstats

    from django.test import Client

    user, conversation_id = threads[max(threads)]
    client = Client()
    client.force_login(user, backend=_backend())
    url = (
        f"/inbox/{conversation_id}/"
        if label == "thread page"
        else f"/api/inbox/conversations/{conversation_id}/messages/"
    )
    client.get(url, secure=True)
    profiler = cProfile.Profile()
    profiler.enable()
    client.get(url, secure=True)
    profiler.disable()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(35)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(url, secure=True)
    print(f"{label}: its {len(captured)} queries, slowest first (ms, as Django timed them):")
    for query in sorted(captured.captured_queries, key=lambda q: -float(q["time"]))[:10]:
        print(f"  {float(query['time']) * 1000:7.1f}  {query['sql'][:160]}")


FLAGS_PER_CASE = 10


def add_cases(first: int, count: int) -> None:
    """`count` senders each send FLAGS_PER_CASE contact messages to one seller through the
    send path: FLAGS_PER_CASE open flags in one case each."""
    from django.contrib.auth import get_user_model

    from inbox.send import SendRequest

    User = get_user_model()
    seller, _ = User.objects.get_or_create(
        username="queue-seller", defaults={"email": "queue-seller@bench.invalid", "password": "!"}
    )
    senders = User.objects.bulk_create(
        [
            User(username=f"q{first + i}", email=f"q{first + i}@bench.invalid", password="!")
            for i in range(count)
        ]
    )
    requests = []
    for sender in senders:
        conversation = _conversation(sender, seller)
        requests += [
            SendRequest(conversation.pk, sender, f"call me on +44 7700 90{i:04d}", uuid.uuid4().hex)
            for i in range(FLAGS_PER_CASE)
        ]
    send_all(requests)


def queue_bench(runs: int) -> list[list[object]]:
    """The case queue, the flag queue, a case page and the rules page at 100 open flags in 10
    cases, then at 1,000 in 100: the same queries at both sizes is the goal."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.test import Client

    from marketplace.roles import MODERATORS
    from moderation.models import Case, Flag

    moderator = get_user_model().objects.create(
        username="queue-mona", email="mona@bench.invalid", password="!", is_staff=True
    )
    moderator.groups.add(Group.objects.get(name=MODERATORS))
    client = Client()
    client.force_login(moderator, backend=_backend())
    rows = []
    done = 0
    for cases in (10, 100):
        add_cases(done, cases - done)
        done = cases
        analyze_tables()
        flags = Flag.objects.filter(status=Flag.Status.OPEN).count()
        first_case = Case.objects.order_by("opened_at", "id").first()
        for label, url in (
            ("case queue", "/admin/moderation/case/"),
            ("case queue, rule filter", "/admin/moderation/case/?rule=phone.international"),
            ("flag queue", "/admin/moderation/flag/"),
            ("case page", f"/admin/moderation/case/{first_case.pk}/change/"),
            ("detector rules", "/admin/moderation/flag/rules/"),
        ):
            ms, cpu_ms, queries, status = measure(client, url, runs)
            size = f"{flags:,} flags / {cases} cases"
            rows.append([label, size, f"{ms:.1f}", f"{cpu_ms:.1f}", queries, status])
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--queue", action="store_true", help="the moderation queue only")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--keep-db", action="store_true")
    args = parser.parse_args()
    list_sizes, thread_sizes = (
        ([10, 100, 500], [100, 1_000, 10_000]) if not args.quick else ([10, 100], [100, 1_000])
    )
    runs = args.runs if not args.quick else min(args.runs, 5)
    print(f"machine: {common.machine()}", flush=True)
    began = time.monotonic()
    try:
        with tempfile.TemporaryDirectory(prefix="gigbox-bench-static-") as static_root:
            setup(static_root)
            if args.queue:
                rows = queue_bench(runs)
                headers = ["page", "size", f"wall ms (median of {runs})", "CPU ms", "SQL", "status"]
                print(common.table(headers, sorted(rows, key=lambda row: row[0])))
                print(f"whole run: {time.monotonic() - began:.0f} s")
                return 0
            owners, threads = make_data(list_sizes, thread_sizes)
            analyze_tables()
            print(f"setup: {time.monotonic() - began:.0f} s", flush=True)
            from django.test import Client

            rows = []
            for size, owner in owners.items():
                client = Client()
                client.force_login(owner, backend=_backend())
                for label, url in (
                    ("inbox list page", "/inbox/"),
                    ("API conversations", "/api/inbox/conversations/"),
                ):
                    ms, cpu_ms, queries, status = measure(client, url, runs)
                    rows.append(
                        [
                            label,
                            f"{size} conversations",
                            f"{ms:.1f}",
                            f"{cpu_ms:.1f}",
                            queries,
                            status,
                        ]
                    )
            for size, (user, conversation_id) in threads.items():
                client = Client()
                client.force_login(user, backend=_backend())
                for label, url in (
                    ("thread page", f"/inbox/{conversation_id}/"),
                    ("API messages", f"/api/inbox/conversations/{conversation_id}/messages/"),
                ):
                    ms, cpu_ms, queries, status = measure(client, url, runs)
                    rows.append(
                        [label, f"{size:,} messages", f"{ms:.1f}", f"{cpu_ms:.1f}", queries, status]
                    )
            rows.sort(key=lambda row: row[0])
            if os.environ.get(
                "BENCH_PROFILE_URL_OF"
            ):  # e.g. "thread page": a cProfile of one fetch
                _profile(threads, os.environ["BENCH_PROFILE_URL_OF"])
            print()
            print(
                common.table(
                    [
                        "page",
                        "size",
                        f"wall ms (median of {runs})",
                        "CPU ms (median)",
                        "SQL queries",
                        "status",
                    ],
                    rows,
                )
            )
            print()
            print(
                "CPU ms: this process's CPU time for the request "
                "(PostgreSQL's own time is in wall ms only)."
            )
            print(
                "wall ms: the whole request through Django's test client "
                "(middleware, view, template),"
            )
            print(
                "in this process, PostgreSQL on loopback; "
                "lists show 30 conversations a page, threads 50 messages."
            )
            print(
                f"whole run: {time.monotonic() - began:.0f} s; "
                f"load average now {common.load_average()}"
            )
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep_db:
            common.drop_database(DB_NAME)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Fixtures of the fault tests: a private Redis and server processes on the test database,
four personas in three conversations, and `trial()`, which runs one round of sends with a
fault injected while they run.

The tests need PostgreSQL (DATABASE_URL) and redis-server: without them they are skipped,
except in CI (CI=true), where they fail. Counts come from GIGBOX_FAULT_TRIALS_<NAME> or
GIGBOX_FAULT_SCALE; the seed from GIGBOX_FAULT_SEED (printed either way).
"""

from __future__ import annotations

import asyncio
import os
import random
import shutil
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field

import pytest
from django.db import connection

from harness.servers import database_url_for
from inbox.conversations import get_or_start_conversation
from inbox.tests.ws import session_cookie
from marketplace.tests.factories import SellerFactory, UserFactory
from tests.faults.harness import (
    Cluster,
    FaultClient,
    Figures,
    History,
    check,
    fault_seed,
    record_results,
    trial_recovery,
)
from tests.support import require


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/faults" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.faults)
            item.add_marker(pytest.mark.timeout(600))  # many trials; each one is bounded anyway


@pytest.fixture
def fault_services(transactional_db) -> None:
    require(
        connection.vendor == "postgresql",
        "the fault tests need PostgreSQL: set DATABASE_URL=postgres://...",
    )
    require(
        shutil.which("redis-server") is not None,
        "redis-server is not installed: apt-get install -y redis-server",
    )


@pytest.fixture
def seed(request) -> int:
    value = fault_seed()
    print(f"\nGIGBOX_FAULT_SEED={value} ({request.node.name})")
    return value


@pytest.fixture
def make_cluster(fault_services, tmp_path) -> Iterator[Callable[..., Cluster]]:
    """`make_cluster(count=2, extra_env={...})`: started now, stopped (by PID) after the test."""
    started: list[Cluster] = []

    def make(count: int = 2, extra_env: dict[str, str] | None = None) -> Cluster:
        cluster = Cluster(
            database_url=database_url_for(connection.settings_dict),
            log_dir=tmp_path,
            count=count,
            extra_env=extra_env or {},
        )
        started.append(cluster)
        return cluster.start()

    try:
        yield make
    finally:
        for cluster in started:
            cluster.stop()


@dataclass
class Persona:
    user: object
    cookie: str
    conversation_ids: list[int] = field(default_factory=list)


@pytest.fixture
def personas(fault_services) -> dict[str, Persona]:
    """alice sells; bob and carol write to her; dave writes to carol. Three conversations."""
    alice = SellerFactory(username="alice")
    bob, carol, dave = (UserFactory(username=name) for name in ("bob", "carol", "dave"))
    people = {
        user.username: Persona(user, session_cookie(user)) for user in (alice, bob, carol, dave)
    }
    for first, second in (("bob", "alice"), ("carol", "alice"), ("dave", "carol")):
        conversation = get_or_start_conversation(
            starter=people[first].user, other=people[second].user
        )
        people[first].conversation_ids.append(conversation.pk)
        people[second].conversation_ids.append(conversation.pk)
    return people


def all_conversations(personas: dict[str, Persona]) -> set[int]:
    return {c for p in personas.values() for c in p.conversation_ids}


WORDS = [
    "alpha",
    "bravo",
    "charlie",
    "delta",
    "echo",
    "foxtrot",
    "golf",
    "hotel",
    "india",
    "juliet",
    "kilo",
    "lima",
]


def plan_for(persona: Persona, count: int, rng: random.Random) -> list[tuple[int, str]]:
    """`count` sends spread over the persona's conversations (plain words: no contact details)."""
    return [
        (rng.choice(persona.conversation_ids), f"{rng.choice(WORDS)} {rng.choice(WORDS)} {n}")
        for n in range(count)
    ]


@dataclass
class FaultRun:
    """One fault test: many trials, one history file, figures checked against the database."""

    name: str
    seed: int
    history: History
    personas: dict[str, Persona]
    rng: random.Random
    clients: list[FaultClient] = field(default_factory=list)
    figures: Figures = None  # type: ignore[assignment]

    def __post_init__(self) -> None:
        self.figures = Figures(fault=self.name, seed=self.seed)

    def tabs(
        self,
        urls: Callable[[], list[str]],
        *,
        names: Sequence[str] = ("alice", "bob", "carol", "dave"),
        ack_timeout: float = 1.5,
    ) -> list[FaultClient]:
        tabs = []
        for n, name in enumerate(names):
            persona = self.personas[name]
            tabs.append(
                FaultClient(
                    f"{name}#{len(self.clients) + n}",
                    user_id=persona.user.pk,
                    cookie=persona.cookie,
                    conversation_ids=persona.conversation_ids,
                    urls=urls,
                    history=self.history,
                    preferred=self.rng.randrange(8),
                    ack_timeout=ack_timeout,
                )
            )
        self.clients.extend(tabs)
        return tabs

    def trial(
        self,
        tabs: Sequence[FaultClient],
        *,
        sends: int,
        fault: Callable[[], Awaitable[object]] | None = None,
        fault_at: float = 0.0,
        fault_after_acks: int = 0,
        deadline: float = 40.0,
        window: int = 4,
        label: str = "",
        measure_recovery: bool = True,
        before: Callable[[], Awaitable[object]] | None = None,
        after: Callable[[], Awaitable[object]] | None = None,
    ) -> float | None:
        """Run one trial: every tab sends `sends` messages; `fault` runs `fault_at` seconds in.
        With `fault_after_acks`, the fault waits until that many sends were acknowledged.
        Returns the recovery time (seconds from the end of the fault until every tab with
        sends outstanding at that moment got an ack again), or None."""
        plans = [plan_for(self.personas[tab.name.split("#")[0]], sends, self.rng) for tab in tabs]
        self.figures.trials += 1

        async def body() -> float | None:
            if before is not None:
                await before()  # in the trial's event loop (e.g. a proxy the tabs go through)
            tasks = [
                asyncio.create_task(tab.run(plan, window=window, deadline=deadline))
                for tab, plan in zip(tabs, plans, strict=True)
            ]
            ended = None
            if fault is not None:
                await asyncio.sleep(fault_at)
                while sum(len(tab.acks) for tab in tabs) < fault_after_acks and not all(
                    t.done() for t in tasks
                ):
                    await asyncio.sleep(0.002)  # strike in the middle of the burst
                self.history.record("fault", kind=label or self.name, trial=self.figures.trials)
                await fault()
                ended = self.history.now()
                self.history.record("fault_end", kind=label or self.name, trial=self.figures.trials)
            await asyncio.gather(*tasks)
            await asyncio.gather(*(tab.finish() for tab in tabs))
            if after is not None:
                await after()
            return trial_recovery(tabs, ended) if ended is not None and measure_recovery else None

        recovery = asyncio.run(body())
        if recovery is not None:
            self.figures.recovery_seconds.append(recovery)
        return recovery

    def finish(self) -> Figures:
        check(self.figures, self.clients, all_conversations(self.personas))
        record_results(self.figures, self.history)
        self.history.close()
        return self.figures


@pytest.fixture
def fault_run(request, seed, personas, tmp_path) -> Callable[[str], FaultRun]:
    def make(name: str) -> FaultRun:
        folder = os.environ.get("GIGBOX_FAULT_RESULTS")
        path = (
            os.path.join(folder, f"{name}-history.jsonl")
            if folder
            else tmp_path / f"{name}-history.jsonl"
        )
        if folder:
            os.makedirs(folder, exist_ok=True)
        history = History(path)
        history.record("run", fault=name, seed=seed, test=request.node.nodeid)
        return FaultRun(name, seed, history, personas, random.Random(seed))

    return make


def live_receipts_after(history: History, moment: float) -> int:
    return sum(
        1 for e in history.events if e["event"] == "receive" and e["live"] and e["t"] > moment
    )


def assert_no_failures(figures: Figures, cluster: Cluster | None = None) -> None:
    failures = figures.failures()
    detail = f"\n{cluster.logs()}" if cluster is not None and failures else ""
    assert not failures, (
        f"{figures.fault} (seed {figures.seed}): {failures}; {figures.summary()}{detail}"
    )
    assert figures.acked > 0 and figures.trials > 0, figures.summary()

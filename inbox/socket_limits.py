"""How many sockets one account and one address may hold open, across every server process
(issue 17, finding 9: one account opened 1,500 sockets in five seconds).

Counts live in the shared cache (Redis in production), keyed by user and by client address.
A socket past a limit is refused, not an old one closed: the tabs already open keep working,
and an attacker holding the account cannot push its owner off by opening more. Every count
expires ONLINE_TTL seconds after its last socket's ping (inbox.presence), so a process that
dies without closing its sockets frees their places within a minute.
"""

from __future__ import annotations

import contextlib

from django.conf import settings

from inbox.presence import ONLINE_TTL, shared_cache

__all__ = ["admit", "release", "keep_alive"]


def _keys(user_id: int, address: str | None) -> list[tuple[str, int]]:
    keys = [(f"inbox:open:user:{user_id}", settings.GIGBOX_MAX_SOCKETS_PER_USER)]
    if address:
        keys.append((f"inbox:open:addr:{address}", settings.GIGBOX_MAX_SOCKETS_PER_ADDRESS))
    return keys


def _incr(key: str) -> int:
    cache = shared_cache()
    cache.add(key, 0, timeout=ONLINE_TTL)
    try:
        return cache.incr(key)
    except ValueError:  # expired in between
        cache.set(key, 1, timeout=ONLINE_TTL)
        return 1


def _decr(key: str) -> None:
    with contextlib.suppress(ValueError):  # expired: nothing to give back
        shared_cache().decr(key)


def admit(user_id: int, address: str | None) -> str | None:
    """Count a new socket; None when it fits, else which limit it is over ("user" or
    "address"), and then nothing stays counted."""
    counted: list[str] = []
    for (key, limit), name in zip(_keys(user_id, address), ("user", "address"), strict=False):
        counted.append(key)
        if _incr(key) > limit:
            for taken in counted:
                _decr(taken)
            return name
    return None


def release(user_id: int, address: str | None) -> None:
    """Uncount a socket that `admit` let in."""
    for key, _ in _keys(user_id, address):
        _decr(key)


def keep_alive(user_id: int, address: str | None) -> None:
    """A ping: the counts live as long as their sockets do."""
    for key, _ in _keys(user_id, address):
        shared_cache().touch(key, timeout=ONLINE_TTL)

"""Who is online: a cache key per user, refreshed by every socket's pings, and a count of
the user's open sockets across all server processes.

A user is online while the key lives. The key expires ONLINE_TTL seconds after the last
ping, so a server that dies without closing its sockets cannot leave anyone online for
long. The socket count decides when the last tab closed (then last_seen_at is stored).
The `presence` frame is inbox.frames'.
"""

from __future__ import annotations

from collections.abc import Iterable

from core.shared_cache import shared_cache

__all__ = [
    "ONLINE_TTL",
    "is_online",
    "online_ids",
    "socket_opened",
    "socket_alive",
    "socket_closed",
    "shared_cache",
]

ONLINE_TTL = 60  # seconds; clients ping every 25 s


def _online_key(user_id: int) -> str:
    return f"inbox:online:{user_id}"


def _sockets_key(user_id: int) -> str:
    return f"inbox:sockets:{user_id}"


def is_online(user_id: int) -> bool:
    return shared_cache().get(_online_key(user_id)) is not None


def online_ids(user_ids: Iterable[int]) -> set[int]:
    """Which of these users are online now: one cache round trip for all of them."""
    keys = {_online_key(user_id): user_id for user_id in user_ids}
    if not keys:
        return set()
    return {keys[key] for key in shared_cache().get_many(list(keys))}


def socket_opened(user_id: int) -> bool:
    """Count a new socket; True when the user was offline before it."""
    was_online = is_online(user_id)
    shared_cache().add(_sockets_key(user_id), 0, timeout=ONLINE_TTL)
    try:
        shared_cache().incr(_sockets_key(user_id))
    except ValueError:  # expired in between
        shared_cache().set(_sockets_key(user_id), 1, timeout=ONLINE_TTL)
    shared_cache().set(_online_key(user_id), 1, timeout=ONLINE_TTL)
    return not was_online


def socket_alive(user_id: int) -> None:
    """A ping: keep the user online for another ONLINE_TTL seconds."""
    shared_cache().set(_online_key(user_id), 1, timeout=ONLINE_TTL)
    if not shared_cache().touch(_sockets_key(user_id), timeout=ONLINE_TTL):
        shared_cache().set(_sockets_key(user_id), 1, timeout=ONLINE_TTL)


def socket_closed(user_id: int) -> bool:
    """Uncount a socket; True when it was the user's last one (they are offline now)."""
    try:
        remaining = shared_cache().decr(_sockets_key(user_id))
    except ValueError:  # the count expired: nobody pinged for a while
        remaining = 0
    if remaining > 0:
        return False
    shared_cache().delete_many([_sockets_key(user_id), _online_key(user_id)])
    return True

"""The client's address: from the proxy Gigbox runs, never from a client's own headers.

Behind nginx every connection comes from nginx, and the client's address travels in headers
nginx sets (deploy/nginx.conf.template overwrites X-Forwarded-For with $remote_addr and sets
X-Real-IP). A header is believed only when the connection comes from an address listed in
GIGBOX_TRUSTED_PROXIES (addresses or networks; empty, the default, trusts nobody; `make
serve` lists loopback, where its nginx runs). Otherwise the peer's own address stands.

TrustedProxyMiddleware wraps the ASGI application (config/asgi.py) and rewrites the scope's
`client` once, so Django's REMOTE_ADDR, django-axes lockouts (which read REMOTE_ADDR), the
security log and the sockets all see the same address. daphne's own proxy-header option is
off: it believed the leftmost X-Forwarded-For from any peer (issue 17).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from django.conf import settings

__all__ = ["TrustedProxyMiddleware", "client_address"]

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(proxy.strip(), strict=False) for proxy in proxies)


def _address(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None


def _header(scope: dict[str, Any], name: bytes) -> str | None:
    for key, value in scope.get("headers") or ():
        if key.lower() == name:
            return value.decode("latin-1")
    return None


def client_address(scope: dict[str, Any], trusted: Iterable[str]) -> str | None:
    """The client's address for this connection: X-Real-IP, else the rightmost
    X-Forwarded-For entry (the one the proxy added), when the peer is a trusted proxy."""
    client = scope.get("client")
    peer = client[0] if client else None
    networks = _networks(tuple(trusted))
    peer_ip = _address(peer) if peer else None
    if peer_ip is None or not any(ipaddress.ip_address(peer_ip) in net for net in networks):
        return peer
    real_ip = _header(scope, b"x-real-ip")
    if real_ip is not None:
        return _address(real_ip) or peer
    forwarded = _header(scope, b"x-forwarded-for")
    if forwarded:
        return _address(forwarded.rsplit(",", 1)[-1]) or peer
    return peer


class TrustedProxyMiddleware:
    """ASGI middleware: the scope's `client` is the client's address (see the module)."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope.get("type") in ("http", "websocket") and settings.GIGBOX_TRUSTED_PROXIES:
            address = client_address(scope, settings.GIGBOX_TRUSTED_PROXIES)
            client = scope.get("client")
            if address is not None and (not client or address != client[0]):
                scope = {**scope, "client": (address, 0)}
        return await self.app(scope, receive, send)

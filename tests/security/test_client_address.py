"""Issue 17, finding 5: the client address comes only from the proxy Gigbox runs.

nginx overwrites X-Forwarded-For and sets X-Real-IP with the address it saw; a server process
believes those headers only from an address in GIGBOX_TRUSTED_PROXIES; django-axes lockouts
and the security log see the address that results."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from config.client_address import TrustedProxyMiddleware, client_address
from config.server import build_server
from harness.servers import REPO_ROOT

TRUSTED = ["127.0.0.1", "::1", "10.0.0.0/8"]


def _scope(peer: str, **headers: str) -> dict:
    return {
        "type": "http",
        "client": (peer, 50000),
        "headers": [(k.replace("_", "-").lower().encode(), v.encode()) for k, v in headers.items()],
    }


@pytest.mark.parametrize(
    "peer, headers, expected",
    [
        # nginx on loopback, which set both headers to what it saw
        (
            "127.0.0.1",
            {"X_Real_IP": "203.0.113.5", "X_Forwarded_For": "203.0.113.5"},
            "203.0.113.5",
        ),
        # a client-supplied X-Forwarded-For that a proxy appended to: the proxy's entry counts
        ("127.0.0.1", {"X_Forwarded_For": "198.51.100.66, 203.0.113.5"}, "203.0.113.5"),
        ("10.1.2.3", {"X_Forwarded_For": "1.2.3.4"}, "1.2.3.4"),
        # straight from the internet: the headers are the client's own words, ignored
        (
            "198.51.100.9",
            {"X_Real_IP": "203.0.113.5", "X_Forwarded_For": "203.0.113.5"},
            "198.51.100.9",
        ),
        # a trusted proxy with a header that is not an address: the proxy's own address
        ("127.0.0.1", {"X_Real_IP": "not-an-ip"}, "127.0.0.1"),
        ("127.0.0.1", {}, "127.0.0.1"),
    ],
)
def test_the_address_is_taken_from_trusted_proxies_only(peer, headers, expected):
    assert client_address(_scope(peer, **headers), TRUSTED) == expected


def test_nobody_is_trusted_by_default(settings):
    assert settings.GIGBOX_TRUSTED_PROXIES == []
    assert client_address(_scope("127.0.0.1", X_Real_IP="203.0.113.5"), []) == "127.0.0.1"


async def test_the_middleware_rewrites_the_scope_for_the_app(settings):
    settings.GIGBOX_TRUSTED_PROXIES = ["127.0.0.1"]
    seen = {}

    async def app(scope, receive, send):
        seen.update(scope)

    await TrustedProxyMiddleware(app)(
        _scope("127.0.0.1", X_Forwarded_For="6.6.6.6, 203.0.113.5"), None, None
    )
    assert seen["client"] == ("203.0.113.5", 0)


def test_daphne_no_longer_believes_the_leftmost_forwarded_for():
    args = argparse.Namespace(host="127.0.0.1", port=0, shutdown_timeout=1, proxy_headers=True)
    server = build_server(args, application=None)
    assert server.proxy_forwarded_address_header is None


def test_nginx_overwrites_the_forwarding_headers():
    template = (Path(REPO_ROOT) / "deploy" / "nginx.conf.template").read_text()
    assert "$proxy_add_x_forwarded_for" not in template
    assert template.count("proxy_set_header X-Forwarded-For $remote_addr;") == 2
    assert template.count("proxy_set_header X-Real-IP $remote_addr;") == 2


def test_make_serve_trusts_its_own_nginx():
    from deploy import serve

    source = Path(serve.__file__).read_text()
    assert '"GIGBOX_TRUSTED_PROXIES"' in source


def test_lockouts_count_the_address_the_server_settled_on(rf):
    """django-axes reads REMOTE_ADDR (the scope's client, set above), never the headers."""
    from axes.helpers import get_client_ip_address

    request = rf.post(
        "/accounts/login/", REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="198.51.100.1"
    )
    request.META["HTTP_X_REAL_IP"] = "198.51.100.2"
    assert get_client_ip_address(request) == "203.0.113.5"

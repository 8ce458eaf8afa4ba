"""S5/S6/S10: every URL of the project that takes an id, tried by an outsider, answers exactly
like a request for an id that does not exist (status and body, byte for byte once the
per-response CSRF token is set aside), and shows none of the object's data.

REGISTRY names every URL pattern (admin/ and allauth's accounts/ have their own checks
below and in test_websocket_access.py): a new URL without an entry fails
`test_the_registry_covers_every_url_pattern`, so nobody can add a view without deciding how
outsiders are kept out of it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.security.conftest import World

MISSING = 987654
CSRF_VALUE = re.compile(
    rb'(name="csrfmiddlewaretoken" value=")[^"]+(")|(data-csrf(?:-token)?=")[^"]+(")'
)


@dataclass(frozen=True)
class Scoped:
    """An object that only some users may see: (real kwargs, missing kwargs) for the outsider."""

    real: Callable[[World], dict]
    missing: Callable[[World], dict]
    methods: tuple[str, ...] = ("GET", "POST")
    secrets: Callable[[World], list[str]] = field(default=lambda w: [])


@dataclass(frozen=True)
class Open:
    """No object of someone else's behind it (a list of one's own things, a public page)."""

    why: str
    kwargs: Callable[[World], dict] = field(default=lambda w: {})


def order_pk(w):
    return {"pk": w.order.pk}


REGISTRY: dict[str, Scoped | Open] = {
    "healthz": Open("probe, no data"),
    "readyz": Open("probe, no data"),
    # inbox JSON API
    "inbox_api:conversations": Open("the user's own list"),
    "inbox_api:messages": Scoped(
        lambda w: {"conversation_id": w.conversation.pk},
        lambda w: {"conversation_id": MISSING},
        secrets=lambda w: ["Here is the sketch"],
    ),
    "inbox_api:state": Scoped(
        lambda w: {"conversation_id": w.conversation.pk},
        lambda w: {"conversation_id": MISSING},
        methods=("POST",),
    ),
    "inbox_api:unread": Scoped(
        lambda w: {"conversation_id": w.conversation.pk},
        lambda w: {"conversation_id": MISSING},
        methods=("POST",),
    ),
    "inbox_api:block": Open(
        "usernames are public (seller pages); blocking is one's own setting",
        lambda w: {"username": "alice"},
    ),
    "inbox_api:precheck": Scoped(
        lambda w: {"conversation_id": w.conversation.pk},
        lambda w: {"conversation_id": MISSING},
        methods=("POST",),
    ),
    "inbox_api:attachment_thumbnail": Scoped(
        lambda w: {"attachment_id": w.attachment.pk},
        lambda w: {"attachment_id": MISSING},
        methods=("GET",),
    ),
    "inbox_api:attachment": Scoped(
        lambda w: {"attachment_id": w.attachment.pk},
        lambda w: {"attachment_id": MISSING},
        methods=("GET",),
    ),
    # inbox pages
    "inbox:index": Open("the user's own inbox"),
    "inbox:thread": Scoped(
        lambda w: {"conversation_id": w.conversation.pk},
        lambda w: {"conversation_id": MISSING},
        secrets=lambda w: ["Here is the sketch"],
    ),
    "inbox:send": Scoped(
        lambda w: {"conversation_id": w.conversation.pk},
        lambda w: {"conversation_id": MISSING},
        methods=("POST",),
    ),
    "inbox:state": Scoped(
        lambda w: {"conversation_id": w.conversation.pk},
        lambda w: {"conversation_id": MISSING},
        methods=("POST",),
    ),
    "inbox:start": Open(
        "starting a conversation with a public seller", lambda w: {"username": "alice"}
    ),
    "inbox:block": Open(
        "usernames are public; blocking is one's own setting", lambda w: {"username": "alice"}
    ),
    # deals
    "deals:offer_new": Scoped(
        lambda w: {"conversation_id": w.general.pk}, lambda w: {"conversation_id": MISSING}
    ),
    "deals:offer": Scoped(
        lambda w: {"pk": w.offer.pk},
        lambda w: {"pk": MISSING},
        secrets=lambda w: ["three concepts"],
    ),
    "deals:offer_checkout": Scoped(
        lambda w: {"pk": w.offer.pk},
        lambda w: {"pk": MISSING},
        methods=("GET",),
        secrets=lambda w: ["three concepts"],
    ),
    "deals:offer_accept": Scoped(
        lambda w: {"pk": w.offer.pk}, lambda w: {"pk": MISSING}, methods=("POST",)
    ),
    "deals:offer_decline": Scoped(
        lambda w: {"pk": w.offer.pk}, lambda w: {"pk": MISSING}, methods=("POST",)
    ),
    "deals:offer_withdraw": Scoped(
        lambda w: {"pk": w.offer.pk}, lambda w: {"pk": MISSING}, methods=("POST",)
    ),
    "deals:order_review": Scoped(order_pk, lambda w: {"pk": MISSING}),
    "deals:saved_replies": Open("the user's own saved replies"),
    "deals:saved_reply_edit": Scoped(
        lambda w: {"pk": w.saved_reply.pk},
        lambda w: {"pk": MISSING},
        secrets=lambda w: ["Thank you for your order"],
    ),
    "deals:saved_reply_delete": Scoped(
        lambda w: {"pk": w.saved_reply.pk}, lambda w: {"pk": MISSING}, methods=("POST",)
    ),
    "deals:seller_dashboard": Open("the seller's own dashboard"),
    "deals:seller_reviews": Open("a seller's public reviews", lambda w: {"username": "alice"}),
    "deals:review_reply": Scoped(
        lambda w: {"pk": w.review.pk}, lambda w: {"pk": MISSING}, methods=("POST",)
    ),
    # disputes (party pages)
    "disputes:dispute": Scoped(
        lambda w: {"order_pk": w.order.pk},
        lambda w: {"order_pk": MISSING},
        secrets=lambda w: ["not what we agreed"],
    ),
    "disputes:open": Scoped(
        lambda w: {"order_pk": w.order.pk}, lambda w: {"order_pk": MISSING}, methods=("POST",)
    ),
    "disputes:answer": Scoped(
        lambda w: {"order_pk": w.order.pk}, lambda w: {"order_pk": MISSING}, methods=("POST",)
    ),
    "disputes:evidence": Scoped(
        lambda w: {"order_pk": w.order.pk}, lambda w: {"order_pk": MISSING}, methods=("POST",)
    ),
    "disputes:file": Scoped(
        lambda w: {"order_pk": w.order.pk, "entry_pk": w.entry.pk},
        lambda w: {"order_pk": MISSING, "entry_pk": MISSING},
        methods=("GET",),
    ),
    # moderation (the user's own account health)
    # reporting a message (moderation's, on the inbox's paths)
    "moderation:report": Scoped(
        lambda w: {"message_id": w.message.pk},
        lambda w: {"message_id": MISSING},
        secrets=lambda w: ["Here is the sketch"],
    ),
    "moderation:report_api": Scoped(
        lambda w: {"message_id": w.message.pk}, lambda w: {"message_id": MISSING}, methods=("POST",)
    ),
    "moderation:health": Open("the user's own account health"),
    "moderation:standing_api": Open("the user's own sanctions, for an open inbox tab"),
    "moderation:appeal": Scoped(
        lambda w: {"strike_id": w.strike.pk},
        lambda w: {"strike_id": MISSING},
        secrets=lambda w: ["Repeated spam"],
    ),
    "moderation:appeal_sanction": Scoped(
        lambda w: {"sanction_id": w.sanction.pk},
        lambda w: {"sanction_id": MISSING},
        secrets=lambda w: ["Restricted after repeated spam"],
    ),
    # marketplace
    "marketplace:home": Open("public"),
    "marketplace:gig_list": Open("public"),
    "marketplace:gig": Open("public gig page", lambda w: {"slug": w.gig.slug}),
    "marketplace:order_place": Open(
        "any buyer may order a public gig", lambda w: {"slug": w.gig.slug}
    ),
    "marketplace:seller": Open("public seller page", lambda w: {"username": "alice"}),
    "marketplace:seller_profile": Open("the user's own profile"),
    "marketplace:account_settings": Open("the user's own settings (time zone)"),
    "marketplace:seller_gigs": Open("the user's own gigs"),
    "marketplace:gig_create": Open("creates one's own gig"),
    "marketplace:gig_edit": Scoped(lambda w: {"pk": w.gig.pk}, lambda w: {"pk": MISSING}),
    "marketplace:gig_set_status": Scoped(
        lambda w: {"pk": w.gig.pk}, lambda w: {"pk": MISSING}, methods=("POST",)
    ),
    "marketplace:order_list": Open("the user's own orders"),
    "marketplace:order": Scoped(
        order_pk, lambda w: {"pk": MISSING}, secrets=lambda w: [w.order.reference]
    ),
    "marketplace:order_requirements": Scoped(order_pk, lambda w: {"pk": MISSING}),
    "marketplace:order_deliver": Scoped(order_pk, lambda w: {"pk": MISSING}),
    "marketplace:order_accept": Scoped(order_pk, lambda w: {"pk": MISSING}, methods=("POST",)),
    "marketplace:order_revision": Scoped(order_pk, lambda w: {"pk": MISSING}),
    "marketplace:order_cancel": Scoped(order_pk, lambda w: {"pk": MISSING}),
    "marketplace:checkout": Open(
        "any buyer may check out a public gig", lambda w: {"slug": w.gig.slug}
    ),
    "marketplace:gig_images": Scoped(lambda w: {"pk": w.gig.pk}, lambda w: {"pk": MISSING}),
    "marketplace:gig_image_action": Scoped(
        lambda w: {"pk": w.gig.pk, "image_pk": w.image.pk},
        lambda w: {"pk": MISSING, "image_pk": MISSING},
        methods=("POST",),
    ),
    "marketplace:gig_extras": Scoped(lambda w: {"pk": w.gig.pk}, lambda w: {"pk": MISSING}),
    "marketplace:seller_photo": Open("the user's own photo"),
    "marketplace:seller_away": Open("the user's own away mode"),
    "marketplace:answer_file": Scoped(
        lambda w: {"pk": w.order.pk, "answer_pk": w.answer.pk},
        lambda w: {"pk": MISSING, "answer_pk": MISSING},
        methods=("GET",),
    ),
    "marketplace:public_media": Open(
        "gig images and avatars are public (gig pages show them)",
        lambda w: {"path": w.image.large.name.removeprefix("public/")},
    ),
    "marketplace:delivery_file": Scoped(
        lambda w: {"pk": w.order.pk, "delivery_pk": w.delivery.pk},
        lambda w: {"pk": MISSING, "delivery_pk": MISSING},
        methods=("GET",),
    ),
    "marketplace:delivery_thumbnail": Scoped(
        lambda w: {"pk": w.order.pk, "delivery_pk": w.delivery.pk},
        lambda w: {"pk": MISSING, "delivery_pk": MISSING},
        methods=("GET",),
    ),
}

EXCLUDED_PREFIXES = ("admin/", "accounts/")


def pattern_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns, prefix: str, namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern):
                route = prefix + str(pattern.pattern)
                if route.startswith(EXCLUDED_PREFIXES):
                    continue
                names.add(f"{namespace}{pattern.name}" if pattern.name else f"<unnamed {route}>")

    walk(get_resolver().url_patterns, "", "")
    return names


def test_the_registry_covers_every_url_pattern():
    names = pattern_names()
    assert names - REGISTRY.keys() == set(), (
        "new URLs: add them to REGISTRY (how an outsider reaches them)"
    )
    assert REGISTRY.keys() - names == set(), "REGISTRY names URLs that no longer exist"


def normalized(body: bytes) -> bytes:
    return CSRF_VALUE.sub(
        lambda m: (m.group(1) or m.group(3)) + b"<csrf>" + (m.group(2) or m.group(4)), body
    )


def request(client: Client, method: str, url: str) -> tuple[int, bytes, str]:
    """(status, body with CSRF tokens set aside, redirect target)."""
    response = client.get(url) if method == "GET" else client.post(url, {})
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return response.status_code, normalized(content), response.get("Location", "")


SCOPED = sorted(
    (name, method)
    for name, spec in REGISTRY.items()
    if isinstance(spec, Scoped)
    for method in spec.methods
)


@pytest.mark.parametrize(("name", "method"), SCOPED, ids=[f"{n}-{m}" for n, m in SCOPED])
def test_an_outsider_gets_the_not_found_answer(world, name, method):
    spec = REGISTRY[name]
    client = Client()
    client.force_login(world.charlie, backend="moderation.auth.NotSuspendedModelBackend")
    real_url, missing_url = (
        reverse(name, kwargs=spec.real(world)),
        reverse(name, kwargs=spec.missing(world)),
    )
    real, missing = request(client, method, real_url), request(client, method, missing_url)
    assert real == missing, (
        f"{method} {real_url}: {real[0]} {real[1][:300]!r} "
        f"vs missing {missing[0]} {missing[1][:300]!r}"
    )
    # 404, or the same redirect for both (e.g. "become a seller first" before any lookup).
    assert real[0] in (404, 405) or (real[0] == 302 and "987654" not in real[2]), real
    for secret in spec.secrets(world):
        assert secret.encode() not in real[1]


@pytest.mark.parametrize("name", sorted(n for n, s in REGISTRY.items() if isinstance(s, Open)))
def test_unscoped_urls_answer_an_outsider_without_a_server_error(world, name):
    client = Client()
    client.force_login(world.charlie, backend="moderation.auth.NotSuspendedModelBackend")
    response = client.get(reverse(name, kwargs=REGISTRY[name].kwargs(world)))
    assert response.status_code < 500
    content = b"".join(response.streaming_content) if response.streaming else response.content
    for secret in (
        "Here is the sketch",
        "not what we agreed",
        "Repeated spam",
        world.order.reference,
    ):
        assert secret.encode() not in content, f"{name} shows {secret!r} to an outsider"


# Staff: the wrong group --------------------------------------------------------------------------


def _admin_urls(world: World) -> list[tuple[str, str, str, str]]:
    """(who is the wrong staff member, method, real url, missing url) for admin object pages."""
    from moderation.models import Flag

    any_flag = Flag.objects.order_by("pk").first()
    sanction = world.bob.sanctions.order_by("pk").first()
    rows = []
    if any_flag is not None:
        for suffix, method in (
            ("change/", "GET"),
            ("reveal/", "POST"),
            ("decide/dismiss/", "POST"),
        ):
            rows.append(
                (
                    "rita",
                    method,
                    f"/admin/moderation/flag/{any_flag.pk}/{suffix}",
                    f"/admin/moderation/flag/{MISSING}/{suffix}",
                )
            )
    if sanction is not None:
        rows.append(
            (
                "rita",
                "POST",
                f"/admin/moderation/sanction/{sanction.pk}/lift/",
                f"/admin/moderation/sanction/{MISSING}/lift/",
            )
        )
    d = world.dispute.pk
    for suffix, method in (
        ("change/", "GET"),
        ("assign/", "POST"),
        ("note/", "POST"),
        ("resolve/", "POST"),
        ("export/", "POST"),
        (f"attachments/{world.attachment.pk}/", "GET"),
        (f"evidence/{world.entry.pk}/", "GET"),
    ):
        rows.append(
            (
                "mo",
                method,
                f"/admin/disputes/dispute/{d}/{suffix}",
                f"/admin/disputes/dispute/{MISSING}/{suffix}",
            )
        )
        rows.append(
            (
                "stella",
                method,
                f"/admin/disputes/dispute/{d}/{suffix}",
                f"/admin/disputes/dispute/{MISSING}/{suffix}",
            )
        )
    rows.append(
        (
            "mo",
            "GET",
            f"/admin/inbox/message/{world.message.pk}/change/",
            f"/admin/inbox/message/{MISSING}/change/",
        )
    )
    return rows


def test_the_wrong_staff_group_learns_nothing_from_admin_object_urls(world):
    mismatches = []
    for who, method, real_url, missing_url in _admin_urls(world):
        client = Client()
        client.force_login(getattr(world, who), backend="moderation.auth.NotSuspendedModelBackend")
        real, missing = request(client, method, real_url), request(client, method, missing_url)
        if real[0] == 200 or real[0] != missing[0]:
            mismatches.append((who, method, real_url, real[0], missing[0]))
        for secret in ("Here is the sketch", "not what we agreed"):
            assert secret.encode() not in real[1], (who, real_url)
    assert not mismatches, mismatches

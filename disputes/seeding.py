"""Demo disputes, loaded by `manage.py seed` from seeds/40_disputes.json.

Each case is played through the services the way users and reviewers would: the order is
placed, started and delivered (marketplace.services), the parties talk in the order's
conversation (inbox.send.send_message: a masked contact attempt is masked and flagged
as live), then a party opens the dispute, the other answers, both add evidence, and a
reviewer takes the case and leaves a note. A case whose order already exists is skipped,
so loading twice changes nothing.
"""

from __future__ import annotations

from typing import Any, TextIO

from disputes import services
from disputes.models import Dispute
from inbox.checks import AttachmentUpload
from inbox.conversations import get_or_start_conversation
from inbox.send import send_message
from marketplace import services as marketplace_services
from marketplace.models import Gig, Order, User

Spec = dict[str, Any]


def load(data: Spec, stdout: TextIO) -> list[tuple[str, str]]:
    created = sum(_ensure_case(spec) for spec in data["cases"])
    stdout.write(f"  disputes: {len(data['cases'])} cases ({created} new)\n")
    return [(spec["buyer"], spec["demo_login"]) for spec in data["cases"] if "demo_login" in spec]


def _users(spec: Spec) -> dict[str, User]:
    names = {spec["buyer"], spec["reviewer"], *(m["from"] for m in spec["conversation"])}
    users = {user.username: user for user in User.objects.filter(username__in=names - {"seller"})}
    missing = names - {"seller"} - users.keys()
    if missing:
        raise ValueError(
            f"seeds/40_disputes.json names unknown users: {', '.join(sorted(missing))}"
        )
    return users


def _upload(file_spec: Spec | None) -> AttachmentUpload | None:
    return (
        AttachmentUpload(file_spec["name"], file_spec["text"].encode("utf-8"))
        if file_spec
        else None
    )


def _ensure_case(spec: Spec) -> bool:
    """Play one case through; False when its order is already there."""
    users = _users(spec)
    buyer, gig = users[spec["buyer"]], Gig.objects.select_related("seller").get(title=spec["gig"])
    if Order.objects.filter(buyer=buyer, gig=gig, tier=spec["tier"]).exists():
        return False
    users["seller"] = gig.seller
    order = _delivered_order(spec, buyer, gig)
    conversation = get_or_start_conversation(starter=buyer, other=gig.seller, order=order)
    for message in spec["conversation"]:
        send_message(
            conversation=conversation,
            sender=users[message["from"]],
            body=message["body"],
            client_id=message["id"],
        )
    opening = spec["dispute"]
    dispute = services.open_dispute(
        order=order,
        opener=users[opening["by"]],
        reason=opening["reason"],
        requested_outcome=opening["requested_outcome"],
        statement=opening["statement"],
        refund_percent=opening.get("refund_percent"),
        extra_days=opening.get("extra_days"),
        upload=_upload(opening.get("file")),
    )
    _play_replies(spec, dispute, users)
    return True


def _delivered_order(spec: Spec, buyer: User, gig: Gig) -> Order:
    order = marketplace_services.place_order(
        buyer=buyer, package=gig.packages.get(tier=spec["tier"])
    )
    marketplace_services.submit_requirements(
        order=order, actor=buyer, requirements=spec["requirements"]
    )
    marketplace_services.deliver_order(order=order, actor=gig.seller, note=spec["delivery_note"])
    return order


def _play_replies(spec: Spec, dispute: Dispute, users: dict[str, User]) -> None:
    if "answer" in spec:
        answer = spec["answer"]
        services.answer_dispute(
            dispute=dispute,
            author=users[answer["by"]],
            body=answer["body"],
            upload=_upload(answer.get("file")),
        )
    for evidence in spec.get("evidence", []):
        services.add_evidence(
            dispute=dispute,
            author=users[evidence["by"]],
            body=evidence["body"],
            upload=_upload(evidence.get("file")),
        )
    reviewer = users[spec["reviewer"]]
    services.assign_dispute(dispute=dispute, reviewer=reviewer)
    for note in spec.get("notes", []):
        services.add_dispute_note(dispute=dispute, author=reviewer, body=note)

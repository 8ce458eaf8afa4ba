"""seeds/40_disputes.json through `manage.py seed`: an open dispute with its history, twice."""

from __future__ import annotations

import io
import shutil

from django.conf import settings
from django.core.management import call_command

from disputes.models import Dispute, DisputeEntry
from inbox.models import Message
from marketplace.models import Order
from moderation.models import Flag


def _seed(tmp_path) -> str:
    for name in ("10_marketplace.json", "40_disputes.json"):
        shutil.copy(settings.BASE_DIR / "seeds" / name, tmp_path / name)
    out = io.StringIO()
    call_command("seed", dir=str(tmp_path), stdout=out)
    return out.getvalue()


def test_the_demo_dispute_is_loaded_with_its_history_and_only_once(db, tmp_path):
    assert "disputes: 1 cases (1 new)" in _seed(tmp_path)
    dispute = Dispute.objects.get()
    assert dispute.is_open and dispute.order.status == Order.Status.DISPUTED
    assert dispute.assigned_to.username == "reviewer" and dispute.notes.count() == 1
    kinds = list(dispute.entries.values_list("kind", flat=True))
    assert kinds == [
        DisputeEntry.Kind.STATEMENT,
        DisputeEntry.Kind.ANSWER,
        DisputeEntry.Kind.EVIDENCE,
        DisputeEntry.Kind.EVIDENCE,
    ]
    assert dispute.entries.exclude(file="").count() == 2
    messages = Message.objects.filter(conversation__order=dispute.order)
    masked = messages.exclude(findings=[])
    assert masked.count() == 1 and "[contact hidden]" in masked.get().delivered_body
    assert Flag.objects.filter(message__in=masked).exists()
    assert (
        f"in seq {masked.get().seq} (masked, flagged)" in dispute.notes.get().body
    )  # the note names the right message
    assert messages.filter(
        kind=Message.Kind.SYSTEM, body__contains=f"Dispute #{dispute.pk}"
    ).exists()

    counts = (Dispute.objects.count(), DisputeEntry.objects.count(), Message.objects.count())
    assert "disputes: 1 cases (0 new)" in _seed(tmp_path)
    assert (
        Dispute.objects.count(),
        DisputeEntry.objects.count(),
        Message.objects.count(),
    ) == counts

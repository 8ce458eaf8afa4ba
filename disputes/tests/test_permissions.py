"""The groups' permissions (migration 0002): reviewers get the least their work needs,
moderators none of it."""

from __future__ import annotations

from django.contrib.auth.models import Group

from marketplace.roles import DISPUTE_REVIEWERS, MODERATORS

REVIEWER_PERMISSIONS = {
    "disputes.view_dispute",
    "disputes.change_dispute",
    "disputes.export_conversation",
    "disputes.view_disputenote",
    "disputes.add_disputenote",
}


def _dispute_permissions(group: Group) -> set[str]:
    rows = group.permissions.filter(content_type__app_label="disputes").values_list(
        "content_type__app_label", "codename"
    )
    return {f"{app}.{codename}" for app, codename in rows}


def test_reviewers_hold_exactly_the_dispute_permissions_they_need(db):
    assert _dispute_permissions(Group.objects.get(name=DISPUTE_REVIEWERS)) == REVIEWER_PERMISSIONS


def test_moderators_hold_no_dispute_permission(db):
    assert _dispute_permissions(Group.objects.get(name=MODERATORS)) == set()


def test_reviewers_can_neither_add_nor_delete_disputes_nor_edit_notes(rita):
    for codename in ("add_dispute", "delete_dispute", "change_disputenote", "delete_disputenote"):
        assert not rita.has_perm(f"disputes.{codename}")
    assert all(rita.has_perm(p) for p in REVIEWER_PERMISSIONS)


def test_staff_in_both_groups_see_disputes_too(mo, client, dispute):
    mo.groups.add(Group.objects.get(name=DISPUTE_REVIEWERS))
    client.force_login(mo)
    client.post(f"/admin/disputes/dispute/{dispute.pk}/open/", {"reason": "Deciding the refund."})
    assert client.get(f"/admin/disputes/dispute/{dispute.pk}/change/").status_code == 200

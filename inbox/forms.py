"""Forms of the inbox pages: they check the shape of input; the services decide the rules."""

from __future__ import annotations

from django import forms

from inbox.selectors import FILTERS
from inbox.services import LABEL_MAX_CHARS

# Per-conversation actions of the list and thread (POST /inbox/<id>/state/): each names
# the Participant flag it sets and the value.
STATE_ACTIONS: dict[str, tuple[str, bool]] = {
    "star": ("starred", True),
    "unstar": ("starred", False),
    "archive": ("archived", True),
    "unarchive": ("archived", False),
    "spam": ("spam", True),
    "not_spam": ("spam", False),
    "mute": ("muted", True),
    "unmute": ("muted", False),
}
LABELS_ACTION = "labels"
MARK_UNREAD_ACTION = "mark_unread"


class ListFilterForm(forms.Form):
    """The query string of /inbox/: which conversations to list."""

    filter = forms.ChoiceField(choices=[(f, f) for f in FILTERS], required=False)
    label = forms.CharField(max_length=LABEL_MAX_CHARS, required=False)
    q = forms.CharField(max_length=200, required=False, strip=True)
    cursor = forms.CharField(max_length=200, required=False)
    before = forms.IntegerField(min_value=1, required=False)

    def values(self) -> dict[str, object]:
        """Cleaned values with defaults; invalid parts fall back to "show everything"."""
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "filter": data.get("filter") or "all",
            "label": data.get("label") or "",
            "q": data.get("q") or "",
            "cursor": data.get("cursor") or None,
            "before": data.get("before"),
        }


class SendForm(forms.Form):
    """The no-JavaScript composer. `client_id` is minted when the page is rendered, so a
    double submit of the same page sends one message (send_message is idempotent on it).
    Length and emptiness are the send path's rules: it answers them in words."""

    body = forms.CharField(required=False, strip=False, widget=forms.Textarea)
    client_id = forms.CharField(min_length=8, max_length=64, widget=forms.HiddenInput)


class StateForm(forms.Form):
    action = forms.ChoiceField(
        choices=[(a, a) for a in (*STATE_ACTIONS, LABELS_ACTION, MARK_UNREAD_ACTION)]
    )
    # Comma-separated; inbox.services.update_participant checks each label.
    labels = forms.CharField(max_length=400, required=False)

    def label_list(self) -> list[str]:
        return [
            part for part in (p.strip() for p in self.cleaned_data["labels"].split(",")) if part
        ]


class BlockForm(forms.Form):
    action = forms.ChoiceField(choices=[("block", "block"), ("unblock", "unblock")])


class StartForm(forms.Form):
    """The gig page's "Contact seller" button: which gig the conversation is about."""

    gig = forms.IntegerField(min_value=1, required=False)

"""The inbox's extension points (inbox/extensions.py) and its own registration in the
marketplace's (marketplace/extensions.py)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from inbox import extensions
from inbox.order_events import post_order_event
from marketplace.extensions import order_event_listeners


def test_the_inbox_posts_order_events_through_the_marketplaces_listeners():
    assert post_order_event in order_event_listeners()


def test_a_staff_read_is_refused_when_nothing_can_record_it(monkeypatch):
    monkeypatch.setattr(extensions, "_staff_read_recorders", [])
    with pytest.raises(PermissionDenied):
        extensions.record_staff_read(staff=None, message=None, reason="a look", reference="x")


def test_a_refusing_recorder_refuses_the_read(monkeypatch):
    def refuse(**_):
        raise PermissionDenied("not staff")

    monkeypatch.setattr(extensions, "_staff_read_recorders", [refuse])
    with pytest.raises(PermissionDenied, match="not staff"):
        extensions.record_staff_read(staff=None, message=None, reason="a look", reference="x")


def test_registering_twice_keeps_one(monkeypatch):
    seen = []
    monkeypatch.setattr(extensions, "_masked_messages_listeners", [])

    def listener(*, messages):
        seen.append(list(messages))

    extensions.add_masked_messages_listener(listener)
    extensions.add_masked_messages_listener(listener)
    extensions.masked_messages_stored(messages=["m"])
    assert seen == [["m"]]


def test_a_message_extra_key_belongs_to_one_app(monkeypatch):
    monkeypatch.setattr(extensions, "_message_extras", {})

    def first(message):
        return {"id": 1}

    extensions.add_message_extra("offer", first)
    extensions.add_message_extra("offer", first)  # the same one again: a second ready()
    with pytest.raises(ValueError, match="offer"):
        extensions.add_message_extra("offer", lambda message: None)
    assert extensions.message_extras(object()) == {"offer": {"id": 1}}


def test_an_extra_of_none_leaves_the_key_out(monkeypatch):
    monkeypatch.setattr(extensions, "_message_extras", {"offer": lambda message: None})
    assert extensions.message_extras(object()) == {}

"""Issue 17, finding 10: DEBUG is off unless asked for, `make serve` refuses placeholder and
short secrets, zero-width-only bodies are empty, user text is isolated for bidi, and only user
messages can be reported, on every path."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from config.env import SettingsError, secret_key
from deploy.serve import check_environment
from harness.servers import REPO_ROOT
from inbox.checks import SendError, check_body
from inbox.conversations import get_or_start_conversation
from inbox.send import post_system_message
from moderation.notices import system_account
from moderation.reports import report_received_message


def test_debug_is_off_when_the_environment_does_not_set_it():
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env["SECRET_KEY"] = "k" * 60
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings;"
            " print(settings.DEBUG)",
        ],
        cwd=REPO_ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.strip() == "False", result.stderr


def test_make_run_and_the_tests_ask_for_debug():
    makefile = (Path(REPO_ROOT) / "Makefile").read_text()
    assert "run: export DEBUG := 1" in makefile
    assert os.environ.get("DEBUG") == "1"


def _example_secret() -> str:
    example = (Path(REPO_ROOT) / "deploy" / "gigbox.env.example").read_text()
    return next(
        line.split("=", 1)[1] for line in example.splitlines() if line.startswith("SECRET_KEY=")
    )


@pytest.mark.parametrize(
    "raw", [_example_secret(), "change-me", "secret", "x" * 31, "replace-with-" + "x" * 40]
)
def test_placeholder_and_short_secrets_are_refused(raw):
    with pytest.raises(SettingsError):
        secret_key(raw, debug=False)
    problems = check_environment(
        {"SECRET_KEY": raw, "DATABASE_URL": "postgres://x@127.0.0.1/x", "REDIS_URL": "redis://x"},
        processes=0,
    )
    assert any("SECRET_KEY" in problem for problem in problems)


def test_a_long_random_secret_is_accepted():
    assert secret_key("Zq3" * 20, debug=False) == "Zq3" * 20


@pytest.mark.parametrize("body", ["\u200b", "\u200b\u200c\u200d\u2060\ufeff", " \u200b\n\u2063 "])
def test_zero_width_only_bodies_are_empty(body):
    with pytest.raises(SendError) as info:
        check_body(body)
    assert info.value.code == "empty"


def test_zero_width_inside_text_is_kept():
    check_body("hi\u200bthere")


@pytest.mark.django_db
def test_user_text_is_isolated_for_bidi(bob, alice, conversation, send):
    send(conversation, alice, "\u202eevil")
    client = Client()
    client.force_login(bob, backend="moderation.auth.NotSuspendedModelBackend")
    html = client.get(f"/inbox/{conversation.pk}/").content.decode()
    assert 'class="message-body" dir="auto"' in html
    name = alice.public_name
    assert f"<bdi>{name}</bdi>" in html


@pytest.mark.django_db
def test_system_messages_cannot_be_reported_on_any_path(bob):
    thread = get_or_start_conversation(starter=system_account(), other=bob)
    notice = post_system_message(conversation=thread, body="Your listing was reviewed.")
    with pytest.raises(SendError):
        report_received_message(reporter=bob, message=notice, reason="spam")
    client = Client()
    client.force_login(bob, backend="moderation.auth.NotSuspendedModelBackend")
    response = client.post(
        f"/api/inbox/messages/{notice.pk}/report/",
        '{"reason": "spam"}',
        content_type="application/json",
    )
    assert response.status_code in (403, 404)
    assert (
        client.post(f"/inbox/messages/{notice.pk}/report/", {"reason": "spam"}).status_code == 404
    )

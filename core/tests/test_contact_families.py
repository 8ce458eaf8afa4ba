"""The disguise families of the recall issue, one explicit example each, and their
harmless look-alikes: sizes, versions, counted lists, refusals. Tier 2 (intent with
nothing to mask) is checked here too."""

from __future__ import annotations

import pytest

from core.contact import MASK, Finding, ScanResult, scan

CAUGHT = [
    ("ping me: NINEFOURFIVESEVENTWOONETHREEEIGHTSIXZERO", "phone"),
    ("ninefourfivesevenonetwothreeeightsixzero is my cell", "phone"),
    ("my number 0 9 1x2 3 4x5 6 7 8", "phone"),
    ("reach me 0812x445x9071", "phone"),
    ("call0803-555-1234now", "phone"),
    ("97.3122.4455 works best", "phone"),
    ("skype (lily.wei.design) for calls", "handle"),
    ("I added you on Skype, my ID is lily.wei.design", "handle"),
    ("Signal me, same handle: lilydraws", "handle"),
    ("snap lily.draws 👻", "handle"),
    ("my tweeter is @lily_draws", "handle"),
    ("l.i.l.y.w.e.i @ y.a.h.o.o . c.o.m", "email"),
    # the same families, written otherwise
    ("my num is eightzeroonetwothreefourfivesixseveneight", "phone"),
    ("0803🙂555🙂1234", "phone"),
    ("mynumberis08035551234", "phone"),
    ("whatsap me 0803 555 1234", "phone"),
    ("telegarm @lily", "handle"),
    ("find me on insta: lily.draws", "handle"),
    ("l-i-l-y-w-e-i at g-m-a-i-l dot com", "email"),
]


@pytest.mark.parametrize("text,kind", CAUGHT)
def test_each_family_of_the_issue_is_caught(text: str, kind: str) -> None:
    result = scan(text)
    assert [f.kind for f in result.findings] == [kind], result.findings
    assert MASK in result.masked
    assert all(f.tier == 1 for f in result.findings)


@pytest.mark.parametrize(
    "text,secret",
    [
        ("ping me: NINEFOURFIVESEVENTWOONETHREEEIGHTSIXZERO", "NINEFOUR"),
        ("reach me 0812x445x9071", "0812"),
        ("skype (lily.wei.design) for calls", "lily"),
        ("l.i.l.y.w.e.i @ y.a.h.o.o . c.o.m", "y.a.h"),
    ],
)
def test_the_detail_itself_is_masked(text: str, secret: str) -> None:
    assert secret not in scan(text).masked


@pytest.mark.parametrize(
    "sequence",
    [
        ["whatsapp", "0803", "and", "555", "then", "1234"],
        ["call me on", "0803", "555", "1234"],
        ["my number is", "0803", "ok", "555 1234"],
        ["08035", "...", "551234"],
    ],
)
def test_a_number_split_over_messages_with_filler_is_caught(sequence: list[str]) -> None:
    results = [scan(m, history=sequence[:i]) for i, m in enumerate(sequence)]
    assert results[-1].findings and results[-1].findings[0].rule == "phone.split"
    assert results[-1].masked == MASK


HARMLESS = [
    "the banner is 1200 x 628, version 2.4.1, invoice 2026-118",
    "send 3 revisions by 12.05, order #48213",
    "size 1080 1920 1080 1920",
    "export at 1080x1920 and 1920x1080 please",
    "box 30 x 40 x 25 cm, 2 kg",
    "rgba(218, 62, 109, 0.8) and #1a2b3c",
    "windows 10.0.19045.3693",
    "number: 12.345.678,00",
    "total $1,200,000 for 14 pages",
    "see https://gigbox.com/orders/4821377",
    "can you add a WhatsApp button to the footer?",
    "my Instagram is private, I only use it for family",
    "e.g. the U.S.A. team, i.e. at 10 a.m.",
    "I'm at home . ok see you",
    "the discord server banner is 960 x 540",
    "snap photo.jpg",
    "signed 2 contracts, 0803 pages",
    "sizes: 1080x1080, 1080x1350 and 1080x1920",
    "numbers 3,14,15,92,65",
    "let's talk about the design outside of the price",
    "follow us on instagram for updates",
    "pay directly in the order page",
    "I will send my invoice after you pay",
    "message me on gigbox",
]


@pytest.mark.parametrize("text", HARMLESS)
def test_harmless_lines_are_untouched(text: str) -> None:
    result = scan(text)
    assert result.masked == text
    assert result.findings == ()
    assert result.intents == ()


@pytest.mark.parametrize(
    "sequence",
    [
        [f"page {i} done" for i in range(1, 13)],
        [f"serve {i}" for i in range(0, 13)],
        ["1", "5", "9", "13", "17", "21", "25"],
        ["1080", "1920", "1200", "628", "1080", "1920"],
        ["$45", "$60", "$120", "$75"],
        ["1. logo", "2. banner", "3. flyer", "4. icon", "5. cover"],
        ["invoice 2024", "0315", "4471"],
        ["I sent 12 files", "size 1080 1920 1080 1920"],
        ["call me when ready", "50", "25", "1920", "1920", "4", "15"],
        ["whatsapp logo sizes:", "100", "500", "50", "5"],
        ["I need telegram banners", "15", "500", "4", "3", "7", "20", "5"],
    ],
)
def test_counted_lists_one_a_message_are_not_split_numbers(sequence: list[str]) -> None:
    for i, message in enumerate(sequence):
        result = scan(message, history=sequence[:i])
        assert result.masked == message, (sequence[: i + 1], result.findings)


REFUSALS = [
    "You asked for my Telegram: sorry, that's not allowed, we can talk here any time.",
    "I can't share my WhatsApp here",
    "let's keep everything on Gigbox",
    "payment outside the site is not possible",
    "no telegram please, we talk here",
    "my whatsapp? sorry, not allowed, the platform forbids it",
]


@pytest.mark.parametrize("text", REFUSALS)
def test_refusals_and_reminders_are_never_findings(text: str) -> None:
    result = scan(text)
    assert result.masked == text
    assert (result.findings, result.intents) == ((), ())


TIER_2 = [
    ("telegram, same username as here", "intent.same_handle"),
    ("add me on whatsapp, you know my name", "intent.same_handle"),
    ("let's continue outside", "intent.move_off"),
    ("I'll send my number after you pay", "intent.share_later"),
    ("message me on Telegram", "intent.contact_elsewhere"),
    ("what's your whatsapp?", "intent.contact_elsewhere"),
    ("pay me directly and I'll give you a discount", "intent.pay_outside"),
]


@pytest.mark.parametrize("text,rule", TIER_2)
def test_intent_without_a_detail_is_tier_2_and_masks_nothing(text: str, rule: str) -> None:
    result = scan(text)
    assert result.masked == text
    assert result.findings == () and not result.has_contact
    (intent,) = result.intents
    assert (intent.tier, intent.kind, intent.rule) == (2, "intent", rule)
    assert result.has_intent
    assert 0 <= intent.start < intent.end <= len(text)
    assert result.to_dict()["intents"][0]["tier"] == 2


def test_tier_defaults_keep_the_public_api() -> None:
    finding = Finding("phone", 0, 3, "+1", "phone.national", "why")
    assert finding.tier == 1
    assert "tier" not in finding.to_dict()  # stored tier-1 findings keep their shape
    result = ScanResult("x", "x", ())
    assert result.intents == () and set(result.to_dict()) == {"has_contact", "masked", "findings"}


def test_a_detail_and_an_intent_together_report_the_detail() -> None:
    result = scan("add me on whatsapp +44 7400 123456")
    assert result.has_contact and result.findings[0].kind == "phone"

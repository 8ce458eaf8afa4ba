"""Disguises a held-out review found missing, one table per category.

Each category lists varied positives (the part that must be masked) and,
next to them, harmless messages of the same shape that must stay untouched,
so a fix for the category cannot buy recall with false alarms.
"""

from __future__ import annotations

import pytest

from core.contact import scan


def assert_masked(text: str, part: str, kind: str) -> None:
    result = scan(text)
    start = text.index(part)
    missing = [
        i
        for i in range(start, start + len(part))
        if not text[i].isspace() and not any(f.start <= i < f.end for f in result.findings)
    ]
    assert not missing, f"{part!r} not fully masked in {result.masked!r}"
    assert kind in {f.kind for f in result.findings}, result.findings


def assert_untouched(text: str) -> None:
    result = scan(text)
    assert not result.has_contact, [(f.rule, text[f.start : f.end]) for f in result.findings]


# --- 1. digit words grouped with commas, no context word ------------------------

COMMA_GROUPED_WORDS = [
    "nueve uno cinco, cinco cinco cinco, cero uno nueve ocho",
    "seis uno dos, tres cuatro cinco, seis siete ocho",
    "um um, nove oito sete seis cinco, quatro três dois um",
    "zéro six, un deux, trois quatre, cinq six, sept huit",
    "nol delapan satu dua, tiga empat lima enam, tujuh delapan sembilan",
    "nine eight seven, six five four, three two one zero",
]
COMMA_GROUPED_LOOKALIKES = [
    "uno, dos, tres, ¡vamos con el diseño!",
    "quiero dos, tres o cuatro logos",
    "Paso uno, dos y tres listos, falta el cuatro",
    "I need one, two, three concepts and five revisions",
    "um, dois, três: escolha o seu favorito",
    "un, deux, trois modèles, puis cinq retouches",
    "uno, dos, tres, cuatro, cinco, seis, siete, ocho, nueve, diez",
    "one, two, three, four, five, six, seven, eight, nine, ten",
]


@pytest.mark.parametrize("text", COMMA_GROUPED_WORDS)
def test_digit_words_grouped_by_commas_are_found(text: str) -> None:
    assert_masked(text, text, "phone")


@pytest.mark.parametrize("text", COMMA_GROUPED_LOOKALIKES)
def test_counting_with_commas_is_not_a_phone(text: str) -> None:
    assert_untouched(text)


# --- 2. numerals and spelled digits inside one token ----------------------------

MIXED_TOKENS = [
    ("9876five43210", "9876five43210"),
    ("98seven6543210", "98seven6543210"),
    ("my number 0812three4567890 ok", "0812three4567890"),
    ("nine876543210 on whatsapp", "nine876543210"),
    ("call 987654321zero", "987654321zero"),
    ("0300one234567 wa pe aao", "0300one234567"),
    ("98765 four3210", "98765 four3210"),
]
MIXED_LOOKALIKES = [
    "Exported as mp4 and h264, 1080p, 2nd draft",
    "It is a one2one session, 4you only",
    "Render on rtx4090 took 3min, iphone15pro mockup next",
    "covid19 poster, B2B flyer and x264 preset",
    "se7en style title card, win10 icons",
    "order FO1234567five days ago",
]


@pytest.mark.parametrize(("text", "part"), MIXED_TOKENS)
def test_digits_mixed_with_spelled_digits_in_one_token_are_found(text: str, part: str) -> None:
    assert_masked(text, part, "phone")


@pytest.mark.parametrize("text", MIXED_LOOKALIKES)
def test_tokens_mixing_letters_and_digits_are_not_phones(text: str) -> None:
    assert_untouched(text)


# --- 3. payment and social links after "at" / "on" / "via" ----------------------

LINKS_AFTER_WORDS = [
    ("pay me at paypal.me/samdesigns", "paypal.me/samdesigns"),
    ("pay sam123 at venmo.com/u/sam123", "venmo.com/u/sam123"),
    ("send it to priya.k at paypal.me/priyak thanks", "paypal.me/priyak"),
    ("tip me via ko-fi.com/samdesigns", "ko-fi.com/samdesigns"),
    ("find me on instagram.com/sam.designs", "instagram.com/sam.designs"),
    ("I'm at facebook.com/sam.designs", "facebook.com/sam.designs"),
    ("follow me on tiktok.com/@samdesigns!", "tiktok.com/@samdesigns"),
    ("DM me at x.com/samdesigns", "x.com/samdesigns"),
    ("reach me via twitter.com/samdesigns", "twitter.com/samdesigns"),
    ("my channel: youtube.com/@samdesigns", "youtube.com/@samdesigns"),
    ("see youtube.com/c/SamDesigns for contact", "youtube.com/c/SamDesigns"),
    ("pay me at paypal me/samdesigns", "paypal me/samdesigns"),
    ("pay me at paypal•me/samdesigns", "paypal•me/samdesigns"),
    ("pay me at paypal。me/samdesigns", "paypal。me/samdesigns"),
]
LINK_LOOKALIKES = [
    "my portfolio is at behance.net/samdesigns",
    "code is on github.com/samdesigns/logo-kit",
    "shots on dribbble.com/samdesigns",
    "reference video: youtube.com/watch?v=dQw4w9WgXcQ",
    "like this one youtu.be/dQw4w9WgXcQ",
    "I sell on instagram.com and facebook.com too",
    "let me/us know by Friday",
    "look at google.com/search for ideas",
    "I'm at home now, will pay at 5",
    "the docs are at gigbox.com/help/payments",
]


@pytest.mark.parametrize(("text", "part"), LINKS_AFTER_WORDS)
def test_payment_and_social_links_after_little_words_are_found(text: str, part: str) -> None:
    assert_masked(text, part, "link")


@pytest.mark.parametrize("text", LINK_LOOKALIKES)
def test_portfolio_and_video_links_stay(text: str) -> None:
    assert_untouched(text)


# --- 4. hundreds, thousands, "double oh" and "oh" in spoken numbers -------------

# (message, E.164 where the digits name one country)
SPOKEN_SCALES: list[tuple[str, str | None]] = [
    ("zero three hundred 1234567", "+923001234567"),
    ("zero three hundred, one two three, four five six seven", "+923001234567"),
    ("oh three double oh one two three four five six seven", "+923001234567"),
    ("oh seven seven oh nine one two three four five six", None),  # 07709 123456: GB or India
    ("cero tres cientos uno dos tres cuatro cinco seis siete", "+923001234567"),
    ("zero tres centos um dois três quatro cinco seis sete", "+923001234567"),
]
SCALE_LOOKALIKES = [
    "three hundred 2024 calendars printed",
    "two hundred logos and five hundred banners",
    "one thousand words for 50 dollars",
    "I'd give it a hundred percent, oh and one more thing",
    "double the size and triple the contrast please",
    "tres cientos pesos por el logo",
]


@pytest.mark.parametrize(("text", "e164"), SPOKEN_SCALES)
def test_spoken_hundreds_and_double_oh_are_found(text: str, e164: str | None) -> None:
    assert_masked(text, text, "phone")
    if e164 is not None:
        assert e164 in [f.value for f in scan(text).findings]


@pytest.mark.parametrize("text", SCALE_LOOKALIKES)
def test_hundreds_and_thousands_in_ordinary_speech_stay(text: str) -> None:
    assert_untouched(text)


# --- 5. nine-digit national mobiles grouped like a phone, no context ------------

NINE_DIGIT_MOBILES = [
    ("612 345 678", "+34612345678"),
    ("Hola! 612 345 678", "+34612345678"),
    ("712 34 56 78 gracias", "+34712345678"),
    ("650-123-456", "+34650123456"),
    ("ok 650.12.34.56", "+34650123456"),
]
NINE_DIGIT_LOOKALIKES = [
    "1 234 567 IDR",
    "SN 8473-2291-0045",
    "order 612 345 678",
    "ticket 612 345 678 is closed",
    "invoice 612 345 678",
    "Total 612.345.678",
    "sizes 250 500 750",
    "100 200 300 then 400",
    "budget 1 500 000",
    "612345678",
    "612 345 678 views on the reel",
    "612 345 678 pesos",
    "postal code 28013",
    "123 456 789",
    "987 654 321",
    "ID 612 345 678",
    "Código 612 345 678",
    "Cuesta 612 345 678 COP",
    "approved at 612 345 678 points",
]


@pytest.mark.parametrize(("text", "e164"), NINE_DIGIT_MOBILES)
def test_nine_digit_mobiles_grouped_like_a_phone_are_found(text: str, e164: str) -> None:
    part = text.split(" ", 1)[1] if not text[0].isdigit() else text.split(" gracias")[0]
    assert_masked(text, part.strip(), "phone")
    assert [f.value for f in scan(text).findings] == [e164]


@pytest.mark.parametrize("text", NINE_DIGIT_LOOKALIKES)
def test_nine_digit_ids_amounts_and_lists_stay(text: str) -> None:
    assert_untouched(text)


# --- 6. "<platform> is <word>": plain speech about a platform, not a handle -----

# Generated: platform names (bare, possessive, with an article) x copulas x
# what people say about an app. None of these names an account.
SPEECH_PLATFORMS = [
    "WhatsApp",
    "Telegram",
    "Signal",
    "Skype",
    "Discord",
    "Instagram",
    "Insta",
    "Snapchat",
    "Snap",
    "WeChat",
    "Line",
    "Viber",
    "Kik",
    "Facebook",
    "Messenger",
    "TikTok",
    "Zalo",
    "PayPal",
    "Venmo",
    "Wise",
]
SPEECH_SUBJECTS = ["{p}", "my {p}", "our {p}", "the {p}", "your {p}", "{p} here", "My {p} account"]
SPEECH_COPULAS = ["is", "was", "seems", "will be", "is really", "is not", "is too", "=", "is kinda"]
SPEECH_COMPLEMENTS = [
    "weak",
    "blocked",
    "slow",
    "down",
    "private",
    "better",
    "banned",
    "great",
    "not allowed",
    "popular",
    "laggy",
    "free",
    "blocked here",
    "down today",
    "better for teams",
    "private now",
    "slow today",
    "cheaper",
    "expensive",
    "safer",
    "dead",
    "offline",
    "busy",
    "restricted",
    "encrypted",
    "useless",
    "broken",
    "hacked",
    "buggy",
    "fine",
    "okay",
    "unreliable",
    "crowded",
    "outdated",
    "annoying",
    "thick",
    "strong",
    "spotty",
    "full of spam",
    "easier for clients",
    "allowed in my country",
    "the best",
    "my favourite",
    "worse than email",
    "fine by me",
    "unavailable in UAE",
]


def _plain_speech(platform: str) -> list[str]:
    return [
        f"{subject.format(p=platform)} {copula} {complement}"
        for subject in SPEECH_SUBJECTS
        for copula in SPEECH_COPULAS
        for complement in SPEECH_COMPLEMENTS
    ]


@pytest.mark.parametrize("platform", SPEECH_PLATFORMS)
def test_what_a_platform_is_in_plain_speech_is_not_a_handle(platform: str) -> None:
    texts = _plain_speech(platform)
    results = [(text, scan(text)) for text in texts]
    flagged = [
        (text, [(f.rule, text[f.start : f.end]) for f in r.findings])
        for text, r in results
        if r.has_contact
    ]
    assert not flagged, f"{len(flagged)} of {len(texts)}: {flagged[:10]}"


# The same shapes naming an account: a possessive or identifier cue, or a
# request to be contacted, with the handle closing the sentence; or a token
# shaped like a handle after any copula.
COPULA_HANDLES = [
    ("my telegram is rahim.bd", "rahim.bd"),
    ("my skype is john.smith.design", "john.smith.design"),
    ("my snapchat is samdesigns99", "samdesigns99"),
    ("wechat id: samdesign88", "samdesign88"),
    ("my line id is samdesign", "samdesign"),
    ("my skype is samdesigns", "samdesigns"),
    ("our discord is logoking", "logoking"),
    ("my telegram is samdesign pls", "samdesign"),
    ("add me, telegram is samdesign", "samdesign"),
    ("text me on signal, it's samdesign", "samdesign"),
    ("Telegram is sam_designs", "sam_designs"),
    ("the signal is rahim.bd", "rahim.bd"),
    ("Instagram = sam.designs", "sam.designs"),
    ("skype = samdesigns99", "samdesigns99"),
    ("telegram: samdesign", "samdesign"),
    ("telegram username is samdesign", "samdesign"),
    ("my username on telegram is samdesign", "samdesign"),
]


@pytest.mark.parametrize(("text", "part"), COPULA_HANDLES)
def test_copula_naming_an_account_is_a_handle(text: str, part: str) -> None:
    assert_masked(text, part, "handle")


# --- 7. known contact hosts spaced or dotted out; personal domains stay ---------

SPELLED_CONTACT_HOSTS = [
    ("w a . m e / 919876543210", "w a . m e / 919876543210"),
    ("w a . m e/919876543210", "w a . m e/919876543210"),
    ("w.a.m.e/919876543210", "w.a.m.e/919876543210"),
    ("msg me W.A.M.E/919876543210 ok", "W.A.M.E/919876543210"),
    ("w.a.m.e / 919876543210", "w.a.m.e / 919876543210"),
    ("t.m.e/samdesigns", "t.m.e/samdesigns"),
    ("telegram: t m e/samdesigns", "t m e/samdesigns"),
    ("pay p.a.y.p.a.l.m.e/sam", "p.a.y.p.a.l.m.e/sam"),
]
SPELLED_LOOKALIKES = [
    "w w w . samdesigns . com",  # a personal domain: allowed, like any portfolio site
    "samdesigns dot com",
    "www samdesigns com",
    "see s.a.m.d.e.s.i.g.n.s.com/work",
    "i.e. a.b.c/d in the spec",
    "U.S.A/Canada shipping only",
    "a b c/d testing",
    "e.g. 1 2 3/4 inch",
]


@pytest.mark.parametrize(("text", "part"), SPELLED_CONTACT_HOSTS)
def test_contact_hosts_spaced_or_dotted_out_are_found(text: str, part: str) -> None:
    assert_masked(text, part, "link")


@pytest.mark.parametrize("text", SPELLED_LOOKALIKES)
def test_spelled_personal_domains_and_abbreviations_stay(text: str) -> None:
    assert_untouched(text)


# --- 8. known weak spots (docs/contact-detector.md): still missed ---------------

# Once missed, found since an ellipsis may stand between digit groups and an
# account name may come before its provider (more in test_contact_weak_spots.py).
ONCE_MISSED = [
    ("98765 ... 43210", "phone"),
    ("call me 98765 … 43210", "phone"),
    ("my email: sam_designs gmail", "email"),
]


@pytest.mark.parametrize(("text", "kind"), ONCE_MISSED)
def test_once_missed_are_found(text: str, kind: str) -> None:
    assert kind in {f.kind for f in scan(text).findings}


KNOWN_MISSES = [
    (
        "t m e/samdesigns",
        "link",
    ),  # three spaced letters, no dot and no other address hint: never read
]


@pytest.mark.xfail(strict=True, reason="known weak spot, see docs/contact-detector.md")
@pytest.mark.parametrize(("text", "kind"), KNOWN_MISSES)
def test_known_misses_are_still_missed(text: str, kind: str) -> None:
    assert kind in {f.kind for f in scan(text).findings}

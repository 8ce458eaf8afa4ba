"""Emails, messaging handles and links: disguises and harmless look-alikes."""

from __future__ import annotations

import pytest

from core.contact import scan


def _findings(text: str, **kwargs):
    return scan(text, **kwargs).findings


def _assert_masked(text: str, part: str) -> None:
    result = scan(text)
    start = text.index(part)
    missing = [
        i
        for i in range(start, start + len(part))
        if not text[i].isspace() and not any(f.start <= i < f.end for f in result.findings)
    ]
    assert not missing, f"{part!r} not fully masked in {result.masked!r}"


EMAILS = [
    ("gmail: anna.mueller@icloud.com", "anna.mueller@icloud.com", "anna.mueller@icloud.com"),
    ("mail me: Sam.Designs@Gmail.com.", "Sam.Designs@Gmail.com", "sam.designs@gmail.com"),
    ("sam [at] gmail (dot) com", "sam [at] gmail (dot) com", "sam@gmail.com"),
    (
        "send the files to ahmed.khan21[at]icloud[dot]com instead",
        "ahmed.khan21[at]icloud[dot]com",
        "ahmed.khan21@icloud.com",
    ),
    (
        "email me at budi.santoso{at}icloud{dot}com",
        "budi.santoso{at}icloud{dot}com",
        "budi.santoso@icloud.com",
    ),
    (
        "gmail: john.doe99 (at) gmail (dot) com",
        "john.doe99 (at) gmail (dot) com",
        "john.doe99@gmail.com",
    ),
    ("email me at juan.perez(@)mail.ru", "juan.perez(@)mail.ru", "juan.perez@mail.ru"),
    (
        "lets continue on email wanjiru.k AT proton DOT me thanks",
        "wanjiru.k AT proton DOT me",
        "wanjiru.k@proton.me",
    ),
    (
        "gmail: budi.santoso at gmail dot com",
        "budi.santoso at gmail dot com",
        "budi.santoso@gmail.com",
    ),
    (
        "budi.santoso at the rate yahoo dot com",
        "budi.santoso at the rate yahoo dot com",
        "budi.santoso@yahoo.com",
    ),
    ("sam attherate gmail dot com", "sam attherate gmail dot com", "sam@gmail.com"),
    (
        "send the files to wanjiru.k arroba yahoo punto com instead",
        "wanjiru.k arroba yahoo punto com",
        "wanjiru.k@yahoo.com",
    ),
    ("écris à marie arobase orange point fr", "marie arobase orange point fr", "marie@orange.fr"),
    ("mail ke rina titik s at gmail titik com", "s at gmail titik com", None),
    (
        "contact p r i y a _ d e s i g n s @ p r o t o n . m e for the full price list",
        "p r i y a _ d e s i g n s @ p r o t o n . m e",
        "priya_designs@proton.me",
    ),
    ("s a m at g m a i l dot c o m", "s a m at g m a i l dot c o m", "sam@gmail.com"),
    ("john.doe99＠icloud.com is my email", "john.doe99＠icloud.com", "john.doe99@icloud.com"),
    ("ｊｏｈｎ＠ｇｍａｉｌ．ｃｏｍ", "ｊｏｈｎ＠ｇｍａｉｌ．ｃｏｍ", "john@gmail.com"),
    ("kevinphATgmailDOTcom is my email", "kevinphATgmailDOTcom", "kevinph@gmail.com"),
    ("mi correo mkt.pro@gmail", "mkt.pro@gmail", "mkt.pro@gmail.com"),
    ("kevin.ph at gmail is my email", "kevin.ph at gmail", "kevin.ph@gmail.com"),
    (
        "mail karo john.doe99 at g mail dot com",
        "john.doe99 at g mail dot com",
        "john.doe99@gmail.com",
    ),
    ("email me at priya_designs@mail dot ru", "priya_designs@mail dot ru", "priya_designs@mail.ru"),
    (
        "maria.silva @ outlook . com is my email",
        "maria.silva @ outlook . com",
        "maria.silva@outlook.com",
    ),
    ("my gmail is samdesigns", "samdesigns", "samdesigns@gmail.com"),
    ("gmail - ravi.kumar2020", "ravi.kumar2020", "ravi.kumar2020@gmail.com"),
    ("write to info@acme-studio.co.in", "info@acme-studio.co.in", "info@acme-studio.co.in"),
    (
        "mail logo.master at yahoo dot co dot in",
        "logo.master at yahoo dot co dot in",
        "logo.master@yahoo.co.in",
    ),
    (
        "sam dot designs at gmail dot com",
        "sam dot designs at gmail dot com",
        "sam.designs@gmail.com",
    ),
    ("email: juan at correo dot mx", "juan at correo dot mx", "juan@correo.mx"),
]


@pytest.mark.parametrize("text,part,value", EMAILS)
def test_email_disguises(text: str, part: str, value: str | None) -> None:
    found = [f for f in _findings(text) if f.kind == "email"]
    assert found, f"no email in {text!r}"
    _assert_masked(text, part)
    if value is not None:
        assert value in [f.value for f in found]
    assert all(f.rule.startswith("email.") for f in found)


LINKS = [
    ("wa dot me / 27711940662", "wa dot me / 27711940662", "https://wa.me/27711940662"),
    ("https://wa.me/919876543210?text=hi", "https://wa.me/919876543210?text=hi", None),
    (
        "w a . m e / 9 1 9 8 7 6 5 4 3 2 1 0",
        "w a . m e / 9 1 9 8 7 6 5 4 3 2 1 0",
        "https://wa.me/919876543210",
    ),
    ("chat.whatsapp.com/AbCdEfGh123", "chat.whatsapp.com/AbCdEfGh123", None),
    ("t.me/+24ankCydfa3sqzSf private group", "t.me/+24ankCydfa3sqzSf", None),
    (
        "https://t.me/webwizard_pk dm there",
        "https://t.me/webwizard_pk",
        "https://t.me/webwizard_pk",
    ),
    ("t dot me slash samdesigns", "t dot me slash samdesigns", "https://t.me/samdesigns"),
    ("hxxps://t[.]me/samd", "hxxps://t[.]me/samd", None),
    ("join my server discord.gg/yBk7FC4R", "discord.gg/yBk7FC4R", None),
    ("m.me/webwizard_pk messenger", "m.me/webwizard_pk", None),
    ("instagram.com/budi_santoso check", "instagram.com/budi_santoso", None),
    ("linkedin.com/in/seo.guru.in connect there", "linkedin.com/in/seo.guru.in", None),
    ("signal: signal.me/#p/+639058952055", "signal.me/#p/+639058952055", None),
    ("snapchat.com/add/samd", "snapchat.com/add/samd", None),
    ("book me calendly.com/sam/30min", "calendly.com/sam/30min", None),
    ("pay at paypal.me/samdesigns", "paypal.me/samdesigns", None),
    ("cash.app/$samdesigns", "cash.app/$samdesigns", None),
    ("wise.com/pay/me/samd", "wise.com/pay/me/samd", None),
    ("buymeacoffee.com/samd", "buymeacoffee.com/samd", None),
    ("ko-fi.com/samd", "ko-fi.com/samd", None),
    ("venmo.com/u/sam-d", "venmo.com/u/sam-d", None),
    ("line.me/ti/p/~samd", "line.me/ti/p/~samd", None),
    ("join.skype.com/invite/abcDEF", "join.skype.com/invite/abcDEF", None),
    ("linktr.ee/samdesigns", "linktr.ee/samdesigns", None),
    ("meet.google.com/abc-defg-hij", "meet.google.com/abc-defg-hij", None),
]


@pytest.mark.parametrize("text,part,value", LINKS)
def test_contact_links(text: str, part: str, value: str | None) -> None:
    found = [f for f in _findings(text) if f.kind == "link"]
    assert found, f"no link in {text!r}"
    _assert_masked(text, part)
    if value is not None:
        assert value in [f.value for f in found]


HANDLES = [
    ("my telegram is rahim.bd", "rahim.bd", "telegram:rahim.bd"),
    ("telegram @rahim.bd pls", "@rahim.bd", "telegram:rahim.bd"),
    (
        "telegram username budi underscore santoso",
        "budi underscore santoso",
        "telegram:budi_santoso",
    ),
    ("kik / tg webwizard_pk", "webwizard_pk", None),
    ("wechat budi_santoso", "budi_santoso", "wechat:budi_santoso"),
    ("wechat logoking", "logoking", "wechat:logoking"),
    ("WeChat ID: wxid_dkmihbjn6q", "wxid_dkmihbjn6q", "wechat:wxid_dkmihbjn6q"),
    ("line id: chinedu_dev", "chinedu_dev", "line:chinedu_dev"),
    ("skype id webwizard_pk call me there", "webwizard_pk", "skype:webwizard_pk"),
    (
        "skype: live:.cid.d933e4a241d65099",
        "live:.cid.d933e4a241d65099",
        "skype:live:.cid.d933e4a241d65099",
    ),
    ("DM on ig @logoking for portfolio", "@logoking", "instagram:logoking"),
    ("insta: @webwizard_pk", "@webwizard_pk", "instagram:webwizard_pk"),
    ("discord sam#1234", "sam#1234", "discord:sam#1234"),
    ("add me on discord: samdesigns", "samdesigns", "discord:samdesigns"),
    ("snap: sam_d99", "sam_d99", "snapchat:sam_d99"),
    ("my skype is samdesigns", "samdesigns", "skype:samdesigns"),
    ("add me on insta its sam.designs", "sam.designs", "instagram:sam.designs"),
    ("ping me on telegram, I am @rahim_bd", "@rahim_bd", "telegram:rahim_bd"),
    ("sam_designs on telegram", "sam_designs", "telegram:sam_designs"),
    ("@sam.designs on insta", "@sam.designs", "instagram:sam.designs"),
    ("cashapp $samdesigns", "$samdesigns", "cashapp:$samdesigns"),
    ("fb: sam.designs.99", "sam.designs.99", "facebook:sam.designs.99"),
    ("pay to ravi@ybl via upi", "ravi@ybl", "upi:ravi@ybl"),
    ("my upi is 9876543210@paytm", "9876543210@paytm", "upi:9876543210@paytm"),
]


@pytest.mark.parametrize("text,part,value", HANDLES)
def test_messaging_handles(text: str, part: str, value: str | None) -> None:
    found = [f for f in _findings(text) if f.kind == "handle"]
    assert found, f"no handle in {text!r}: {scan(text).findings}"
    _assert_masked(text, part)
    if value is not None:
        assert value in [f.value for f in found]


HARMLESS = [
    "I don't use WhatsApp for work.",
    "Discord server setup with 10 channels and 4 roles.",
    "I will build a WhatsApp chatbot using Twilio API with 3 flows.",
    "Telegram bot with 5 commands and inline keyboard, $120.",
    "My WhatsApp is the same as on my profile, but let's stay here.",
    "I'm at 80% on the draft, dot points added.",
    "Look at google.com for the reference design.",
    "Meet me at the office at 5.",
    "The logo at top, the dot at bottom.",
    "Hi @sam, thanks for the order!",
    "@priya please check the file",
    "Use the @media query for 768px and 1024px breakpoints.",
    "Instagram marketing with 3 posts a week.",
    "Facebook ads campaign, $200 budget.",
    "LinkedIn profile optimisation for $50.",
    "Skype is not needed, we can use Gigbox call.",
    "Snapchat filters and lenses design.",
    "WhatsApp Business API integration.",
    "WeChat mini program with 5 pages.",
    "Signal strength charts in Excel.",
    "Line chart and bar chart.",
    "Gmail is down today, I'll send it here.",
    "Use the email template I sent in the attachment.",
    "Your IBAN format example in the form is wrong.",
    "www.gigbox.test/inbox is where we chat.",
    "See gigbox.com/gigs/123 and https://gigbox.example/inbox",
    "Portfolio: behance.net/samdesigns, dribbble.com/sam, github.com/sam",
    "The file is named logo_final_v2.png",
    "He works at example.com as designer.",
    "check the README dot md file",
    "I sell on instagram.com too.",
    "Python's @dataclass decorator",
    "Email template design for Mailchimp.",
    "Brand colors: #4285F4 and #FAFAFA, font size 14/18.",
    "In CSS write color: #333; padding: 10px 20px;",
    "Order #1234 and invoice #5678",
    "Telegram channel growth: 5k members in 2 weeks.",
    "TikTok videos 30 sec each.",
]


@pytest.mark.parametrize("text", HARMLESS)
def test_harmless_mentions_are_left_alone(text: str) -> None:
    result = scan(text)
    assert result.findings == (), [(text[f.start : f.end], f.rule) for f in result.findings]


def test_allowed_hosts_keyword_names_the_sites_own_hosts() -> None:
    text = "see t.me/samdesigns"
    assert scan(text).has_contact
    assert not scan(text, allowed_hosts=("t.me",)).has_contact
    assert not scan("mail support@gigbox.com please", allowed_hosts=("gigbox.com",)).has_contact
    assert not scan("mail help@eu.Gigbox.com please", allowed_hosts=("GIGBOX.com",)).has_contact


def test_the_detector_allows_no_host_of_its_own() -> None:
    # The site's hosts come from its caller (core.contact_policy), never from the detector.
    assert scan("mail support@gigbox.com please").has_contact
    assert scan("mail support@gigbox.io please").has_contact


def test_multiple_contacts_in_one_message() -> None:
    text = "call +254 712 844636 or mail logo.master at yahoo dot co dot in"
    result = scan(text)
    assert [f.kind for f in result.findings] == ["phone", "email"]
    assert result.masked == "call [contact hidden] or mail [contact hidden]"

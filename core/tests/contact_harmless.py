"""Harmless chat of the same texture as disguised contacts, and tier-2 intent lines.

Harmless families (none may yield a finding of any tier):

    numbers      quantities, counts, ratings, percentages
    sizes        resolutions, print sizes, dimensions, file sizes
    dates        dates, times, deadlines
    versions     software versions and builds
    prices       amounts in many currencies and writings
    references   orders, invoices, tickets, tracking numbers
    code         hex colours, CSS, snippets, hashes
    site_urls    links to the site itself
    platforms    chat naming a platform without a contact ("a WhatsApp button")
    refusals     refusals and rule reminders ("I can't share my WhatsApp here")
    mixed        two or three of the above in one message
    sequences    2-20 messages: numbered lists, sizes, prices, quantities one a message
                 (also after a platform or phone word that announces something else)

Intent (tier 2, ``intent_line``): wanting to move off the platform with nothing to mask.
"""

from __future__ import annotations

import random
from collections.abc import Callable

SITE_HOSTS = ("gigbox.com", "gigbox.example")
PLATFORM_NAMES = (
    "WhatsApp", "Telegram", "Signal", "Skype", "Snapchat", "Instagram", "Discord", "WeChat",
    "Line", "Viber", "Facebook", "Twitter", "TikTok", "LinkedIn", "PayPal", "insta", "whatsapp",
)  # fmt: skip


def _n(rng: random.Random, lo: int, hi: int) -> int:
    return rng.randint(lo, hi)


def numbers(rng: random.Random) -> str:
    return rng.choice(
        (
            f"I made {_n(rng, 2, 40)} variations, pick {_n(rng, 1, 5)}",
            f"send {_n(rng, 1, 9)} revisions by {_n(rng, 1, 28)}.{_n(rng, 1, 12):02d},"
            f" order #{_n(rng, 10000, 99999)}",
            f"{_n(rng, 100, 5000)} words per article, {_n(rng, 2, 30)} articles",
            f"rating {rng.choice(('4.9', '5.0', '4.8'))} from {_n(rng, 10, 2000)} reviews",
            f"{_n(rng, 10, 99)}% done, {_n(rng, 1, 9)} slides left",
            f"I have {_n(rng, 1000, 99000)} followers and {_n(rng, 100000, 9999999)} views",
            f"step {_n(rng, 1, 5)} of {_n(rng, 6, 9)}, {_n(rng, 2, 12)} pages,"
            f" {_n(rng, 2, 9)} logos",
            f"{_n(rng, 1, 31)} {_n(rng, 1, 12)} {_n(rng, 10, 99)} {_n(rng, 100, 999)}"
            " are the ids of the drafts you liked",
        )
    )


def sizes(rng: random.Random) -> str:
    w, h = rng.choice(
        ((1200, 628), (1080, 1920), (1920, 1080), (3000, 3000), (1080, 1080), (820, 312))
    )
    return rng.choice(
        (
            f"the banner is {w} x {h}, version 2.4.1, invoice 2026-118",
            f"size {w} {h} {w} {h}",
            f"export at {w}x{h} and {h}x{w} please",
            f"A4 210 x 297 mm at {rng.choice((300, 600))} dpi",
            f"{w}×{h} px, about {_n(rng, 2, 40)} MB",
            f"box {_n(rng, 10, 90)}x{_n(rng, 10, 90)}x{_n(rng, 5, 40)} cm, {_n(rng, 1, 9)} kg",
            f"sizes: {w}x{h}, {h}x{w}, {_n(rng, 300, 900)}x{_n(rng, 300, 900)}",
            f"poster {_n(rng, 18, 40)} x {_n(rng, 24, 60)} inches, bleed 0.125",
        )
    )


def dates(rng: random.Random) -> str:
    d, m, y = _n(rng, 1, 28), _n(rng, 1, 12), _n(rng, 2024, 2027)
    return rng.choice(
        (
            f"deadline {d:02d}/{m:02d}/{y} {_n(rng, 8, 20)}:{rng.choice(('00', '30'))}",
            f"delivery on {y}-{m:02d}-{d:02d}",
            f"from {d}.{m}.{y} to {d}.{m}.{y + 1}",
            f"I'm free {d}/{m} between {_n(rng, 8, 11)} and {_n(rng, 13, 18)}",
            f"meeting at {_n(rng, 1, 12)}:{rng.choice(('15', '45'))} pm,"
            f" {d} {rng.choice(('March', 'June'))} {y}",
            f"years {y - 10} {y - 5} {y}",
        )
    )


def versions(rng: random.Random) -> str:
    return rng.choice(
        (
            f"WordPress {_n(rng, 4, 6)}.{_n(rng, 0, 9)}.{_n(rng, 0, 9)}",
            f"windows 10.0.{_n(rng, 17000, 22631)}.{_n(rng, 1000, 4000)}",
            f"node {_n(rng, 14, 22)}.{_n(rng, 0, 20)}.{_n(rng, 0, 9)}"
            f" and npm {_n(rng, 6, 10)}.{_n(rng, 0, 9)}.{_n(rng, 0, 9)}",
            f"build {_n(rng, 1, 9)}.{_n(rng, 0, 99)}.{_n(rng, 0, 999)}",
            f"v{_n(rng, 1, 3)}.{_n(rng, 0, 12)}.{_n(rng, 0, 30)}-beta",
            f"python {_n(rng, 3, 3)}.{_n(rng, 8, 13)}.{_n(rng, 0, 9)}, django 5.2.{_n(rng, 0, 9)}",
        )
    )


def prices(rng: random.Random) -> str:
    return rng.choice(
        (
            f"total ${_n(rng, 1, 9)},{_n(rng, 100, 999)} for {_n(rng, 2, 20)} pages",
            f"₹{_n(rng, 10, 99)},{_n(rng, 100, 999)} per month",
            f"R$ {_n(rng, 1, 9)}.{_n(rng, 100, 999)},{_n(rng, 10, 99)}",
            f"PKR {_n(rng, 10, 999)},000 budget",
            f"{_n(rng, 100, 9999)} USD, {_n(rng, 10, 99)} EUR extra",
            f"it costs {_n(rng, 5, 900)}.{_n(rng, 10, 99)}",
            f"Rp {_n(rng, 100, 999)}.{_n(rng, 100, 999)}.000",
        )
    )


def references(rng: random.Random) -> str:
    return rng.choice(
        (
            f"order FO{_n(rng, 10**6, 10**9)}",
            f"invoice INV-{_n(rng, 2019, 2026)}-{_n(rng, 1, 99999):05d}",
            f"tracking 1Z{_n(rng, 10**15, 10**16 - 1)}",
            f"ticket #{_n(rng, 100000, 99999999)}",
            f"order number {_n(rng, 10**9, 10**11)}",
            f"transaction id {_n(rng, 10**10, 10**12)}",
            f"ref {_n(rng, 1000, 9999)}-{_n(rng, 10, 99)}",
            f"ISBN 978-{_n(rng, 0, 9)}-{_n(rng, 1000, 9999)}-{_n(rng, 1000, 9999)}-{_n(rng, 0, 9)}",
            f"tracking number {_n(rng, 1000, 9999)} {_n(rng, 1000, 9999)}"
            f" {_n(rng, 1000, 9999)} {_n(rng, 10, 99)}",
        )
    )


def code(rng: random.Random) -> str:
    hexes = lambda: f"{_n(rng, 0, 0xFFFFFF):06x}"  # noqa: E731
    return rng.choice(
        (
            f"colours #{hexes()} and #{hexes().upper()}",
            f"color: #{hexes()}; margin: {_n(rng, 0, 40)}px {_n(rng, 0, 40)}px;",
            f"for i in range({_n(rng, 2, 100)}): print(i * {_n(rng, 2, 9)})",
            f"commit {hexes()}{_n(rng, 0, 9)} fixed it",
            f"sha256 {''.join(rng.choice('0123456789abcdef') for _ in range(40))}",
            f"grid-template-columns: repeat({_n(rng, 2, 6)}, 1fr); gap: {_n(rng, 4, 32)}px",
            f"rgba({_n(rng, 0, 255)}, {_n(rng, 0, 255)}, {_n(rng, 0, 255)}, 0.{_n(rng, 1, 9)})",
            f"const id = {_n(rng, 10**6, 10**9)}; user.id == {_n(rng, 1, 999)}",
        )
    )


def site_urls(rng: random.Random) -> str:
    host = rng.choice(SITE_HOSTS)
    return rng.choice(
        (
            f"see https://{host}/orders/{_n(rng, 10000, 999999)}",
            f"{host}/gig/{_n(rng, 100, 99999)}-logo-design",
            f"open https://www.{host}/inbox/{_n(rng, 1000, 99999)}?page={_n(rng, 1, 9)}",
        )
    )


def platforms(rng: random.Random) -> str:
    p = rng.choice(PLATFORM_NAMES)
    return rng.choice(
        (
            f"can you add a {p} button to the footer?",
            f"the {p} post size is 1080x1080",
            f"I need {_n(rng, 3, 20)} {p} stories for the launch",
            f"do you design {p} ads too?",
            f"{p} is blocked in my country",
            f"my {p} is private, I only use it for family",
            f"make the {p} icon smaller",
            f"we sell mostly through {p} and our shop",
            f"{p} banner 1500 x 500 please",
            f"is the {p} logo allowed in the mockup?",
        )
    )


def refusals(rng: random.Random) -> str:
    p = rng.choice(PLATFORM_NAMES)
    return rng.choice(
        (
            f"I can't share my {p} here",
            "let's keep everything on Gigbox",
            "payment outside the site is not possible",
            f"You asked for my {p}: sorry, that's not allowed, we can talk here any time.",
            f"sorry, sharing {p} or phone numbers is against the rules",
            f"no {p} please, we talk here",
            "I won't give my number, the site does not allow it",
            f"I don't use {p}, keep messaging me here",
            f"please don't ask for my {p}, Gigbox chat is fine",
            "we are not allowed to exchange contact details",
            f"my {p}? sorry, not allowed, the platform forbids it",
            "I can only accept payment through Gigbox",
        )
    )


SINGLE: dict[str, Callable[[random.Random], str]] = {
    "numbers": numbers,
    "sizes": sizes,
    "dates": dates,
    "versions": versions,
    "prices": prices,
    "references": references,
    "code": code,
    "site_urls": site_urls,
    "platforms": platforms,
    "refusals": refusals,
}


def mixed(rng: random.Random) -> str:
    parts = rng.sample(tuple(SINGLE.values()), rng.randint(2, 3))
    return rng.choice((", ", ". ", "; ", " and ")).join(p(rng) for p in parts)


def sequence(rng: random.Random) -> list[str]:
    n = rng.randint(2, 20)
    start = rng.randint(0, 3)
    style = rng.randrange(9)
    if style == 8:
        # a platform or phone word that announces something else, then quantities
        lead = rng.choice(
            (
                "do you design whatsapp stickers?",
                "I need telegram banners",
                "call me when ready",
                "my number is in my profile",
                "whatsapp logo sizes:",
                "telegram posts:",
                "prices for the instagram pack:",
            )
        )
        return [lead] + [
            str(rng.choice((3, 5, 12, 25, 50, 100, 250, 1080, 1920, 45, 99))) for _ in range(n)
        ]
    if style == 0:
        return [f"page {i} done" for i in range(start + 1, start + n + 1)]
    if style == 1:
        return [f"serve {i}" for i in range(start, start + n)]
    if style == 2:
        items = ("logo", "banner", "flyer", "icon", "cover", "mockup")
        return [f"{i}. {rng.choice(items)}" for i in range(1, n + 1)]
    if style == 3:
        return [str(rng.choice((1080, 1920, 1200, 628, 3000, 500, 1500))) for _ in range(n)]
    if style == 4:
        return [f"${rng.randint(5, 900)}" for _ in range(n)]
    if style == 5:
        return [str(rng.randint(1, 50)) for _ in range(n)]
    if style == 6:
        return [
            rng.choice(("ok", "and", "then")) if rng.random() < 0.3 else sizes(rng)
            for _ in range(n)
        ]
    return [rng.choice(tuple(SINGLE.values()))(rng) for _ in range(n)]


HARMLESS_FAMILIES = (*SINGLE, "mixed", "sequences")


def harmless_case(rng: random.Random, family: str) -> list[str]:
    """Messages of one sender; only the last is scanned with the rest as history."""
    if family == "sequences":
        return sequence(rng)
    if family == "mixed":
        return [mixed(rng)]
    return [SINGLE[family](rng)]


def harmless_cases(family: str, n: int, seed: int = 1) -> list[list[str]]:
    rng = random.Random(f"harmless/{family}/{seed}")
    return [harmless_case(rng, family) for _ in range(n)]


# --- tier 2: intent to move off the platform, nothing to mask -----------------------

_INTENT_TEMPLATES = (
    "{p}, same username as here",
    "add me on {p}, you know my name",
    "find me on {p}, same name as on here",
    "let's continue outside",
    "let's talk outside {site}, it's easier",
    "we can continue on {p}",
    "can we move this chat to {p}?",
    "I'll send my number after you pay",
    "give me your {p} and I'll message you",
    "send me your number",
    "what's your {p}?",
    "pay me directly and I'll give you a discount",
    "contact me outside {site}",
    "search my name on {p}",
    "my {p} is the same as my username here",
    "text me on {p}, I'm there all day",
    "message me on {p}",
    "I'll share my {p} once the order is done",
    "drop your email so we can talk outside",
    "do you have {p}? easier to talk there",
)


def intent_line(rng: random.Random) -> str:
    template = rng.choice(_INTENT_TEMPLATES)
    line = template.format(
        p=rng.choice(PLATFORM_NAMES), site=rng.choice(("Gigbox", "the site", "this app"))
    )
    return line[0].upper() + line[1:] if rng.random() < 0.5 else line


def intent_cases(n: int, seed: int = 1) -> list[str]:
    rng = random.Random(f"intent/{seed}")
    return [intent_line(rng) for _ in range(n)]


def harmless_strategy(family: str):  # type: ignore[no-untyped-def]
    from hypothesis import strategies as st

    return st.integers(0, 2**32 - 1).map(lambda s: harmless_case(random.Random(s), family))

"""Issue 21, problem 3: the disguise families the blind probes showed missing, caught by
construction (examples of the families, not the probe lines), and the harmless shapes the
probes showed masked (brand colours, IPv4 addresses) left alone."""

from __future__ import annotations

import pytest

from core.contact import scan

CAUGHT = [
    # platform names with digits for letters, or misspelt before ':' / an arrow
    ("t3l3gr4m: sam_k", "telegram:sam_k"),
    ("wh4ts4pp: samkdesigns", "whatsapp:samkdesigns"),
    ("1nst4gr4m: samkdesigns", "instagram:samkdesigns"),
    ("sk7pe samk.design", "skype:samk.design"),
    ("telgrm → samkdesigns", "telegram:samkdesigns"),
    # separators spelled as words, a multiplier before a numeral
    ("call 0812 dash 445 dash 9071", "8124459071"),
    ("whatsapp 0803 hyphen 555 hyphen 7788", "+2348035557788"),
    ("my number: 0803 double 7 1234 5", "+2348037712345"),
    # '(a)' for '@'; a spaced-out domain after a spaced '@'
    ("samk(a)outlook.com", "samk@outlook.com"),
    ("write to samk @ o u t l o o k . c o m", "samk@outlook.com"),
    # tens and teens, in pairs, in the languages the detector reads
    ("my number is zero seven, eleven, twenty-two, thirty three, forty-four", "711223344"),
    ("mon numéro: zéro sept, onze, vingt-deux, trente-trois, quarante-quatre", "711223344"),
    ("numaram sıfır beş yüz kırk iki, yüz yirmi üç, elli beş, altmış altı", "+905421235566"),
]


@pytest.mark.parametrize(("text", "value"), CAUGHT)
def test_the_missing_families_are_caught(text: str, value: str) -> None:
    """A phone's value is checked by its national digits: which region claims them is not
    this family's business."""
    assert any(f.value.endswith(value) for f in scan(text).findings)


HARMLESS = [
    "Viber purple #7360F2 for the buttons, WhatsApp green for the footer",
    "Telegram blue and Facebook navy, please",
    "the router is at 192.168.2.254, the staging box 172.16.10.254",
    "the API host is 203.113.45.200 behind the firewall",
    "twenty five logos and thirty banners by friday",
    "version 2 dot 4 dot 1 is live",
    "I want triple 5 star reviews, 2024 edition",
    "options (a) and (b) on page 3",
    "team @ s t u d i o",
    "doce páginas, treinta fotos",
]


@pytest.mark.parametrize("text", HARMLESS)
def test_their_harmless_look_alikes_stay_untouched(text: str) -> None:
    assert scan(text).findings == ()

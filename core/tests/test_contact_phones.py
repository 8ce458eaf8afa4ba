"""Phone numbers: disguises that must be found, look-alikes that must not.

Plain pytest (no Django, no database). The generated matrix takes a valid
mobile number of each market and writes it in every disguise we know of.
"""

from __future__ import annotations

import random

import phonenumbers
import pytest
from phonenumbers import PhoneNumberFormat, PhoneNumberType

from core.contact import MASK, scan


def phones(text: str, history: list[str] | None = None) -> list[str]:
    return [f.value for f in scan(text, history).findings if f.kind == "phone"]


def assert_masked(text: str, part: str) -> None:
    result = scan(text)
    start = text.index(part)
    missing = [
        i
        for i in range(start, start + len(part))
        if not text[i].isspace() and not any(f.start <= i < f.end for f in result.findings)
    ]
    assert not missing, f"{part!r} not fully masked in {result.masked!r}"


# --- hand-written positives: (message, the part that must be masked, E.164) ----
# The E.164 value is only asserted where the digits name one country: a bare
# national "0917 123 4567" is valid in India and in the Philippines alike.

POSITIVES = [
    # international, with and without plus, 00
    ("mi número es +966 51 292 0150", "+966 51 292 0150", "+966512920150"),
    ("yeh lo (+20) 100-922-0983", "(+20) 100-922-0983", "+201009220983"),
    ("my number is +94712542555", "+94712542555", "+94712542555"),
    ("Here is my phone 447404466379 save it", "447404466379", "+447404466379"),
    ("contact: 0062812630945", "0062812630945", "+62812630945"),
    ("whatsapp +55 11 97752-7953", "+55 11 97752-7953", "+5511977527953"),
    ("call +1 (415) 555-0198 after 5", "+1 (415) 555-0198", None),
    ("wa +234 803 123 4567", "+234 803 123 4567", "+2348031234567"),
    ("+49 1518 4537686", "+49 1518 4537686", "+4915184537686"),
    ("mob +92 300 1234567", "+92 300 1234567", "+923001234567"),
    ("+880 1712-345678 whatsapp", "+880 1712-345678", "+8801712345678"),
    ("+971 50 123 4567 is my number", "+971 50 123 4567", "+971501234567"),
    ("+27 71 123 4567", "+27 71 123 4567", "+27711234567"),
    ("+63 917 123 4567", "+63 917 123 4567", "+639171234567"),
    ("+84 91 234 56 78", "+84 91 234 56 78", "+84912345678"),
    ("+977 984-1234567", "+977 984-1234567", "+9779841234567"),
    ("+90 501 754 10 98", "+90 501 754 10 98", "+905017541098"),
    ("+52 1 55 1234 5678 whatsapp", "+52 1 55 1234 5678", None),
    ("+33 6 12 34 56 78", "+33 6 12 34 56 78", "+33612345678"),
    ("+44 7911 123456", "+44 7911 123456", "+447911123456"),
    ("+254 712 844636", "+254 712 844636", "+254712844636"),
    # national with context, every separator
    ("Sir kindly call 050/132/0268 urgent", "050/132/0268", None),
    ("Sir kindly call 07*129*213*55 urgent", "07*129*213*55", None),
    ("viber/whatsapp 277_116_01432", "277_116_01432", "+27711601432"),
    ("my number is 071 212 1035", "071 212 1035", None),
    ("bro just msg on 0912-645-983 we can do it cheaper", "0912-645-983", "+84912645983"),
    ("010 03722403 whatsapp", "010 03722403", "+201003722403"),
    ("text me 0803.123.4567", "0803.123.4567", "+2348031234567"),
    ("WA 0300 1234567", "0300 1234567", "+923001234567"),
    ("ping me 0712 345 678", "0712 345 678", None),
    ("call 98765 43210", "98765 43210", "+919876543210"),
    ("my cell (0812) 3456-7890", "(0812) 3456-7890", None),
    ("zap 11 98765-4321", "11 98765-4321", "+5511987654321"),
    ("número: 55 1234 5678", "55 1234 5678", None),
    (
        "Order total was $45, btw my personal line is 071-299-1383 if the app lags",
        "071-299-1383",
        None,
    ),
    ("hubungi 0812 1234 5678", "0812 1234 5678", "+6281212345678"),
    ("call 0917•123•4567", "0917•123•4567", None),
    ("call 0917|123|4567", "0917|123|4567", None),
    ("call 0917~123~4567", "0917~123~4567", None),
    ("call 0917 - 123 - 4567", "0917 - 123 - 4567", None),
    ("call [0917] 123 4567", "[0917] 123 4567", None),
    ("ring 07911 123456", "07911 123456", None),
    # bare numbers with no context at all: ten digits and mobile-shaped
    ("9876543210", "9876543210", "+919876543210"),
    ("08031234567", "08031234567", "+2348031234567"),
    ("0712345678", "0712345678", None),
    # unicode digits
    ("Please message ०८१२४२७८७७९ on whatsapp for samples", "०८१२४२७८७७९", "+918124278779"),
    ("Please message ٠٥١ ٢٦١ ٣٦٦٤ on whatsapp for samples", "٠٥١ ٢٦١ ٣٦٦٤", "+966512613664"),
    ("whatsapp me ০১৮১৫৮৯৪০৯১", "০১৮১৫৮৯৪০৯১", "+8801815894091"),
    ("رقمي ۰۳۰۰۱۲۳۴۵۶۷", "۰۳۰۰۱۲۳۴۵۶۷", "+923001234567"),
    ("call ９８７６５ ４３２１０", "９８７６５ ４３２１０", "+919876543210"),
    ("reach me at 0️⃣1️⃣5️⃣1️⃣6️⃣5️⃣6️⃣2️⃣7️⃣8️⃣5️⃣5️⃣ outside here", "0️⃣1️⃣5️⃣1️⃣6️⃣5️⃣6️⃣2️⃣7️⃣8️⃣5️⃣5️⃣", "+4915165627855"),
    (
        "viber/whatsapp "
        "5\u200b5\u200b1\u200b1\u200b9\u200b8\u200b2\u200b6\u200b1\u200b0\u200b5\u200b2\u200b2",
        "5\u200b5\u200b1\u200b1\u200b9\u200b8\u200b2\u200b6\u200b1\u200b0\u200b5\u200b2\u200b2",
        None,
    ),
    ("call 98\u200d765\u2060432\ufeff10", "98\u200d765\u2060432\ufeff10", "+919876543210"),
    # look-alike letters inside digit runs
    ("text OlOO6O89736 pls", "OlOO6O89736", "+201006089736"),
    ("hit me up O7ll853l69", "O7ll853l69", None),
    ("Let's talk on signal +25 47I2 oo73 87 ok?", "+25 47I2 oo73 87", "+254712007387"),
    ("call 98765 4321O", "98765 4321O", "+919876543210"),
    ("call 9876S43210 now", "9876S43210", "+919876543210"),
    # digit words, many languages, mixed, double/triple
    (
        "text nine eight four zero seven five one six five six pls",
        "nine eight four zero seven five one six five six",
        None,
    ),
    (
        "ping me on WA: zero-one-zero-zero-one-four-zero-eight-one-four-nine",
        "zero-one-zero-zero-one-four-zero-eight-one-four-nine",
        "+201001408149",
    ),
    (
        "Let's talk on signal zero eight one two four double one one eight five one ok?",
        "zero eight one two four double one one eight five one",
        "+918124111851",
    ),
    (
        "call nine triple eight seven six five four three two",
        "nine triple eight seven six five four three two",
        "+919888765432",
    ),
    (
        "my cell: 0 eight 1 two 9 three 8 zero 1 six 8 (call after 6pm)",
        "0 eight 1 two 9 three 8 zero 1 six 8",
        None,
    ),
    ("meu zap é +639 zero five one 857554", "+639 zero five one 857554", None),
    (
        "mera number plus six three nine zero five three four one zero three eight zero hai, "
        "whatsapp karo",
        "plus six three nine zero five three four one zero three eight zero",
        "+639053410380",
    ),
    (
        "WA shunya aath ek do ek paanch nau paanch chhe char ek thanks",
        "shunya aath ek do ek paanch nau paanch chhe char ek",
        "+918121595641",
    ),
    (
        "bro just msg on sifar teen sifar aik chay nau saat aath chaar chaar teen "
        "we can do it cheaper",
        "sifar teen sifar aik chay nau saat aath chaar chaar teen",
        "+923016978443",
    ),
    (
        "ping me on WA: शून्य आठ एक दो पांच आठ आठ पांच शून्य दो दो",
        "शून्य आठ एक दो पांच आठ आठ पांच शून्य दो दो",
        "+918125885022",
    ),
    (
        "Sir kindly call صفر تین صفر ایک آٹھ صفر نو صفر نو آٹھ ایک urgent",
        "صفر تین صفر ایک آٹھ صفر نو صفر نو آٹھ ایک",
        "+923018090981",
    ),
    (
        "اتصل صفر خمسة خمسة واحد اثنين ثلاثة أربعة خمسة ستة سبعة",
        "صفر خمسة خمسة واحد اثنين ثلاثة أربعة خمسة ستة سبعة",
        "+966551234567",
    ),
    (
        "meu zap é dos dos dos tres nueve siete dos nueve siete seis",
        "dos dos dos tres nueve siete dos nueve siete seis",
        "+522223972976",
    ),
    (
        "text um um nove seis cinco três seis sete zero três zero pls",
        "um um nove seis cinco três seis sete zero três zero",
        "+5511965367030",
    ),
    ("appelle-moi zéro six douze", None, None),  # too short: not a number
    (
        "appelle zéro six un deux trois quatre cinq six sept huit",
        "zéro six un deux trois quatre cinq six sept huit",
        "+33612345678",
    ),
    (
        "wa nol delapan satu dua satu dua tiga empat lima enam tujuh delapan",
        "nol delapan satu dua satu dua tiga empat lima enam tujuh delapan",
        "+6281212345678",
    ),
    (
        "piga sifuri saba moja mbili tatu nne tano sita saba nane",
        "sifuri saba moja mbili tatu nne tano sita saba nane",
        None,
    ),
    ("Here is my phone 2 2 2 7 5 0 1 9 9 2 save it", "2 2 2 7 5 0 1 9 9 2", "+522227501992"),
    ("ping me on WA: 0-8-1-2-6-6-0-0-7-0-7", "0-8-1-2-6-6-0-0-7-0-7", "+918126600707"),
]


@pytest.mark.parametrize("text,part,e164", POSITIVES)
def test_phone_disguises_are_found_and_masked(
    text: str, part: str | None, e164: str | None
) -> None:
    if part is None:
        assert phones(text) == []
        return
    found = phones(text)
    assert found, f"no phone found in {text!r}"
    assert_masked(text, part)
    if e164 is not None:
        assert e164 in found
    assert MASK in scan(text).masked


# --- harmless look-alikes ------------------------------------------------------

NEGATIVES = [
    "Transaction ID 9876543210 for the extra gig.",
    "The invoice number is 2024 0315 4471.",
    "Specs: transaction 8412 3456 7890, 1080 x 1920, Python 3.11.7.",
    "Order FO1234567 and FO-793002 both delivered on 31/8/2025.",
    "Revision 2 of 3 done for #FO1169100390, 20% complete.",
    "Order #12345678901 delivered on 2025-01-02",
    "Please pay invoice 20240315001 by Friday.",
    "Tracking number: 9400 1000 0000 0000 0000 00",
    "AWB 123456789012 via DHL",
    "The barcode 012345678905 must be on the label.",
    "EAN 4006381333931 on the box",
    "ISBN 978-3-16-148410-0 and ISBN 0-306-40615-2",
    "Specs: ISBN 978-3-16-148410-0, 4K 3840x2160, WordPress 6.4.2.",
    "New version 10.0.19045.3693 of Windows.",
    "Windows 11 build 22631.3296",
    "Node 20.11.0, npm 10.2.4, Python 3.11.7",
    "Screen sizes 375x667, 414x896 and 1200×628 tested on React 18.2.0.",
    "Please export at 3000 x 3000 px and also 1080 x 1920 for Instagram stories.",
    "Price list: basic R$ 1.250,00, standard PKR 45,000, premium $1200.",
    "Price list: basic NGN 1,500,000, standard PKR 45,000, premium ₹45,999.",
    "Can we do ₹1,20,000? I need 500 words and 50,000 views.",
    "Budget: 150000 PKR, deposit 50000",
    "Total 12,500,000 IDR for 3 months",
    "Cost: 1 500 000 VND",
    "Account balance 1,234,567.89",
    "Check slide 7, the number 1,000,000 should be 1.2M.",
    "Meeting 15/03/2024 9pm IST via Gigbox call, ok?",
    "Meeting 15/03/2024 7 30 via Gigbox call, does that work for you?",
    "Meeting 2024-03-15 7 30 via Gigbox call, does that work for you?",
    "Meeting 12.04.2025 14:00 CET via Gigbox call",
    "Delivery on 15/03/2024 at 10:30, or 2024-03-15T10:30:00Z",
    "The total is 1,500 USD for 1,200 products, delivery by 2025-01-02 08:00.",
    "Your order #FO9146618311 is due 15/03/2024 at UTC+05:30.",
    "Meet on the Gigbox Zoom at 7 30 tonight?",
    "Frame 00:01:23:15 needs a fade.",
    "We are certified ISO 9001:2015, operating since 2012.",
    "The year range 1998 2003 2007 2012 appears in the chart.",
    "I've 10 pages in my portfolio since 2019-2024, rating 4.9 (1,234 reviews).",
    "Range 10-15 pages, 1-2 days, 20% extra for source files.",
    "Growth 12.5% and 99.9% uptime, +20% rush",
    "Postal code 110001, New Delhi office photos.",
    "Specs: zip 10001, 210x297mm, WordPress 6.4.2.",
    "zip 94105-1234",
    "Latitude 24.8607, longitude 67.0011 for the map pin.",
    "Coordinates -33.8688, 151.2093",
    "Brand colors: #4285F4 and #FAFAFA, font size 14/18.",
    "The formula is =SUM(A1:A250)*1.18",
    "Reference GSTIN 27AAPFU0939F1ZV, budget NGN 250,000.",
    "Specs: ASIN B08N5WRWNW, 1920x1080, Laravel 10.48.4.",
    "IBAN GB29 NWBK 6016 1331 9268 19 is for the bank.",
    "Model SM-G991B/DS serial 352099001761481",
    "OTP is 482913, don't share it.",
    "Volume 3, issue 12, pages 145-167 (2021).",
    "Sizes: S 36-38, M 40-42, L 44-46.",
    "Dimensions 60 x 90 x 120 cm, weight 25 kg.",
    "Scores 10 9 8 7 6 5 4 3 2 1 countdown",
    "Step 1: upload 2: review 3: approve, then 100 backlinks in 2-3 days.",
    "My phone is broken, please send the files here.",
    "Call me when the draft is ready, I'm online 9 to 5.",
    "I can do one logo and two banners for five hundred.",
    "one two three, let's go!",
    "Do it by 2 pm, do 3 revisions and do 10 pages.",
    "Mon 9-5, Tue 10-6, Sat 11-3",
    "Population 220 million, GDP growth 3.5% in 2023.",
    "Check www.gigbox.example/orders/12345678 for details.",
    "Use the template from https://example.com/templates/2024/123456789",
    "Invoice INV-2024-000123 total 3,450.00",
    "Ticket 1234567 was resolved.",
    "Bitcoin block 840000 mined",
    "Reply 1 for yes, 2 for no",
    "The phone number field should accept 10 digits like 9999999999",
    "Delivered 9876543210 followers",
    "Pages 100 200 300 400 500",
    "Deadline 2025/01/02, budget 12000-15000",
    "Let us talk on gigbox at 10 30 am",
]


@pytest.mark.parametrize("text", NEGATIVES)
def test_numbers_that_are_not_phones_are_left_alone(text: str) -> None:
    result = scan(text)
    assert result.findings == (), [(text[f.start : f.end], f.rule) for f in result.findings]
    assert result.masked == text


# --- generated matrix: every market x every disguise ----------------------------

MARKETS = [
    "IN",
    "PK",
    "BD",
    "NG",
    "KE",
    "EG",
    "SA",
    "AE",
    "BR",
    "MX",
    "US",
    "GB",
    "DE",
    "FR",
    "ID",
    "PH",
    "VN",
    "ZA",
    "LK",
    "NP",
    "TR",
    "MY",
    "GH",
    "AR",
    "CO",
    "ES",
    "IT",
    "AU",
    "CN",
    "TH",
]
EN = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
HI = ["shunya", "ek", "do", "teen", "char", "paanch", "chhe", "saat", "aath", "nau"]
ES = ["cero", "uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve"]
PT = ["zero", "um", "dois", "três", "quatro", "cinco", "seis", "sete", "oito", "nove"]
FR = ["zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf"]
ID = ["nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan"]
AR = ["صفر", "واحد", "اثنين", "ثلاثة", "أربعة", "خمسة", "ستة", "سبعة", "ثمانية", "تسعة"]
DEV = ["शून्य", "एक", "दो", "तीन", "चार", "पांच", "छह", "सात", "आठ", "नौ"]
UR = ["صفر", "ایک", "دو", "تین", "چار", "پانچ", "چھ", "سات", "آٹھ", "نو"]


def _words(digits: str, table: list[str], sep: str = " ") -> str:
    return sep.join(table[int(c)] for c in digits)


def _shift(digits: str, base: int) -> str:
    return "".join(chr(base + int(c)) for c in digits)


def _groups(digits: str, sep: str) -> str:
    return sep.join(digits[i : i + 3] for i in range(0, len(digits), 3))


DISGUISES = {
    "national": lambda n, nat, e: phonenumbers.format_number(n, PhoneNumberFormat.NATIONAL),
    "international": lambda n, nat, e: phonenumbers.format_number(
        n, PhoneNumberFormat.INTERNATIONAL
    ),
    "e164": lambda n, nat, e: e,
    "no_plus": lambda n, nat, e: e[1:],
    "double_zero": lambda n, nat, e: "00" + e[1:],
    "digits": lambda n, nat, e: nat,
    "spaced": lambda n, nat, e: " ".join(nat),
    "dash_each": lambda n, nat, e: "-".join(nat),
    "dots": lambda n, nat, e: _groups(nat, "."),
    "stars": lambda n, nat, e: _groups(nat, "*"),
    "underscores": lambda n, nat, e: _groups(nat, "_"),
    "slashes": lambda n, nat, e: _groups(nat, "/"),
    "bullets": lambda n, nat, e: _groups(nat, " • "),
    "zero_width": lambda n, nat, e: "\u200b".join(nat),
    "words_en": lambda n, nat, e: _words(nat, EN),
    "words_en_dashes": lambda n, nat, e: _words(nat, EN, "-"),
    "words_hi": lambda n, nat, e: _words(nat, HI),
    "words_es": lambda n, nat, e: _words(nat, ES),
    "words_pt": lambda n, nat, e: _words(nat, PT),
    "words_fr": lambda n, nat, e: _words(nat, FR),
    "words_id": lambda n, nat, e: _words(nat, ID),
    "words_ar": lambda n, nat, e: _words(nat, AR),
    "words_devanagari": lambda n, nat, e: _words(nat, DEV),
    "words_urdu": lambda n, nat, e: _words(nat, UR),
    "words_mixed": lambda n, nat, e: " ".join(
        c if i % 2 else EN[int(c)] for i, c in enumerate(nat)
    ),
    "plus_words": lambda n, nat, e: "plus " + _words(e[1:], EN),
    "lookalikes": lambda n, nat, e: nat.replace("0", "O").replace("1", "l"),
    "fullwidth": lambda n, nat, e: _shift(nat, 0xFF10),
    "arabic_indic": lambda n, nat, e: _shift(nat, 0x660),
    "extended_arabic_indic": lambda n, nat, e: _shift(nat, 0x6F0),
    "devanagari_digits": lambda n, nat, e: _shift(nat, 0x966),
    "bengali_digits": lambda n, nat, e: _shift(nat, 0x9E6),
    "keycaps": lambda n, nat, e: "".join(c + "\ufe0f\u20e3" for c in nat),
}
CONTEXTS = [
    "call me on {}",
    "my whatsapp {} thanks",
    "WA: {}",
    "mera number {} hai",
    "{} is my number",
]


def _sample_numbers() -> list[tuple[str, phonenumbers.PhoneNumber]]:
    rng = random.Random(20240315)
    out = []
    for region in MARKETS:
        example = phonenumbers.example_number_for_type(region, PhoneNumberType.MOBILE)
        nsn = str(example.national_number)
        for _ in range(20):
            candidate = nsn[:-4] + "".join(rng.choice("0123456789") for _ in range(4))
            number = phonenumbers.parse(f"+{example.country_code}{candidate}")
            if phonenumbers.is_valid_number(number):
                out.append((region, number))
                break
    return out


SAMPLES = _sample_numbers()


def test_every_market_has_a_sample_number() -> None:
    assert len(SAMPLES) == len(MARKETS)


@pytest.mark.parametrize("disguise", sorted(DISGUISES))
def test_generated_disguises_for_every_market(disguise: str) -> None:
    missed = []
    for region, number in SAMPLES:
        e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
        national = "".join(
            c for c in phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL) if c.isdigit()
        )
        written = DISGUISES[disguise](number, national, e164)
        for context in CONTEXTS:
            text = context.format(written)
            result = scan(text)
            if not any(f.kind == "phone" for f in result.findings):
                missed.append((region, text))
                continue
            start = text.index(written)
            uncovered = [
                i
                for i in range(start, start + len(written))
                if not text[i].isspace() and not any(f.start <= i < f.end for f in result.findings)
            ]
            if uncovered:
                missed.append((region, text, "partly masked", result.masked))
    assert not missed, missed[:5]

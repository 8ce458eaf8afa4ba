"""Digit words by language (the vocabulary of context is in context_words.py).

To add a language: add its words for 0-9 to ``_DIGIT_WORDS_BY_LANGUAGE``
(lower case, every common spelling), its "double"/"triple" to
``MULTIPLIERS``, and its words for "phone / call / number" to
``PHONE_CONTEXT_WORDS`` (context_words.py). Words that are also frequent ordinary words in
another language (Vietnamese "hai"/"ba", Hindi "no") are left out on purpose:
a wrong digit glued to a real number makes the whole number invalid.
"""

from __future__ import annotations

_DIGIT_WORDS_BY_LANGUAGE: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "0": ("zero", "oh", "nought", "naught", "nil", "zer0"),
        "1": ("one", "won"),
        "2": ("two",),
        "3": ("three", "tree"),
        "4": ("four",),
        "5": ("five", "fiv"),
        "6": ("six",),
        "7": ("seven",),
        "8": ("eight", "ate"),
        "9": ("nine", "niner"),
    },
    # Hindi / Urdu, Latin transliteration (many spellings in the wild).
    "hi_ur_latin": {
        "0": ("shunya", "shoonya", "sunya", "shunye", "sifar", "sefer", "sifr"),
        "1": ("ek", "aik", "ik", "ekk"),
        "2": ("do", "doh", "dho"),
        "3": ("teen", "tin", "theen"),
        "4": ("char", "chaar", "chār", "chaar"),
        "5": ("paanch", "panch", "panj", "paanj", "paach", "paanc"),
        "6": ("chhe", "chhah", "chah", "che", "chay", "chhay", "chhey", "chey", "chhai", "chhe"),
        "7": ("saat", "sat", "saath"),
        "8": ("aath", "aat", "ath", "aanth", "aathh"),
        "9": ("nau", "nao", "nou", "naw", "nav"),
    },
    "hi_devanagari": {
        "0": ("शून्य", "शुन्य", "जीरो", "ज़ीरो"),
        "1": ("एक",),
        "2": ("दो",),
        "3": ("तीन",),
        "4": ("चार",),
        "5": ("पांच", "पाँच", "पाच"),
        "6": ("छह", "छः", "छे", "छ", "छै"),
        "7": ("सात",),
        "8": ("आठ",),
        "9": ("नौ", "नो"),
    },
    "ur_arabic_script": {
        "0": ("صفر", "زیرو"),
        "1": ("ایک",),
        "2": ("دو",),
        "3": ("تین",),
        "4": ("چار",),
        "5": ("پانچ",),
        "6": ("چھ", "چھے", "چھہ"),
        "7": ("سات",),
        "8": ("آٹھ", "آٹه", "اٹھ"),
        "9": ("نو",),
    },
    "ar": {
        "0": ("صفر", "sifr", "sefr"),
        "1": ("واحد", "وحدة", "wahid", "wahed", "waahid"),
        "2": (
            "اثنان",
            "اثنين",
            "اتنين",
            "إثنان",
            "إثنين",
            "ithnan",
            "itnen",
            "etnen",
            "itneen",
            "ithnain",
            "ethnain",
        ),
        "3": ("ثلاثة", "ثلاثه", "تلاتة", "تلاته", "thalatha", "talata", "tlata", "talatah"),
        "4": ("أربعة", "اربعة", "اربعه", "أربعه", "arba", "arbaa", "arba3a", "arbaa"),
        "5": ("خمسة", "خمسه", "khamsa", "khamsah", "khamse"),
        "6": ("ستة", "سته", "sitta", "sitteh", "setta"),
        "7": ("سبعة", "سبعه", "sab3a", "sabaa"),
        "8": (
            "ثمانية",
            "ثمانيه",
            "تمانية",
            "تمانيه",
            "thamania",
            "tamanya",
            "tamaniya",
            "thamaniya",
        ),
        "9": ("تسعة", "تسعه", "tis3a", "tesaa", "tisaa"),
    },
    "fa": {
        "1": ("یک",),
        "3": ("سه",),
        "4": ("چهار",),
        "5": ("پنج",),
        "6": ("شش",),
        "7": ("هفت",),
        "8": ("هشت",),
        "9": ("نه",),
    },
    "bn": {
        "0": ("শূন্য", "শুন্য"),
        "1": ("এক",),
        "2": ("দুই",),
        "3": ("তিন",),
        "4": ("চার",),
        "5": ("পাঁচ", "পাচ"),
        "6": ("ছয়", "ছয়"),
        "7": ("সাত",),
        "8": ("আট",),
        "9": ("নয়", "নয়"),
    },
    "es": {
        "0": ("cero",),
        "1": ("uno", "una"),
        "2": ("dos",),
        "3": ("tres", "trés"),
        "4": ("cuatro",),
        "5": ("cinco",),
        "6": ("seis",),
        "7": ("siete",),
        "8": ("ocho",),
        "9": ("nueve",),
    },
    "pt": {
        "0": ("zero",),
        "1": ("um", "uma"),
        "2": ("dois", "duas"),
        "3": ("três", "tres"),
        "4": ("quatro",),
        "5": ("cinco",),
        "6": ("seis", "meia"),  # "meia" (half-dozen) is how Brazilians say 6 in numbers
        "7": ("sete",),
        "8": ("oito",),
        "9": ("nove",),
    },
    "fr": {
        "0": ("zéro", "zero"),
        "1": ("un", "une"),
        "2": ("deux",),
        "3": ("trois",),
        "4": ("quatre",),
        "5": ("cinq",),
        "6": ("six",),
        "7": ("sept",),
        "8": ("huit",),
        "9": ("neuf",),
    },
    "id_ms": {
        "0": ("nol", "kosong", "kosng"),
        "1": ("satu", "se"),
        "2": ("dua",),
        "3": ("tiga",),
        "4": ("empat",),
        "5": ("lima",),
        "6": ("enam",),
        "7": ("tujuh",),
        "8": ("delapan", "lapan"),
        "9": ("sembilan",),
    },
    "sw": {
        "0": ("sifuri",),
        "1": ("moja",),
        "2": ("mbili",),
        "3": ("tatu",),
        "4": ("nne",),
        "5": ("tano",),
        "6": ("sita",),
        "7": ("saba",),
        "8": ("nane",),
        "9": ("tisa",),
    },
    "tl": {
        "1": ("isa",),
        "2": ("dalawa",),
        "3": ("tatlo",),
        "4": ("apat",),
        "6": ("anim",),
        "7": ("pito",),
        "8": ("walo",),
        "9": ("siyam",),
    },
    "vi": {  # only the diacritic forms: "hai", "ba", "nam" are everyday words
        "0": ("không",),
        "1": ("một",),
        "4": ("bốn",),
        "5": ("năm",),
        "6": ("sáu",),
        "7": ("bảy",),
        "8": ("tám",),
        "9": ("chín",),
    },
    "tr": {
        "0": ("sıfır", "sifir"),
        "1": ("bir",),
        "2": ("iki",),
        "3": ("üç",),
        "4": ("dört", "dort"),
        "5": ("beş", "bes"),
        "6": ("altı", "alti"),
        "7": ("yedi",),
        "8": ("sekiz",),
        "9": ("dokuz",),
    },
    "de": {
        "0": ("null",),
        "1": ("eins",),
        "2": ("zwei", "zwo"),
        "3": ("drei",),
        "4": ("vier",),
        "5": ("fünf", "fuenf"),
        "6": ("sechs",),
        "7": ("sieben",),
        "8": ("acht",),
        "9": ("neun",),
    },
    "it": {
        "1": ("uno",),
        "2": ("due",),
        "3": ("tre",),
        "4": ("quattro",),
        "5": ("cinque",),
        "6": ("sei",),
        "7": ("sette",),
        "8": ("otto",),
        "9": ("nove",),
    },
    "ru": {
        "0": ("ноль", "нуль"),
        "1": ("один", "одна"),
        "2": ("два", "две"),
        "3": ("три",),
        "4": ("четыре",),
        "5": ("пять",),
        "6": ("шесть",),
        "7": ("семь",),
        "8": ("восемь",),
        "9": ("девять",),
    },
}


def _flatten() -> dict[str, str]:
    table: dict[str, str] = {}
    for words in _DIGIT_WORDS_BY_LANGUAGE.values():
        for digit, spellings in words.items():
            for spelling in spellings:
                table.setdefault(spelling.lower(), digit)
                # Turkish dotless i: "SIFIR".lower() is "sifir", "SIfır".lower() "sifır".
                table.setdefault(spelling.lower().replace("ı", "i"), digit)
    return table


DIGIT_WORDS: dict[str, str] = _flatten()

# Words whose digit meaning is rare next to their everyday meaning; they count
# as digits only inside a run that already has other digit words.
WEAK_DIGIT_WORDS = frozenset(
    {
        "oh",
        "won",
        "ate",
        "tree",
        "do",
        "doh",
        "tin",
        "sat",
        "che",
        "ik",
        "se",
        "un",
        "une",
        "una",
        "um",
        "uma",
        "nil",
        "isa",
        "bir",
        "sei",
        "tre",
        "due",
        "null",
        "ath",
        "nav",
        "naw",
        "meia",
        "bes",
        "char",
        "saath",
        "six",
        "nove",
    }
)

# "double nine" = 99, "triple five" = 555, in the languages people mix.
MULTIPLIERS: dict[str, int] = {
    "double": 2,
    "dubble": 2,
    "dabal": 2,
    "dable": 2,
    "doble": 2,
    "duplo": 2,
    "dobro": 2,
    "dobel": 2,
    "doppel": 2,
    "doppio": 2,
    "डबल": 2,
    "ڈبل": 2,
    "triple": 3,
    "tripple": 3,
    "tripel": 3,
    "triplo": 3,
    "trible": 3,
    "ट्रिपल": 3,
    "ٹرپل": 3,
    "quadruple": 4,
}

PLUS_WORDS = frozenset({"plus", "mas", "más", "mais", "प्लस", "پلس"})

# Spoken "hundred"/"thousand" after a digit: "zero three hundred 1234567" is
# 0300 1234567. Each appends its zeros to the digit before it; on their own
# ("a hundred logos") they are ordinary words.
SCALE_WORDS: dict[str, str] = {
    "hundred": "00",
    "hundreds": "00",
    "thousand": "000",
    "cien": "00",
    "cientos": "00",
    "ciento": "00",
    "mil": "000",  # es
    "cem": "00",
    "cento": "00",
    "centos": "00",  # pt
    "cent": "00",
    "cents": "00",
    "mille": "000",  # fr
    "sau": "00",
    "hazar": "000",
    "hazaar": "000",
    "सौ": "00",
    "हज़ार": "000",
    "हजार": "000",
    "سو": "00",  # hi/ur
    "ratus": "00",
    "ribu": "000",  # id/ms
    "hundert": "00",
    "tausend": "000",  # de
    "yüz": "00",
    "yuz": "00",  # tr
}

# Whole hundreds in one word (es, pt, id): "trescientos" is 300.
HUNDRED_WORDS: dict[str, str] = {
    "doscientos": "200",
    "trescientos": "300",
    "cuatrocientos": "400",
    "quinientos": "500",
    "seiscientos": "600",
    "setecientos": "700",
    "ochocientos": "800",
    "novecientos": "900",
    "duzentos": "200",
    "trezentos": "300",
    "quatrocentos": "400",
    "quinhentos": "500",
    "seiscentos": "600",
    "setecentos": "700",
    "oitocentos": "800",
    "novecentos": "900",
    "seratus": "100",
}


def _tens(words: str, values: str, takes_unit: bool) -> dict[str, tuple[int, bool]]:
    return {w: (int(v), takes_unit) for w, v in zip(words.split(), values.split(), strict=True)}


# Tens and teens, read in pairs the way much of Europe says a number ("zéro six, douze,
# trente-quatre"; "beş yüz otuz iki"): value, and whether a unit word after it adds to it
# ("thirty four" is 34; "ten four" is not 14). Words that are everyday words elsewhere are
# left out (Turkish "on", ten; "once", Spanish eleven; "dez", "seize").
TENS_WORDS: dict[str, tuple[int, bool]] = {
    **_tens("eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen",
            "11 12 13 14 15 16 17 18 19", False),
    **_tens("twenty thirty forty fifty sixty seventy eighty ninety",
            "20 30 40 50 60 70 80 90", True),
    **_tens("onze douze treize quatorze quinze", "11 12 13 14 15", False),
    **_tens("dix vingt trente quarante cinquante soixante", "10 20 30 40 50 60", True),
    **_tens("doce trece catorce quince", "12 13 14 15", False),
    **_tens("veinte treinta cuarenta cincuenta sesenta setenta ochenta noventa",
            "20 30 40 50 60 70 80 90", True),
    **_tens("doze treze catorze quinze", "12 13 14 15", False),
    **_tens("vinte trinta quarenta cinquenta sessenta oitenta",
            "20 30 40 50 60 80", True),
    **_tens("yirmi otuz kırk kirk elli altmış altmis yetmiş yetmis seksen doksan",
            "20 30 40 40 50 60 60 70 70 80 90", True),
    **_tens("venti trenta quaranta cinquanta sessanta settanta ottanta novanta",
            "20 30 40 50 60 70 80 90", True),
}  # fmt: skip

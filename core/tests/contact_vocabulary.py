"""Words, carriers and characters the contact disguise generator draws from
(contact_generators.py)."""

from __future__ import annotations

# Bare (no phone word) national numbers are only read in these markets; elsewhere
# a carrier always names the number (see docs/contact-detector.md).
CORE_BARE = ("IN", "PK", "BD", "NG", "KE", "PH", "ID", "BR", "MX", "US", "GB", "ZA", "EG", "TR")
REGIONS = CORE_BARE + (
    "SA", "AE", "DE", "FR", "VN", "LK", "NP", "MY", "GH", "UG", "TZ", "MA", "ES", "IT", "AU",
    "CO", "PE", "TH", "CA", "NL", "PL",
)  # fmt: skip

PHONE_WORD_CARRIERS = (
    "my number is {c}",
    "call me on {c}",
    "text me {c} anytime",
    "{c} is my cell",
    "reach me at {c}",
    "ping me: {c}",
    "my mobile {c} thanks",
    "contact no {c}",
    "sms {c} when you are free",
    "number - {c}",
)
PLATFORM_PHONE_CARRIERS = (
    "{p} me {c}",
    "my {p} is {c}",
    "{p}: {c}",
    "add me on {p} {c}",
    "message me on {p} {c} pls",
    "{c} on {p}",
)
PHONE_PLATFORMS = ("whatsapp", "telegram", "viber", "signal", "imo", "botim")
BARE_CARRIERS = ("{c} works best", "{c}", "ok {c}", "use {c} after 6pm", "{c} thanks")

EMAIL_LOCALS = (
    "lily.wei", "sam_99", "rahim.bd", "priya.design", "kofi.art", "budi88", "ana-maria",
    "studio.k", "jo.designs", "mike2024", "zainab_ali", "nguyenvan.a",
)  # fmt: skip
EMAIL_DOMAINS = (
    "gmail.com", "yahoo.com", "outlook.com", "hotmail.co.uk", "proton.me", "icloud.com",
    "company.ng", "mail.ru", "yahoo.co.in", "studio-k.io",
)  # fmt: skip
EMAIL_CARRIERS = (
    "email me at {c}",
    "my mail is {c}",
    "{c} is my email",
    "send the files to {c}",
    "write to {c} pls",
    "contact: {c}",
)

HANDLES = ("lily_draws", "lily.wei.design", "rahim.bd", "sam_designs99", "kofi.art", "budi_88")
PLAIN_HANDLES = ("lilydraws", "rahimbd", "kofiart", "zainabstudio", "budisantoso")
# platform word as written -> the platforms the brief names
HANDLE_PLATFORMS = (
    "whatsapp", "telegram", "signal", "skype", "snapchat", "instagram", "discord", "wechat",
    "line", "viber", "facebook", "twitter", "tiktok", "linkedin", "paypal",
)  # fmt: skip
HANDLE_CARRIERS = (
    "my {p} is {h}",
    "{p}: {h}",
    "add me on {p} {h}",
    "{p} id {h}",
    "{h} on {p}",
    "find me on {p}, username {h}",
    "{p} ({h}) for calls",
    "I added you on {p}, my ID is {h}",
    "{p} me, same handle: {h}",
    "{p} {h} 👻",
    "my {p} is @{h}",
    "{p} @{h}",
)
PLAIN_HANDLE_CARRIERS = (
    "{p} id {h}",
    "my {p} username is {h}",
    "{p} me, same handle: {h}",
    "I added you on {p}, my ID is {h}",
    "{p} username: {h}",
)

DIGIT_WORDS: dict[str, tuple[str, ...]] = {
    "en": ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"),
    "es": ("cero", "uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve"),
    "pt": ("zero", "um", "dois", "três", "quatro", "cinco", "seis", "sete", "oito", "nove"),
    "fr": ("zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf"),
    "de": ("null", "eins", "zwei", "drei", "vier", "fünf", "sechs", "sieben", "acht", "neun"),
    "id": ("nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan"),
    "hi": ("shunya", "ek", "do", "teen", "char", "paanch", "chhe", "saat", "aath", "nau"),
    "sw": ("sifuri", "moja", "mbili", "tatu", "nne", "tano", "sita", "saba", "nane", "tisa"),
    "tr": ("sıfır", "bir", "iki", "üç", "dört", "beş", "altı", "yedi", "sekiz", "dokuz"),
    "it": ("zero", "uno", "due", "tre", "quattro", "cinque", "sei", "sette", "otto", "nove"),
    "ru": ("ноль", "один", "два", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять"),
    "ar": ("صفر", "واحد", "اثنان", "ثلاثة", "أربعة", "خمسة", "ستة", "سبعة", "ثمانية", "تسعة"),
    "hi_deva": ("शून्य", "एक", "दो", "तीन", "चार", "पांच", "छह", "सात", "आठ", "नौ"),
    "bn": ("শূন্য", "এক", "দুই", "তিন", "চার", "পাঁচ", "ছয়", "সাত", "আট", "নয়"),
}
SEPARATORS = (
    " ", "-", ".", "/", " / ", "|", "*", "_", "~", ",", "  ", " - ", "..", "x", "X", "k", "z",
    " x ", "🔥", "👉", "⭐", " 🙂 ", "\n", "·", "–",
)  # fmt: skip
LOOKALIKES = {
    "0": ("O", "o", "０", "٠", "०", "0️⃣"),
    "1": ("l", "I", "１", "١", "१", "1️⃣"),
    "2": ("２", "٢", "२", "2️⃣"),
    "3": ("３", "٣", "३", "3️⃣"),
    "4": ("４", "٤", "४", "4️⃣"),
    "5": ("５", "٥", "५", "5️⃣"),
    "6": ("６", "٦", "६", "6️⃣"),
    "7": ("７", "٧", "७", "7️⃣"),
    "8": ("８", "٨", "८", "8️⃣"),
    "9": ("９", "٩", "९", "9️⃣"),
}
GLUE_BEFORE = ("call", "number", "wa", "me", "at", "is", "ping", "text")
GLUE_AFTER = ("now", "pls", "thanks", "ok", "asap", "bro", "today")
FILLERS = (
    "and",
    "then",
    "ok",
    "wait",
    "...",
    "next",
    "the rest",
    "last part",
    "lol",
    "k",
    "got it?",
)
SPLIT_LEADS = ("whatsapp", "my number", "call me", "telegram", "viber", "number:", "text me on")

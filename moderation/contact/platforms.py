"""Messaging, social and payment platforms: their names and their hosts.

To add a platform: add the words people use for it to ``PLATFORM_WORDS``
(mark it ambiguous if it is also an everyday word, like "line" or "signal")
and its link hosts to ``CONTACT_HOSTS``. Portfolio sites (Behance, Dribbble,
GitHub, ArtStation, personal websites) are deliberately absent: sellers are
allowed to show work, and a portfolio link is not a way to reach them.
"""

from __future__ import annotations

# word (lower case) -> platform id
PLATFORM_WORDS: dict[str, str] = {
    "whatsapp": "whatsapp", "whatsap": "whatsapp", "watsapp": "whatsapp", "watsap": "whatsapp",
    "whtsapp": "whatsapp", "whatapp": "whatsapp", "whatsaap": "whatsapp", "wapp": "whatsapp",
    "telegram": "telegram", "telegramm": "telegram", "telgram": "telegram", "tg": "telegram", "tele": "telegram",
    "skype": "skype", "discord": "discord", "dc": "discord",
    "wechat": "wechat", "weixin": "wechat", "wx": "wechat",
    "viber": "viber", "kik": "kik", "imo": "imo", "zalo": "zalo", "kakao": "kakaotalk",
    "kakaotalk": "kakaotalk", "threema": "threema", "icq": "icq", "botim": "botim",
    "instagram": "instagram", "insta": "instagram", "ig": "instagram", "instgram": "instagram",
    "snapchat": "snapchat", "snap": "snapchat", "sc": "snapchat",
    "facebook": "facebook", "fb": "facebook", "messenger": "facebook",
    "tiktok": "tiktok", "twitter": "twitter", "linkedin": "linkedin", "threads": "threads",
    "line": "line", "signal": "signal", "wa": "whatsapp", "wp": "whatsapp",
    "paypal": "paypal", "venmo": "venmo", "cashapp": "cashapp", "zelle": "zelle",
    "payoneer": "payoneer", "gcash": "gcash", "bkash": "bkash", "nagad": "nagad",
    "easypaisa": "easypaisa", "jazzcash": "jazzcash", "mpesa": "mpesa", "paytm": "paytm",
    "phonepe": "phonepe", "gpay": "gpay", "upi": "upi", "revolut": "revolut", "wise": "wise",
}

# Everyday words too: only count with an explicit "id"/":"/"is" connector.
AMBIGUOUS_PLATFORM_WORDS = frozenset(
    {"line", "signal", "snap", "sc", "wa", "wp", "tele", "dc", "wx", "threads", "wise", "imo", "upi"}
)

# Platforms after which a plain word directly ("wechat logoking") is a handle.
JUXTAPOSED_HANDLE_PLATFORMS = frozenset(
    {"wechat", "telegram", "skype", "kik", "snapchat", "instagram", "discord", "viber", "line"}
)

# host -> platform id. Subdomains match too (chat.whatsapp.com, m.facebook.com).
CONTACT_HOSTS: dict[str, str] = {
    "wa.me": "whatsapp", "whatsapp.com": "whatsapp", "wa.link": "whatsapp", "whatsapp.me": "whatsapp",
    "t.me": "telegram", "telegram.me": "telegram", "telegram.dog": "telegram", "telesco.pe": "telegram",
    "signal.me": "signal", "signal.group": "signal",
    "skype.com": "skype", "discord.gg": "discord", "discord.com": "discord", "discordapp.com": "discord",
    "discord.me": "discord",
    "m.me": "facebook", "facebook.com": "facebook", "fb.com": "facebook", "fb.me": "facebook",
    "messenger.com": "facebook",
    "instagram.com": "instagram", "instagr.am": "instagram", "ig.me": "instagram",
    "linkedin.com": "linkedin", "lnkd.in": "linkedin",
    "snapchat.com": "snapchat", "line.me": "line", "lin.ee": "line",
    "viber.com": "viber", "vb.me": "viber", "invite.viber.com": "viber",
    "wechat.com": "wechat", "weixin.qq.com": "wechat",
    "twitter.com": "twitter", "x.com": "twitter", "tiktok.com": "tiktok", "threads.net": "threads",
    "youtube.com": "youtube",
    "kik.me": "kik", "zalo.me": "zalo", "open.kakao.com": "kakaotalk",
    "calendly.com": "calendly", "cal.com": "calendly", "meet.google.com": "google_meet",
    "zoom.us": "zoom", "teams.microsoft.com": "teams", "teams.live.com": "teams",
    "paypal.me": "paypal", "paypal.com": "paypal", "cash.app": "cashapp", "venmo.com": "venmo",
    "wise.com": "wise", "buymeacoffee.com": "buymeacoffee", "ko-fi.com": "kofi",
    "patreon.com": "patreon", "revolut.me": "revolut", "razorpay.me": "razorpay",
    "rzp.io": "razorpay", "buy.stripe.com": "stripe", "payoneer.com": "payoneer",
    "paystack.com": "paystack", "flutterwave.com": "flutterwave", "gumroad.com": "gumroad",
    "linktr.ee": "linktree", "beacons.ai": "beacons", "bio.link": "biolink", "about.me": "aboutme",
    "fiverr.com": "fiverr", "upwork.com": "upwork", "freelancer.com": "freelancer",
}

# Platforms where only some pages name a person: a YouTube channel
# ("youtube.com/@sam", "/c/sam") is a profile, a video link is not.
PROFILE_PATH_PREFIXES: dict[str, tuple[str, ...]] = {
    "youtube": ("/@", "/c/", "/channel/", "/user/"),
}

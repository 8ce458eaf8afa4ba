"""The `segments` tag draws a text's segments as the included template did: text escaped,
masked parts as the chip, a system line's time as a <time>."""

from __future__ import annotations

from django.template import Context, Template

from inbox.presentation import Segment


def draw(parts) -> str:
    return Template("{% load inbox_tags %}{% segments parts %}").render(Context({"parts": parts}))


def test_text_is_escaped_and_masked_parts_and_times_are_marked_up():
    parts = [
        Segment("<b onclick=\"x('1')\">& "),
        Segment("", hidden=True),
        Segment("8 Dec 2026, 18:30", moment='2026-12-08T13:00:00+00:00"><script>'),
    ]
    assert draw(parts) == (
        "&lt;b onclick=&quot;x(&#x27;1&#x27;)&quot;&gt;&amp; "
        '<span class="chip-hidden" title="Contact details are hidden: sharing them is against'
        ' the rules">contact details hidden</span>'
        '<time datetime="2026-12-08T13:00:00+00:00&quot;&gt;&lt;script&gt;" data-system-time>'
        "8 Dec 2026, 18:30</time>"
    )


def test_nothing_to_draw():
    assert draw([]) == ""

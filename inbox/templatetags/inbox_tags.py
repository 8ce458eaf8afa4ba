"""Template tags of the inbox pages."""

from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from inbox.presentation import Segment

register = template.Library()

HIDDEN_CHIP = mark_safe(
    '<span class="chip-hidden" title="Contact details are hidden: sharing them is against'
    ' the rules">contact details hidden</span>'
)


@register.simple_tag
def segments(parts: Iterable[Segment]) -> SafeString:
    """A text's segments (inbox.presentation.segments) as HTML: text escaped, a masked part
    as the "contact details hidden" chip, a system line's time as a <time>. Written here
    rather than as an included template: the thread page draws it for every message."""
    html: list[str] = []
    for segment in parts:
        if segment.hidden:
            html.append(HIDDEN_CHIP)
        elif segment.moment:
            html.append(
                format_html(
                    '<time datetime="{}" data-system-time>{}</time>', segment.moment, segment.text
                )
            )
        else:
            html.append(escape(segment.text))
    return mark_safe("".join(html))  # every piece escaped above

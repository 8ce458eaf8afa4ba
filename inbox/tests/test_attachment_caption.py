"""Issue 20 walkthrough: an attachment's "(4.3 KB)" caption wrapped oddly. The server and
static/js/inbox.js both put it in one unbreakable span (`.file-size`, white-space: nowrap)."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string


def test_the_size_caption_is_one_unbreakable_span():
    message = {
        "kind": "user",
        "mine": False,
        "segments": [],
        "attachments": [
            {"url": "/f", "content_type": "image/png", "name": "mockup.png", "size": 4403}
        ],
    }
    html = render_to_string("inbox/_message.html", {"message": message})
    assert '<span class="muted small file-size">(4.3\xa0KB)</span>' in html
    static = settings.BASE_DIR / "static"
    assert ".file-size { white-space: nowrap; }" in (static / "css/app.css").read_text()
    script = (static / "js/inbox.js").read_text()
    assert 'size.className = "muted small file-size"' in script and "\\u00a0KB" in script

"""Contact-detail detector for Gigbox chat (pure Python, no Django).

    from core.contact import scan, Finding, ScanResult, MASK
    result = scan(text, history=[...earlier messages of the sender...],
                  allowed_hosts=("gigbox.example",))  # the site's own hosts
    result.masked, result.findings, result.has_contact

See docs/contact-detector.md for how it works.
"""

from .findings import MASK, Finding, ScanResult
from .scanner import scan
from .warm import warm_up

__all__ = ["scan", "Finding", "ScanResult", "MASK", "warm_up"]

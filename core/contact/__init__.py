"""Contact-detail detector for Gigbox chat (pure Python, no Django).

    from core.contact import scan, Finding, ScanResult, MASK
    result = scan(text, history=[...earlier messages of the sender...])
    result.masked, result.findings, result.has_contact

See docs/contact-detector.md for how it works.
"""

from .findings import MASK, Finding, ScanResult
from .scanner import DEFAULT_ALLOWED_HOSTS, scan

__all__ = ["scan", "Finding", "ScanResult", "MASK", "DEFAULT_ALLOWED_HOSTS"]

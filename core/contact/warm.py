"""Load what the detector loads lazily, before a server takes traffic."""

from __future__ import annotations

__all__ = ["warm_up"]

_SAMPLES = (
    "call me on +44 7911 123456 or 0803 555 1234",
    "my email is sam dot designs at gmail dot com, telegram @samdesigns",
    "wa.me/2348035551234 and instagram.com/sam",
    "I'll send the logo files tomorrow, thanks!",
)


def warm_up() -> None:
    """Load the tables, phonenumbers' per-region metadata and regular expressions now, at
    start, so that the first messages do not pay for it (docs/benchmarks.md)."""
    import phonenumbers

    from .regions import compile_all
    from .scanner import scan

    phonenumbers.PhoneMetadata.load_all()
    compile_all()
    for sample in _SAMPLES:
        scan(sample)

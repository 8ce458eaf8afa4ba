"""Rewritten views of a message that remember where every character came from.

The detector never scans the raw message directly: it scans *views* of it in
which disguises have been undone (fullwidth digits folded, "nine" turned into
"9", " dot " into "."). Findings must still point at the ORIGINAL text, so
every rewrite records which source range each output range came from.
A view is a chain: original -> normalised -> phone view / address view.

Two kinds of maps, both O(log n) per lookup and cheap to build:
- pieces: a sorted list of copied and replaced stretches (rewrites);
- per-character lengths: source character i became ``lengths[i]`` characters
  (Unicode normalisation, where invisible characters vanish).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from itertools import accumulate

Replacement = tuple[int, int, str]  # (source start, source end, new text)
_NO_PIECES: tuple = ()


class TextView:
    """A string plus a way to map its spans back to the original message."""

    __slots__ = (
        "text",
        "_parent",
        "_new_starts",
        "_new_ends",
        "_src_starts",
        "_src_ends",
        "_verbatim",
        "_char_starts",
    )

    def __init__(self, text: str, parent: TextView | None = None) -> None:
        self.text = text
        self._parent = parent
        self._new_starts: list[int] = []
        self._new_ends: list[int] = []
        self._src_starts: list[int] = []
        self._src_ends: list[int] = []
        self._verbatim: list[bool] = []
        self._char_starts: list[int] | None = None

    @classmethod
    def identity(cls, text: str) -> TextView:
        """The root view of a message (built for every message: kept cheap)."""
        view = cls.__new__(cls)
        view.text = text
        view._parent = None
        # Never appended to: only child views built by rewrite() get pieces.
        view._new_starts = view._new_ends = view._src_starts = view._src_ends = _NO_PIECES  # type: ignore[assignment]
        view._verbatim = _NO_PIECES  # type: ignore[assignment]
        view._char_starts = None
        return view

    # --- building -------------------------------------------------------------

    def aligned(self, text: str) -> TextView:
        """A child view of the same length whose characters map one to one."""
        child = TextView(text, self)
        child._add(0, len(text), 0, len(text), True)
        return child

    def by_lengths(self, text: str, lengths: Sequence[int]) -> TextView:
        """A child view where source character i became ``lengths[i]`` characters."""
        child = TextView(text, self)
        child._char_starts = list(accumulate(lengths, initial=0))
        return child

    def _add(
        self, new_start: int, new_end: int, src_start: int, src_end: int, verbatim: bool
    ) -> None:
        self._new_starts.append(new_start)
        self._new_ends.append(new_end)
        self._src_starts.append(src_start)
        self._src_ends.append(src_end)
        self._verbatim.append(verbatim)

    def rewrite(self, replacements: Iterable[Replacement]) -> TextView:
        """Apply sorted, non-overlapping replacements; return the child view."""
        reps = list(replacements)
        if not reps:
            return self
        text = self.text
        parts: list[str] = []
        child = TextView("", self)
        pos = 0
        out = 0
        for start, end, new in reps:
            if start < pos:  # overlapping replacement: keep the earlier one
                continue
            if start > pos:
                parts.append(text[pos:start])
                child._add(out, out + start - pos, pos, start, True)
                out += start - pos
            parts.append(new)
            child._add(out, out + len(new), start, end, False)
            out += len(new)
            pos = end
        if pos < len(text):
            parts.append(text[pos:])
            child._add(out, out + len(text) - pos, pos, len(text), True)
        child.text = "".join(parts)
        return child

    # --- mapping --------------------------------------------------------------

    def _local_start(self, pos: int) -> int:
        if self._char_starts is not None:
            starts = self._char_starts
            return min(bisect_right(starts, pos) - 1, len(starts) - 1)
        if not self._new_starts:
            return pos
        i = max(bisect_right(self._new_starts, pos) - 1, 0)
        if pos >= self._new_ends[i]:
            return self._src_ends[i]
        if self._verbatim[i]:
            return self._src_starts[i] + (pos - self._new_starts[i])
        return self._src_starts[i]

    def _local_end(self, pos: int) -> int:
        if self._char_starts is not None:
            # The first source character not before ``pos``, past any characters
            # that vanished right there (the keycap combiner of "5️⃣").
            return bisect_right(self._char_starts, pos) - 1 if pos > 0 else 0
        if not self._new_starts or pos <= 0:
            return pos if not self._new_starts else 0
        i = max(bisect_right(self._new_starts, pos - 1) - 1, 0)
        if self._verbatim[i]:
            end = self._src_starts[i] + (min(pos, self._new_ends[i]) - self._new_starts[i])
        else:
            end = self._src_ends[i]
        j = i + 1  # swallow deleted pieces right after the span
        while j < len(self._new_starts) and self._new_starts[j] == self._new_ends[j] == pos:
            end = self._src_ends[j]
            j += 1
        return end

    def original_text(self) -> str:
        """The message this view was built from (the root of the chain)."""
        view = self
        while view._parent is not None:
            view = view._parent
        return view.text

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a [start, end) span of this view to the original message."""
        view: TextView | None = self
        while view is not None and view._parent is not None:
            start, end = view._local_start(start), view._local_end(end)
            view = view._parent
        return start, max(start, end)


__all__ = ["Replacement", "TextView"]

"""Rewritten views of a message that remember where every character came from.

The detector never scans the raw message directly: it scans *views* of it in
which disguises have been undone (fullwidth digits folded, "nine" turned into
"9", " dot " into "."). Findings must still point at the ORIGINAL text, so
every rewrite records which source range each output range came from.
A view is a chain: original -> normalised -> phone view / address view.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from typing import Iterable, Optional, Sequence

Replacement = tuple[int, int, str]  # (source start, source end, new text)


@dataclass(frozen=True)
class _Piece:
    new_start: int
    new_end: int
    src_start: int
    src_end: int
    verbatim: bool  # copied unchanged, so offsets map one to one


class TextView:
    """A string plus a way to map its spans back to the original message."""

    __slots__ = ("text", "_pieces", "_starts", "_parent")

    def __init__(
        self,
        text: str,
        pieces: Optional[Sequence[_Piece]] = None,
        parent: Optional["TextView"] = None,
    ) -> None:
        self.text = text
        self._pieces = pieces  # None means identity with the parent
        self._starts = [p.new_start for p in pieces] if pieces else None
        self._parent = parent

    @classmethod
    def identity(cls, text: str) -> "TextView":
        return cls(text)

    def rewrite(self, replacements: Iterable[Replacement]) -> "TextView":
        """Apply sorted, non-overlapping replacements; return the child view."""
        reps = list(replacements)
        if not reps:
            return self
        text = self.text
        parts: list[str] = []
        pieces: list[_Piece] = []
        pos = 0
        out = 0
        for start, end, new in reps:
            if start < pos:  # overlapping replacement: keep the earlier one
                continue
            if start > pos:
                chunk = text[pos:start]
                parts.append(chunk)
                pieces.append(_Piece(out, out + len(chunk), pos, start, True))
                out += len(chunk)
            parts.append(new)
            pieces.append(_Piece(out, out + len(new), start, end, False))
            out += len(new)
            pos = end
        if pos < len(text):
            chunk = text[pos:]
            parts.append(chunk)
            pieces.append(_Piece(out, out + len(chunk), pos, len(text), True))
        return TextView("".join(parts), pieces, self)

    def _local_start(self, pos: int) -> int:
        if self._pieces is None:
            return pos
        i = bisect_right(self._starts, pos) - 1  # type: ignore[arg-type]
        if i < 0:
            return 0
        piece = self._pieces[i]
        while piece.new_start == piece.new_end and i + 1 < len(self._pieces):
            i += 1  # an empty (deleted) piece: start at the next one
            piece = self._pieces[i]
        if pos >= piece.new_end:
            return piece.src_end
        if piece.verbatim:
            return piece.src_start + (pos - piece.new_start)
        return piece.src_start

    def _local_end(self, pos: int) -> int:
        if self._pieces is None:
            return pos
        if pos <= 0:
            return 0
        i = bisect_right(self._starts, pos - 1) - 1  # type: ignore[arg-type]
        while i > 0 and self._pieces[i].new_start == self._pieces[i].new_end:
            i -= 1
        piece = self._pieces[i]
        if piece.verbatim:
            end = piece.src_start + (min(pos, piece.new_end) - piece.new_start)
        else:
            end = piece.src_end
        if pos >= piece.new_end:
            # Swallow deleted (invisible) characters right after the span:
            # the keycap combiner of "5️⃣" belongs to the digit.
            j = i + 1
            while j < len(self._pieces) and self._pieces[j].new_start == self._pieces[j].new_end == pos:
                end = self._pieces[j].src_end
                j += 1
        return end

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a [start, end) span of this view to the original message."""
        view: Optional[TextView] = self
        while view is not None and view._parent is not None:
            start, end = view._local_start(start), view._local_end(end)
            view = view._parent
        return start, max(start, end)

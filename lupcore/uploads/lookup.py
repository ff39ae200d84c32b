"""Current areas, for suggestions: the closest codes (edit distance) and names (difflib) to a bad area cell."""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping

import numpy as np

from lupcore.sanitise import strip_control
from lupcore.uploads.vocabulary import _show

_CODE_LIKE = re.compile(r"^[A-Z]\d{2}\s*\d{4,8}$")
_COUNCIL_WORDS = re.compile(r"\b(metropolitan borough|borough|district|city|county)?\s*council\b")
_MAX_QUERY = 20


def _name_key(text: str) -> str:
    """A name for matching: case, punctuation, '&', 'council' and ', City of' do not matter."""
    key = strip_control(text).casefold().replace("&", " and ")
    key = re.sub(r",\s*city of$", "", _COUNCIL_WORDS.sub("", key))
    return re.sub(r"[\s.,'’()-]+", " ", key).strip()


class _Lookup:
    """Current areas, with the closest codes (edit distance) and names (difflib) to a bad cell."""

    def __init__(self, known: Mapping[str, str], replaced: Mapping[str, str] | None = None) -> None:
        self.known = known
        self.replaced = replaced or {}
        self.codes = sorted(known)
        self._names: dict[str, list[str]] | None = None
        self._matrix: np.ndarray | None = None

    @property
    def example(self) -> str:
        code = "E08000030" if "E08000030" in self.known or not self.codes else self.codes[0]
        return f"{code} for {self.known[code]}" if code in self.known else code

    def label(self, code: str) -> str:
        return f"{_show(self.known.get(code, ''), 60)} ({code})"

    def names(self) -> dict[str, list[str]]:
        if self._names is None:
            self._names = {}
            for code in self.codes:
                self._names.setdefault(_name_key(str(self.known[code])), []).append(code)
        return self._names

    def exact_name(self, text: str) -> list[str]:
        return self.names().get(_name_key(text), [])

    def close_names(self, text: str, n: int = 3) -> list[str]:
        key, names = _name_key(text), self.names()
        hits = difflib.get_close_matches(key, list(names), n=n, cutoff=0.75)
        hits += [k for k in names if len(key) >= 4 and (key in k or k in key) and k not in hits]
        return [code for k in hits[:n] for code in names[k]][:n]

    def close_codes(self, text: str, n: int = 3, limit: int = 2) -> list[str]:
        if not self.codes:
            return []
        if self._matrix is None:
            width = max(len(c) for c in self.codes)
            self._matrix = np.full((len(self.codes), width), -1, dtype=np.int64)
            for i, code in enumerate(self.codes):
                self._matrix[i, : len(code)] = [ord(ch) for ch in code]
        distance = _edit_distances(re.sub(r"\s+", "", text.upper())[:_MAX_QUERY], self._matrix,
                                   np.array([len(c) for c in self.codes]))
        order = np.lexsort((np.arange(len(self.codes)), distance))[:n]
        return [self.codes[i] for i in order if distance[i] <= limit]

    def suggest(self, text: str) -> list[str]:
        cleaned = strip_control(text).upper()
        hits = self.close_codes(cleaned) if _CODE_LIKE.match(cleaned) else self.close_names(text)
        return hits or self.close_codes(cleaned)


def _edit_distances(query: str, matrix: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Levenshtein distance from ``query`` to every row of ``matrix`` (code points, padded with -1) at once."""
    n, width = matrix.shape
    steps = np.arange(width + 1)
    previous = np.broadcast_to(steps, (n, width + 1)).copy()
    for i, char in enumerate(query, start=1):
        current = np.empty_like(previous)
        current[:, 0] = i
        substitution = previous[:, :-1] + (matrix != ord(char))
        current[:, 1:] = np.minimum(previous[:, 1:] + 1, substitution)
        # an insertion along the row: current[j] = min over k <= j of current[k] + (j - k)
        previous = np.minimum.accumulate(current - steps, axis=1) + steps
    return previous[np.arange(n), lengths]

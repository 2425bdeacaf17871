"""When a removed name and an added name are one thing renamed: the one rename judge.

A client reads ``full_name -> fullName`` far better than "full_name removed, fullName added",
and a rename is what usually happened: a serializer alias changed, a case convention changed,
a typo was fixed. Two names are a re-spelling of each other when they have the same words in
another case or separator convention, when one abbreviates or extends the other, or when
they are a small edit apart.

The schema diff (properties, parameters, components) and the response comparison (fields
of live responses) both pair names here, so the spec and the responses agree on what a
rename is. Each caller says whether two things are also the same (the same schema, the same
shape) and may bring evidence of its own (the same sample value on both sides).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

__all__ = ["pair_renames", "respelling_score", "words"]

_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z]|\d|\b|_)|[A-Z]?[a-z]+|[A-Z]+|\d+")


def words(name: str) -> list[str]:
    """``fullName``, ``full_name``, ``Full-Name`` and ``FULL_NAME`` are all ``[full, name]``."""
    return [w.lower() for w in _WORD.findall(name)]


def _distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance, giving up (returning ``limit + 1``) once it exceeds ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        best = i
        for j, cb in enumerate(b, 1):
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            current.append(value)
            best = min(best, value)
        if best > limit:
            return limit + 1
        previous = current
    return previous[-1]


def respelling_score(old: str, new: str) -> float:
    """How surely ``new`` re-spells ``old``: 0 when unrelated, up to 1 for a case change."""
    if old == new:
        return 0.0
    a, b = words(old), words(new)
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    joined_a, joined_b = "".join(a), "".join(b)
    if joined_a == joined_b:
        return 0.95
    if len(a) == len(b):
        if all(_abbreviates(x, y) for x, y in zip(a, b, strict=True)):
            return 0.8
        # A small edit: word by word, each word equal or a typo away (colour, adress, emails).
        distances = [_word_distance(x, y) for x, y in zip(a, b, strict=True)]
        if all(d is not None for d in distances):
            return 0.85 - 0.05 * sum(d or 0 for d in distances)
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    if len(short) < len(long_) and (long_[: len(short)] == short or long_[-len(short) :] == short):
        return 0.6  # an alias that adds or drops a qualifier: name -> full_name
    return 0.0


def _word_distance(x: str, y: str) -> int | None:
    """The edit distance of two words when it is small for their length, else None."""
    if x == y:
        return 0
    shortest = min(len(x), len(y))
    if shortest < 3:
        return None
    limit = max(1, shortest // 4)
    distance = _distance(x, y, limit)
    return distance if distance <= limit else None


def _abbreviates(x: str, y: str) -> bool:
    if x == y:
        return True
    short, long_ = (x, y) if len(x) < len(y) else (y, x)
    return len(short) >= 3 and long_.startswith(short)


def pair_renames(
    removed: Iterable[str],
    added: Iterable[str],
    same: Callable[[str, str], bool],
    *,
    evidence: Callable[[str, str], bool] | None = None,
) -> list[tuple[str, str]]:
    """Pairs (old name, new name) of renames, best first, each name used once.

    A pair is a candidate when its names re-spell each other, or when ``evidence(old, new)``
    vouches for it whatever the names (a response field that kept its telling value under
    a new name); evidence ranks a candidate above any spelling. ``same(old, new)`` is asked
    only for candidates, best first, so an expensive structural comparison runs for a
    handful of them, not for every pair.
    """
    candidates = []
    added = list(added)
    for old in removed:
        for new in added:
            score = respelling_score(old, new)
            if evidence is not None and evidence(old, new):
                score += 1.0
            if score > 0:
                candidates.append((-score, old, new))
    candidates.sort()
    taken_old: set[str] = set()
    taken_new: set[str] = set()
    pairs: list[tuple[str, str]] = []
    for _, old, new in candidates:
        if old in taken_old or new in taken_new:
            continue
        if same(old, new):
            taken_old.add(old)
            taken_new.add(new)
            pairs.append((old, new))
    return pairs

"""Text normalisation and character n-gram similarity (plain Python, no scikit-learn):
shared by the classifier's features (textfeatures) and the duplicate search."""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter

MAX_CHARS = 2000  # features read at most this much of a text
_DIGITS = re.compile(r"\d+")
_NON_WORD = re.compile(r"[\W_]+")  # \w covers CJK ideographs, letters and digits


def normalize(text: str) -> str:
    """Full-width → half-width, lower case, digits folded ("3号楼" ≈ "7号楼"), punctuation
    as a space so that n-grams do not cross clause boundaries."""
    text = unicodedata.normalize("NFKC", (text or "")[:MAX_CHARS]).lower()
    text = _DIGITS.sub("0", text)
    return _NON_WORD.sub(" ", text).strip()


# --- similarity for the duplicate search (plain Python: a few hundred short texts) -------


def shingles(text: str) -> Counter:
    """Character bigrams and trigrams (single characters make any two Chinese texts look
    alike)."""
    out: Counter = Counter()
    for word in normalize(text).split():
        for n in (2, 3):
            out.update(word[i : i + n] for i in range(len(word) - n + 1))
    return out


def cosine(a: Counter, b: Counter) -> float:
    if not a or not b:
        return 0.0
    small, large = (a, b) if len(a) < len(b) else (b, a)
    dot = sum(v * large.get(k, 0) for k, v in small.items())
    na = math.sqrt(sum(v * v for v in a.values()))
    nb = math.sqrt(sum(v * v for v in b.values()))
    return dot / (na * nb)

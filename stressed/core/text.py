"""Text normalization for matching names: accents, Greek letters, separators. Used by the
glossary, search, the answer matcher and the item-writing linter, so it sits in core."""

import re
import unicodedata

GREEK = {
    "α": "alpha",
    "β": "beta",
    "γ": "gamma",
    "δ": "delta",
    "ε": "epsilon",
    "κ": "kappa",
    "μ": "mu",
    "σ": "sigma",
    "τ": "tau",
    "ω": "omega",
}
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """Lower-case, spell Greek letters out, strip accents."""
    text = "".join(GREEK.get(ch, ch) for ch in text.lower())
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def compact(text: str) -> str:
    """Fold and drop every separator: 'α1', 'alpha-1' and 'Alpha 1' all give 'alpha1'."""
    return _NON_ALNUM.sub("", fold(text))

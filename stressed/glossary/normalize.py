"""Text normalization for glossary search: accents, Greek letters, separators. The functions
live in stressed.core.text, below every app that compares names."""

from stressed.core.text import GREEK, compact, fold

__all__ = ["GREEK", "compact", "fold"]

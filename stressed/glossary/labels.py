"""Every glossary name and alias points at one term only: "NE" cannot mean two things.

Labels are compared after normalisation (`normalize.compact`: case, accents, Greek letters
and separators ignored), so "α1", "Alpha-1" and "alpha 1" are the same label. The admin
form and the content loader both refuse a clash with a message naming the other term."""

from stressed.glossary.models import Term
from stressed.glossary.normalize import compact

SHORT_MAX = 200  # "short definition": one sentence in a popover


def labels_of(name, aliases):
    """[(label as written, its key)] for a term's name and aliases, blanks dropped."""
    return [(label, compact(label)) for label in [name, *aliases] if compact(label)]


def taken_labels(exclude_pk=None, exclude_slugs=()):
    """{label key: (term name, label as written)} for every term in the database (but the
    one being edited, or the ones a content load is about to replace)."""
    taken = {}
    terms = Term.objects.exclude(slug__in=list(exclude_slugs))
    if exclude_pk is not None:
        terms = terms.exclude(pk=exclude_pk)
    for term in terms.only("name", "aliases"):
        for label, key in labels_of(term.name, term.alias_list):
            taken.setdefault(key, (term.name, label))
    return taken


def claim(name, aliases, taken):
    for label, key in labels_of(name, aliases):
        taken.setdefault(key, (name, label))


def clashes(name, aliases, taken):
    """Messages for each label of this term that another term already uses."""
    messages = []
    for label, key in labels_of(name, aliases):
        if key in taken:
            other, other_label = taken[key]
            as_what = "its name" if compact(other) == key else f"its alias {other_label!r}"
            messages.append(f"{label!r} is already used by the term {other!r} ({as_what}).")
    # One term may list spellings that normalise alike ("muscle pump", "muscle-pump"): the
    # lesson linker matches them as written, so they are not clashes.
    return messages

"""Glossary search by name, alias and definition, accent- and Greek-letter-aware.

Ranking: a name or alias typed in full comes first ("NE" → norepinephrine), then names and
aliases that start with the query, then names and aliases that contain it, then terms whose
definition mentions it (at most DEFINITION_LIMIT of those, so a common word does not bury
the list). A query that finds no name gets a "Did you mean" from the glossary's own names
and aliases (rapidfuzz)."""

from django.db.models import Case, IntegerField, Q, Value, When
from rapidfuzz import fuzz, process

from stressed.glossary.models import Term
from stressed.glossary.normalize import compact, fold

MAX_QUERY = 100
DEFINITION_LIMIT = 10
EXACT, PREFIX, NAME, DEFINITION = range(4)


def search_terms(query, category=""):
    """The matching terms, best first, as a list (each with a `rank`)."""
    key = compact(query[:MAX_QUERY])
    terms = Term.objects.all()
    if category:
        terms = terms.filter(category=category)
    if not key:
        return []
    ranked = (
        terms.filter(Q(search_names__contains=key) | Q(search_text__contains=key))
        .annotate(
            rank=Case(
                When(search_names__contains=f"|{key}|", then=Value(EXACT)),
                When(search_names__contains=f"|{key}", then=Value(PREFIX)),
                When(search_names__contains=key, then=Value(NAME)),
                default=Value(DEFINITION),
                output_field=IntegerField(),
            )
        )
        .order_by("rank", "name")
        .only("name", "slug", "short", "category")
    )
    names = list(ranked.filter(rank__lt=DEFINITION))
    return names + list(ranked.filter(rank=DEFINITION)[:DEFINITION_LIMIT])


def suggest_term(query):
    """The closest glossary name or alias to a query that matched no name, or ""."""
    query = query.strip()[:MAX_QUERY]
    if len(compact(query)) < 3:
        return ""
    labels = []
    for name, aliases in Term.objects.values_list("name", "aliases"):
        labels.append(name)
        labels.extend(alias.strip() for alias in aliases.splitlines() if alias.strip())
    best = process.extractOne(query, labels, scorer=fuzz.ratio, processor=fold, score_cutoff=75)
    if best is None or compact(best[0]) == compact(query):
        return ""
    return best[0]

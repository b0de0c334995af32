"""Glossary search by name, alias and definition, accent- and Greek-letter-aware."""

from django.db.models import Case, IntegerField, Q, Value, When

from stressed.glossary.models import Term
from stressed.glossary.normalize import compact

MAX_QUERY = 100


def search_terms(query, category=""):
    key = compact(query[:MAX_QUERY])
    terms = Term.objects.all()
    if category:
        terms = terms.filter(category=category)
    if not key:
        return terms.none()
    # Names and aliases rank above definitions; an exact name or alias ranks first.
    return (
        terms.filter(Q(search_names__contains=key) | Q(search_text__contains=key))
        .annotate(
            rank=Case(
                When(search_names__contains=f"|{key}|", then=Value(0)),
                When(search_names__contains=key, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .order_by("rank", "name")
        .only("name", "slug", "short", "category")
    )

from itertools import groupby

from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from stressed.core.caching import public_page
from stressed.glossary.models import Term
from stressed.glossary.normalize import compact
from stressed.glossary.search import DEFINITION, search_terms, suggest_term


def _category(request):
    category = request.GET.get("category", "")
    return category if category in Term.Category.values else ""


@require_safe
@public_page
def glossary(request):
    category = _category(request)
    terms = Term.objects.only("name", "slug", "short", "category")
    if category:
        terms = terms.filter(category=category)
    # Sort on the folded name so "α1-adrenoceptor" files under A, beside "alpha".
    terms = sorted(terms, key=lambda t: compact(t.name))
    groups = [(letter, list(items)) for letter, items in groupby(terms, key=lambda t: t.letter)]
    return render(
        request,
        "glossary/glossary.html",
        {
            "groups": groups,
            "letters": [letter for letter, _ in groups],
            "categories": Term.Category.choices,
            "category": category,
            "count": sum(len(items) for _, items in groups),
        },
    )


@require_safe
@public_page
def glossary_search(request):
    query = request.GET.get("q", "").strip()[:100]
    category = _category(request)
    results = search_terms(query, category) if query else []
    # No name or alias matched: offer the nearest one ("norepinephirne", "brwn fat").
    named = any(term.rank < DEFINITION for term in results)
    context = {
        "query": query,
        "results": results,
        "suggestion": suggest_term(query) if query and not named else "",
        "category": category,
        "categories": Term.Category.choices,
    }
    if request.htmx:
        return render(request, "glossary/search.html#results", context)
    return render(request, "glossary/search.html", context)


@require_safe
@public_page
def term(request, slug):
    term = get_object_or_404(Term, slug=slug)
    related = term.related.only("name", "slug", "short")
    occurrences = term.occurrences.filter(lesson__published=True).select_related("lesson")
    if request.user.is_authenticated and request.user.is_staff:
        occurrences = term.occurrences.select_related("lesson")
    return render(
        request,
        "glossary/term.html",
        {"term": term, "related": related, "occurrences": occurrences},
    )

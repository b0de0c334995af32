from django.shortcuts import render
from django.views.decorators.http import require_safe

from stressed.core.caching import public_page
from stressed.search.query import MAX_QUERY, search


@require_safe
@public_page
def site_search(request):
    """Search lessons, the glossary and quizzes. The same page for everyone who asks the same
    question (public, cacheable); htmx asks for the results alone as the visitor types."""
    query = request.GET.get("q", "").strip()[:MAX_QUERY]
    results = search(query) if query else None
    context = {"query": query, "results": results}
    if request.htmx:
        return render(request, "search/search.html#results", context)
    return render(request, "search/search.html", context)

from datetime import UTC, datetime

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from stressed.core.views import error_page
from stressed.glossary.models import Term
from stressed.lessons.models import Lesson
from stressed.progress.flashcards import RATINGS, Deck
from stressed.progress.mastery import Level, curriculum_progress
from stressed.progress.store import Progress
from stressed.quizzes.models import Response
from stressed.quizzes.views import start_attempt


@require_POST
def lesson_complete(request, slug):
    lesson = get_object_or_404(Lesson.objects.visible_to(request.user), slug=slug)
    complete = request.POST.get("complete", "1") == "1"
    Progress(request).mark_complete(lesson, complete)
    if request.htmx:
        context = {"lesson": lesson, "is_complete": complete, "announce": True}
        return render(request, "progress/lesson_complete.html#complete-form", context)
    return redirect(lesson.get_absolute_url() + "#check-title")


@require_GET
def progress(request):
    store = Progress(request)
    lessons = list(Lesson.objects.filter(published=True).only("title", "slug", "order"))
    rows = curriculum_progress(store, lessons)
    counts = {level: sum(1 for r in rows if r.level == level) for level in Level}
    deck = Deck(store)
    return render(
        request,
        "progress/progress.html",
        {
            "rows": rows,
            "levels": list(Level),
            "counts": counts,
            "completed": sum(1 for r in rows if r.completed),
            "total": len(rows),
            "due_cards": len(deck.due_term_ids()),
            "missed": len(missed_question_ids(store)),
        },
    )


def missed_question_ids(store):
    """Questions whose latest answer, across all the student's attempts, was not fully right."""
    latest = {}
    responses = Response.objects.filter(
        attempt__in=store.attempts(), question__quiz__published=True
    )
    for question_id, fraction in responses.order_by("answered_at", "pk").values_list(
        "question_id", "fraction"
    ):
        latest[question_id] = fraction
    return [pk for pk, fraction in latest.items() if fraction < 1 - 1e-9]


@require_GET
def review(request):
    store = Progress(request)
    deck = Deck(store)
    return render(
        request,
        "progress/review.html",
        {
            "missed": len(missed_question_ids(store)),
            "due_cards": len(deck.due_term_ids()),
            "seen_cards": len(deck.states()),
            "term_count": Term.objects.count(),
        },
    )


@require_POST
def practise_missed(request):
    missed = missed_question_ids(Progress(request))
    if not missed:
        return redirect("review")
    return redirect("attempt", start_attempt(request, missed[:20]).pk)


def _render_flashcard(request, revealed):
    deck = Deck(Progress(request))
    term_ids = list(Term.objects.order_by("name").values_list("pk", flat=True))
    next_id = deck.next_term(term_ids)
    term = Term.objects.filter(pk=next_id).first() if next_id else None
    context = {"term": term, "due": len(deck.due_term_ids()), "revealed": revealed}
    if request.htmx:
        return render(request, "progress/flashcards.html#card", context)
    return render(request, "progress/flashcards.html", context)


@require_GET
def flashcards(request):
    return _render_flashcard(request, revealed="show" in request.GET)


@require_POST
def rate_card(request, term_id):
    rating = request.POST.get("rating", "")
    if rating not in RATINGS:
        return error_page(
            request, 400, "Unknown rating", "Rate the card as again, hard, good or easy."
        )
    if not Term.objects.filter(pk=term_id).exists():
        raise Http404("No such term.")
    if not request.user.is_authenticated and request.session.session_key is None:
        request.session.save()
    Deck(Progress(request)).record(term_id, rating, datetime.now(UTC))
    if request.htmx:
        return _render_flashcard(request, revealed=False)  # the next card, face down
    return redirect("flashcards")

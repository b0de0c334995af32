from datetime import UTC, datetime

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe
from django.views.decorators.vary import vary_on_headers

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
    # Without JavaScript: to the private page that shows the new state (the lesson page
    # itself is public, the same for everyone not logged in).
    return redirect("lesson-progress", lesson.slug)


@require_safe
@vary_on_headers("HX-Request")
def lesson_progress(request, slug):
    """The personal part of a lesson page: "mark complete" with its CSRF token, and whether
    this visitor did. The public lesson page fetches it with htmx for visitors with a session
    (static/js/site.js) and links to it otherwise; it also records the visit for "continue
    where you left off". Private: never public, never in the page cache."""
    lesson = get_object_or_404(
        Lesson.objects.visible_to(request.user).only("title", "slug", "order", "published"),
        slug=slug,
    )
    progress = Progress(request)
    progress.visit(lesson.pk)
    context = {"lesson": lesson, "is_complete": lesson.pk in progress.completed_lesson_ids()}
    if request.htmx:
        return render(request, "progress/lesson_complete.html#complete-form", context)
    return render(request, "progress/lesson_progress.html", context)


@require_safe
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
        attempt__in=store.attempts(), question__quiz__published=True, question__retired=False
    )
    for question_id, fraction in responses.order_by("answered_at", "pk").values_list(
        "question_id", "fraction"
    ):
        latest[question_id] = fraction
    return [pk for pk, fraction in latest.items() if fraction < 1 - 1e-9]


@require_safe
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


@require_safe
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

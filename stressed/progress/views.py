from datetime import UTC, datetime

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe
from django.views.decorators.vary import vary_on_headers

from stressed.core.marks import is_missed
from stressed.core.views import error_page
from stressed.glossary.models import Occurrence, Term
from stressed.lessons.models import Lesson
from stressed.lessons.views import HOME_FIELDS
from stressed.progress import home
from stressed.progress.flashcards import RATINGS, Deck, Run, humanize, intervals
from stressed.progress.mastery import Level, curriculum_progress, lesson_standing
from stressed.progress.store import Progress
from stressed.quizzes import policy
from stressed.quizzes.models import Response
from stressed.quizzes.ownership import start_attempt


@require_POST
def lesson_complete(request, slug):
    lesson = get_object_or_404(Lesson.objects.visible_to(request.user), slug=slug)
    complete = request.POST.get("complete", "1") == "1"
    Progress(request).mark_complete(lesson, complete)
    if request.htmx:
        # (A first visitor's new session has no key until the response: say what we did.)
        context = {**lesson_personal_context(request, lesson), "announce": True}
        context["is_complete"] = complete
        return render(request, "progress/lesson_complete.html#complete-form", context)
    # Without JavaScript: to the private page that shows the new state (the lesson page
    # itself is public, the same for everyone not logged in).
    return redirect("lesson-progress", lesson.slug)


def lesson_personal_context(request, lesson):
    """The visitor's own part of a lesson's end: read or not, their quiz result."""
    standing = lesson_standing(Progress(request), lesson)
    return {
        "lesson": lesson,
        "is_complete": standing.completed,
        "standing": standing,
    }


@require_safe
@vary_on_headers("HX-Request")
def lesson_progress(request, slug):
    """The personal part of a lesson page: "mark complete" with its CSRF token, whether this
    visitor read the lesson, their quiz result, and the small forms that record where they
    are (POSTed by htmx: a GET never writes). The public lesson page fetches it with htmx for
    visitors with a session (static/js/site.js), or when its end comes into view, and links
    to it otherwise. Private: never public, never in the page cache."""
    lesson = get_object_or_404(
        Lesson.objects.visible_to(request.user).only("title", "slug", "order", "published"),
        slug=slug,
    )
    context = lesson_personal_context(request, lesson)
    # site.js is about to send the form for a click: leave out the end-of-lesson tracker.
    context["submitting"] = request.GET.get("then") == "submit"
    if request.htmx:
        return render(request, "progress/lesson_complete.html#complete-form", context)
    return render(request, "progress/lesson_progress.html", context)


@require_POST
def lesson_position(request, slug):
    """Records the lesson and the last heading reached in it ("Continue: lesson 3, Receptors").
    Sent by the lesson's private fragment when it loads and as headings scroll past."""
    lesson = get_object_or_404(Lesson.objects.visible_to(request.user), slug=slug)
    section = request.POST.get("section", "")
    if section not in lesson.section_ids():
        section = ""
    Progress(request).visit(lesson.pk, section)
    return HttpResponse(status=204)


@require_POST
def lesson_read(request, slug):
    """The end of the lesson came into view: it counts as read (the same as "Mark
    complete"). A student who unmarked it keeps it unmarked until they reach the end again."""
    lesson = get_object_or_404(Lesson.objects.visible_to(request.user), slug=slug)
    progress = Progress(request)
    if lesson.pk not in progress.completed_lesson_ids():
        progress.mark_complete(lesson, True)
    if request.htmx:  # the control now says so (quietly: the reader did not click)
        context = {**lesson_personal_context(request, lesson), "is_complete": True}
        context["tracked"] = True  # the position was posted already; don't post it again
        return render(request, "progress/lesson_complete.html#complete-form", context)
    return redirect("lesson-progress", lesson.slug)


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
    if store.user:  # answers whose feedback a class defers are not "missed" yet: unknown
        attempts = store.attempts().filter(quiz__isnull=False)
        hidden = policy.withheld(attempts.only("user_id", "quiz_id", "started_at", "finished_at"))
        if hidden:
            responses = responses.exclude(attempt_id__in=hidden)
    for question_id, fraction in responses.order_by("answered_at", "pk").values_list(
        "question_id", "fraction"
    ):
        latest[question_id] = fraction
    return [pk for pk, fraction in latest.items() if is_missed(fraction)]


@require_safe
def review(request):
    store = Progress(request)
    deck = Deck(store)
    seen, term_count = len(deck.states()), Term.objects.count()
    return render(
        request,
        "progress/review.html",
        {
            "missed": len(missed_question_ids(store)),
            "due_cards": len(deck.due_term_ids()),
            "seen_cards": seen,
            "new_cards": max(0, term_count - seen),
            "term_count": term_count,
        },
    )


@require_POST
def practise_missed(request):
    missed = missed_question_ids(Progress(request))
    if not missed:
        return redirect("review")
    return redirect("attempt", start_attempt(request, missed[:20]).pk)


def study_order(progress):
    """Every term's id in the order new cards are offered: the key terms of the lessons the
    student has read first (in lesson order), then terms those lessons mention, then the
    rest by name."""
    read = progress.completed_lesson_ids()
    first = []
    if read:
        first += list(
            Lesson.key_terms.through.objects.filter(lesson_id__in=read)
            .order_by("lesson__order", "term__name")
            .values_list("term_id", flat=True)
        )
        first += list(
            Occurrence.objects.filter(lesson_id__in=read)
            .order_by("lesson__order", "position")
            .values_list("term_id", flat=True)
        )
    rest = Term.objects.order_by("name").values_list("pk", flat=True)
    return list(dict.fromkeys([*first, *rest]))


def _render_flashcard(request, revealed):
    now = datetime.now(UTC)
    progress = Progress(request)
    deck = Deck(progress)
    run = Run(request, now)
    order = study_order(progress)
    states = deck.states()
    next_id = deck.next_term(order, now, new_left=run.new_left)
    term = Term.objects.filter(pk=next_id).first() if next_id else None
    due = len(deck.due_term_ids(now))
    context = {
        "term": term,
        "is_new": term is not None and term.pk not in states,
        "due": due,
        "new": min(run.new_left, len(deck.new_term_ids(order))),
        "new_total": len(deck.new_term_ids(order)),
        "revealed": revealed,
        "run": run,
        "next_due": deck.next_due(now) if term is None else None,
    }
    if term is not None and revealed:
        context["buttons"] = [
            (name, name.capitalize(), humanize(delta))
            for name, delta in intervals(states.get(term.pk), now).items()
        ]
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
    now = datetime.now(UTC)
    deck = Deck(Progress(request))
    was_new = term_id not in deck.states()
    deck.record(term_id, rating, now)
    Run(request, now).record(rating, was_new, now)
    if request.htmx:
        return _render_flashcard(request, revealed=False)  # the next card, face down
    return redirect("flashcards")


@require_safe
@vary_on_headers("HX-Request")
def home_progress(request):
    """The home page's personal part ("Continue: lesson 3, Receptors", lessons read, cards
    due, and each lesson card's status), which the public home page fetches for visitors
    with a session. Private."""
    lessons = list(Lesson.objects.visible_to(request.user).only(*HOME_FIELDS))
    context = {"lessons": lessons, **home.home_context(request, lessons), "personal": True}
    if request.htmx:
        return render(request, "lessons/home_progress.html#fragment", context)
    return render(request, "lessons/home_progress.html", context)

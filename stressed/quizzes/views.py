from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from stressed.core.caching import cache_for_anonymous
from stressed.core.views import error_page
from stressed.progress.store import Progress
from stressed.quizzes import bank
from stressed.quizzes.cards import build_card, build_cards
from stressed.quizzes.grading import IncompleteAnswer, MalformedAnswer, grade
from stressed.quizzes.models import Attempt, Quiz, Response


def _quiz_or_404(request, slug):
    return get_object_or_404(
        Quiz.objects.visible_to(request.user).select_related("lesson"), slug=slug
    )


def _visible(request, quiz):
    return quiz is None or quiz.published or request.user.is_staff


def _attempt_or_404(request, attempt_id, with_quiz=True):
    """An attempt belongs to one user or one anonymous session; for anyone else it is a 404.
    `with_quiz=False` skips loading the quiz: the caller checks it is visible."""
    attempts = Attempt.objects.select_related("quiz__lesson") if with_quiz else Attempt.objects
    attempt = get_object_or_404(attempts, pk=attempt_id)
    if not Progress(request).owns(attempt):
        raise Http404("No such attempt.")
    if with_quiz and not _visible(request, attempt.quiz):
        raise Http404("No such attempt.")
    return attempt


@require_GET
@cache_for_anonymous
def quiz(request, slug):
    quiz = _quiz_or_404(request, slug)
    current = None
    if request.session.session_key or request.user.is_authenticated:
        current = Progress(request).attempts().filter(quiz=quiz, finished_at__isnull=True).first()
    return render(
        request,
        "quizzes/quiz.html",
        {"quiz": quiz, "current": current, "question_count": quiz.questions.count()},
    )


def start_attempt(request, question_ids, quiz=None):
    progress = Progress(request)
    if not request.user.is_authenticated and request.session.session_key is None:
        request.session.save()  # anonymous attempts are tied to a session
    attempt = Attempt.objects.create(
        quiz=quiz,
        user=progress.user,
        session_key=request.session.session_key or "",
        question_ids=list(question_ids),
    )
    progress.remember_attempt(attempt)
    return attempt


@require_POST
def quiz_start(request, slug):
    quiz = _quiz_or_404(request, slug)
    question_ids = list(quiz.questions.values_list("pk", flat=True))
    if not question_ids:
        raise Http404("This quiz has no questions yet.")
    attempt = start_attempt(request, question_ids, quiz)
    return redirect("attempt", attempt.pk)


def _attempt_context(attempt):
    questions = bank.questions(attempt.question_ids)
    responses = list(attempt.responses.all())
    # Once the attempt is finished, every right answer may be shown, answered or not.
    cards = build_cards(attempt.pk, questions, responses, reveal=attempt.finished_at is not None)
    return {
        "attempt": attempt,
        "cards": cards,
        "answered": len(responses),
        "total": len(questions),
    }


@require_GET
def attempt(request, attempt_id):
    attempt = _attempt_or_404(request, attempt_id)
    if attempt.finished_at:
        return redirect("attempt-summary", attempt.pk)
    return render(request, "quizzes/attempt.html", _attempt_context(attempt))


def _render_card(request, template, context, status=200):
    """The card partial for htmx, else the whole page (used for errors without JS)."""
    if request.htmx:
        return render(request, "quizzes/_card.html", context, status=status)
    return render(request, template, context, status=status)


@require_POST
def answer(request, attempt_id, question_id):
    # The hottest write on the site: the attempt alone, then the question (with its choices,
    # quiz and lesson) from this process's question bank, one INSERT, one count.
    attempt = _attempt_or_404(request, attempt_id, with_quiz=False)
    question = bank.question(question_id) if question_id in attempt.question_ids else None
    if question is None or not _visible(request, question.quiz):
        raise Http404("That question is not part of this attempt.")
    number = attempt.question_ids.index(question_id) + 1
    if attempt.finished_at:
        return error_page(
            request,
            409,
            "Attempt finished",
            "This attempt is finished; start a new one to answer again.",
        )
    try:
        result = grade(question, list(question.choices.all()), request.POST, attempt.pk)
    except MalformedAnswer as error:
        return error_page(request, 400, "Answer not understood", f"Malformed answer: {error}.")
    except IncompleteAnswer as error:
        card = build_card(question, number, attempt.pk, error=str(error), submitted=request.POST)
        context = _attempt_context(attempt)
        context["cards"] = [card if c.question.pk == question.pk else c for c in context["cards"]]
        context["card"] = card
        return _render_card(request, "quizzes/attempt.html", context, status=422)
    try:
        with transaction.atomic():
            Response.objects.create(
                attempt=attempt, question=question, answer=result.answer, fraction=result.fraction
            )
    except IntegrityError:
        return error_page(
            request, 409, "Already answered", "This question was already answered in this attempt."
        )
    if not request.htmx:
        return redirect(reverse("attempt", args=[attempt.pk]) + f"#q-{question.pk}")
    card = build_card(question, number, attempt.pk, result=result)
    answered = attempt.responses.count()
    return render(
        request,
        "quizzes/answer.html",
        {
            "attempt": attempt,
            "card": card,
            "answered": answered,
            "total": len(attempt.question_ids),
        },
    )


@require_POST
def finish(request, attempt_id):
    attempt = _attempt_or_404(request, attempt_id)
    with transaction.atomic():
        locked = Attempt.objects.select_for_update().get(pk=attempt.pk)
        if locked.finished_at is None:
            fractions = locked.responses.values_list("fraction", flat=True)
            locked.score = sum(fractions) / max(1, len(locked.question_ids))
            locked.finished_at = timezone.now()
            locked.save(update_fields=["score", "finished_at"])
    return redirect("attempt-summary", attempt.pk)


@require_GET
def summary(request, attempt_id):
    attempt = _attempt_or_404(request, attempt_id)
    if not attempt.finished_at:
        return redirect("attempt", attempt.pk)
    context = _attempt_context(attempt)
    missed = [card for card in context["cards"] if not card.result or card.result.fraction < 1]
    context.update(missed=missed, percent=round((attempt.score or 0) * 100))
    return render(request, "quizzes/summary.html", context)


@require_POST
def practise_missed(request, attempt_id):
    attempt = _attempt_or_404(request, attempt_id)
    answered = dict(attempt.responses.values_list("question_id", "fraction"))
    missed = [pk for pk in attempt.question_ids if answered.get(pk, 0) < 1]
    if not missed:
        return redirect("attempt-summary", attempt.pk)
    return redirect("attempt", start_attempt(request, missed).pk)


# Instructor preview: the student view, graded live, nothing stored.
def _require_preview_permission(request):
    if not (request.user.is_staff and request.user.has_perm("quizzes.view_quiz")):
        raise PermissionDenied


@login_required
@require_GET
def preview(request, slug):
    _require_preview_permission(request)
    quiz = get_object_or_404(Quiz.objects.select_related("lesson"), slug=slug)
    questions = list(quiz.questions.select_related("quiz__lesson").prefetch_related("choices"))
    cards = [build_card(q, n, "preview", None) for n, q in enumerate(questions, start=1)]
    return render(request, "quizzes/preview.html", {"quiz": quiz, "cards": cards, "preview": True})


@login_required
@require_POST
def preview_answer(request, slug, question_id):
    _require_preview_permission(request)
    quiz = get_object_or_404(Quiz, slug=slug)
    questions = list(quiz.questions.select_related("quiz__lesson").prefetch_related("choices"))
    question = next((q for q in questions if q.pk == question_id), None)
    if question is None:
        raise Http404("That question is not in this quiz.")
    number = questions.index(question) + 1
    status, error, result = 200, "", None
    try:
        result = grade(question, list(question.choices.all()), request.POST, "preview")
    except MalformedAnswer as exc:
        return error_page(request, 400, "Answer not understood", f"Malformed answer: {exc}.")
    except IncompleteAnswer as exc:
        status, error = 422, str(exc)
    card = build_card(
        question, number, "preview", result=result, error=error, submitted=request.POST
    )
    cards = [
        card if q.pk == question_id else build_card(q, n, "preview")
        for n, q in enumerate(questions, 1)
    ]
    context = {"quiz": quiz, "cards": cards, "card": card, "preview": True}
    return _render_card(request, "quizzes/preview.html", context, status=status)

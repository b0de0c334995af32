from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe
from django.views.decorators.vary import vary_on_headers

from stressed.core.caching import is_logged_in, public_page
from stressed.core.marks import is_missed
from stressed.core.permissions import staff_permission_required
from stressed.core.views import error_page
from stressed.quizzes import bank, policy
from stressed.quizzes.cards import build_card, build_cards, withhold_feedback
from stressed.quizzes.grading import IncompleteAnswer, MalformedAnswer, grade
from stressed.quizzes.models import Attempt, Question, Quiz, Response, sees_draft_quizzes
from stressed.quizzes.ownership import AttemptOwnership, start_attempt
from stressed.quizzes.signals import attempt_finished


def _quiz_or_404(request, slug):
    return get_object_or_404(
        Quiz.objects.visible_to(request.user).select_related("lesson"), slug=slug
    )


def _visible(request, quiz):
    return quiz is None or quiz.published or sees_draft_quizzes(request.user)


def _attempt_or_404(request, attempt_id, with_quiz=True):
    """An attempt belongs to one user or one anonymous session; for anyone else it is a 404.
    `with_quiz=False` skips loading the quiz: the caller checks it is visible."""
    attempts = Attempt.objects.select_related("quiz__lesson") if with_quiz else Attempt.objects
    attempt = get_object_or_404(attempts, pk=attempt_id)
    if not AttemptOwnership(request).owns(attempt):
        raise Http404("No such attempt.")
    if with_quiz and not _visible(request, attempt.quiz):
        raise Http404("No such attempt.")
    return attempt


@require_safe
@public_page
def quiz(request, slug):
    """The quiz's intro: public, the same for everyone not logged in. The Start form (with its
    CSRF token) and "continue where you left off" come from quiz_take."""
    quiz = _quiz_or_404(request, slug)
    context = {"quiz": quiz, "question_count": quiz.questions.count()}
    if is_logged_in(request):
        context.update(
            personal=True,
            current=_unfinished_attempt(request, quiz),
            refusal=policy.refuse_start(request.user, quiz),
        )
    return render(request, "quizzes/quiz.html", context)


def _unfinished_attempt(request, quiz):
    if not (request.session.session_key or request.user.is_authenticated):
        return None
    return AttemptOwnership(request).attempts().filter(quiz=quiz, finished_at__isnull=True).first()


@require_safe
@vary_on_headers("HX-Request")
def quiz_take(request, slug):
    """The personal part of a quiz intro: Start (a POST, with its CSRF token) or Continue.
    The public intro page swaps it in with htmx, or links here without JavaScript. Private."""
    quiz = _quiz_or_404(request, slug)
    context = {
        "quiz": quiz,
        "question_count": quiz.questions.count(),
        "current": _unfinished_attempt(request, quiz),
        "personal": True,
        # A class's settings may say no (not open yet, closed, no attempts left): say why
        # instead of offering a Start that would be refused.
        "refusal": policy.refuse_start(request.user, quiz),
    }
    if request.htmx:
        return render(request, "quizzes/quiz.html#start", context)
    return render(request, "quizzes/quiz_take.html", context)


@require_POST
def quiz_start(request, slug):
    quiz = _quiz_or_404(request, slug)
    question_ids = list(quiz.questions.live().values_list("pk", flat=True))
    if not question_ids:
        raise Http404("This quiz has no questions yet.")
    refusal = policy.refuse_start(request.user, quiz)
    if refusal is not None:
        return error_page(request, refusal.status, refusal.title, refusal.message)
    attempt = start_attempt(request, question_ids, quiz)
    return redirect("attempt", attempt.pk)


def _attempt_context(attempt, feedback=policy.SHOWN):
    questions = bank.questions(attempt.question_ids)
    responses = list(attempt.responses.all())
    # Right answers show only on answered cards: finishing an empty attempt reveals nothing.
    cards = build_cards(attempt.seed, questions, responses)
    if not feedback.visible:  # a class's quiz settings defer feedback: "Answer saved" only
        cards = [withhold_feedback(card, feedback.note) for card in cards]
    return {
        "attempt": attempt,
        "cards": cards,
        "answered": len(responses),
        "total": len(questions),
        "feedback": feedback,
    }


@require_safe
def attempt(request, attempt_id):
    attempt = _attempt_or_404(request, attempt_id)
    if attempt.finished_at:
        return redirect("attempt-summary", attempt.pk)
    context = _attempt_context(attempt, policy.feedback(attempt))
    return render(request, "quizzes/attempt.html", context)


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
        return _finished_error(request)
    try:
        result = grade(question, list(question.choices.all()), request.POST, attempt.seed)
    except MalformedAnswer as error:
        return error_page(request, 400, "Answer not understood", f"Malformed answer: {error}.")
    except IncompleteAnswer as error:
        card = build_card(question, number, attempt.seed, error=str(error), submitted=request.POST)
        context = _attempt_context(attempt, policy.feedback(attempt))
        context["cards"] = [card if c.question.pk == question.pk else c for c in context["cards"]]
        context["card"] = card
        return _render_card(request, "quizzes/attempt.html", context, status=422)
    stored = _store_response(attempt, question, result)
    if stored is FINISHED:
        return _finished_error(request)
    if stored is not None:
        if stored.answer != result.answer:
            return error_page(
                request,
                409,
                "Already answered",
                "You already answered this question in this attempt; your first answer stands.",
            )
        result.fraction = stored.fraction  # a retry of the same answer: the stored result
    if not request.htmx:
        return redirect(reverse("attempt", args=[attempt.pk]) + f"#q-{question.pk}")
    card = build_card(question, number, attempt.seed, result=result)
    feedback = policy.feedback(attempt)
    if not feedback.visible:  # no verdict, right answer or explanation, here or out of band
        card = withhold_feedback(card, feedback.note)
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


FINISHED = object()


def _store_response(attempt, question, result):
    """Store one answer, serialised with `finish` on the same attempt: the attempt row is locked
    (PostgreSQL) or SQLite's IMMEDIATE transaction holds the write lock, so no answer lands
    after the attempt was finished and scored. Returns None when stored, the earlier Response
    when the question was already answered, or FINISHED."""
    earlier = Response.objects.filter(attempt=OuterRef("pk"), question=question).values("pk")
    with transaction.atomic():
        state = (
            Attempt.objects.select_for_update()
            .annotate(earlier=Subquery(earlier[:1]))
            .values("finished_at", "earlier")
            .get(pk=attempt.pk)
        )
        if state["finished_at"] is not None:
            return FINISHED
        if state["earlier"] is not None:
            return Response.objects.get(pk=state["earlier"])
        Response.objects.create(
            attempt=attempt, question=question, answer=result.answer, fraction=result.fraction
        )
    return None


def _finished_error(request):
    return error_page(
        request,
        409,
        "Attempt finished",
        "This attempt is finished; start a new one to answer again.",
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
            transaction.on_commit(
                lambda: attempt_finished.send(sender=Attempt, attempt=locked, request=request)
            )
    return redirect("attempt-summary", attempt.pk)


@require_safe
def summary(request, attempt_id):
    attempt = _attempt_or_404(request, attempt_id)
    if not attempt.finished_at:
        return redirect("attempt", attempt.pk)
    feedback = policy.feedback(attempt)
    context = _attempt_context(attempt, feedback)
    if not feedback.visible:  # the score and the right answers wait (after the due date)
        return render(request, "quizzes/summary.html", context | {"missed": []})
    missed = [card for card in context["cards"] if is_missed(card.result and card.result.fraction)]
    context.update(missed=missed, percent=round((attempt.score or 0) * 100))
    return render(request, "quizzes/summary.html", context)


@require_POST
def practise_missed(request, attempt_id):
    attempt = _attempt_or_404(request, attempt_id)
    feedback = policy.feedback(attempt)
    if not feedback.visible:  # which questions were missed is feedback too
        return error_page(request, 403, "Not yet", f"You will see what you missed {feedback.note}.")
    answered = dict(attempt.responses.values_list("question_id", "fraction"))
    live = set(
        Question.objects.live().filter(pk__in=attempt.question_ids).values_list("pk", flat=True)
    )
    missed = [pk for pk in attempt.question_ids if pk in live and is_missed(answered.get(pk))]
    if not missed:
        return redirect("attempt-summary", attempt.pk)
    return redirect("attempt", start_attempt(request, missed).pk)


# Instructor preview: the student view, graded live, nothing stored.
can_preview = staff_permission_required("quizzes.view_quiz")


@can_preview
@require_safe
def preview(request, slug):
    quiz = get_object_or_404(Quiz.objects.select_related("lesson"), slug=slug)
    questions = list(
        quiz.questions.live().select_related("quiz__lesson").prefetch_related("choices")
    )
    cards = [build_card(q, n, "preview", None) for n, q in enumerate(questions, start=1)]
    return render(request, "quizzes/preview.html", {"quiz": quiz, "cards": cards, "preview": True})


@can_preview
@require_POST
def preview_answer(request, slug, question_id):
    quiz = get_object_or_404(Quiz, slug=slug)
    questions = list(
        quiz.questions.live().select_related("quiz__lesson").prefetch_related("choices")
    )
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
    # `total` keeps the heading "Question 1 of 4" once answered, as before answering.
    context = {"quiz": quiz, "cards": cards, "card": card, "preview": True, "total": len(cards)}
    return _render_card(request, "quizzes/preview.html", context, status=status)

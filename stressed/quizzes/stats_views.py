"""Instructor pages: a quiz's statistics, and all its responses as CSV."""

import csv
import json

from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from stressed.core.permissions import staff_permission_required
from stressed.quizzes.grading import answer_text
from stressed.quizzes.models import Quiz, Response
from stressed.quizzes.statistics import quiz_statistics

# The score chart's geometry, in SVG user units (the SVG scales to its container).
CHART_WIDTH, CHART_HEIGHT = 480, 240
PLOT_LEFT, PLOT_TOP, PLOT_BOTTOM = 40, 12, 200


# Instructors and admins; the permission alone decides (no staff flag needed to read them).
can_view_statistics = staff_permission_required("quizzes.view_statistics", staff=False)


def _quiz(slug):
    return get_object_or_404(Quiz.objects.select_related("lesson"), slug=slug)


def _n(value):
    # Attributes get plain decimal strings: a localized "1,5" would break the SVG.
    return f"{value:.1f}".removesuffix(".0")


def score_chart(bins):
    """Bars and labels for the score distribution, computed here so that the template needs
    no arithmetic and the page no inline styles (the CSP forbids them)."""
    plot_width = CHART_WIDTH - PLOT_LEFT - 8
    plot_height = PLOT_BOTTOM - PLOT_TOP
    slot = plot_width / len(bins)
    top = max(bins) or 1
    bars = []
    for index, count in enumerate(bins):
        height = plot_height * count / top
        low = index * 100 // len(bins)
        high = (index + 1) * 100 // len(bins)
        bars.append(
            {
                "x": _n(PLOT_LEFT + index * slot + 3),
                "width": _n(slot - 6),
                "y": _n(PLOT_BOTTOM - height),
                "height": _n(height),
                "count": count,
                "count_y": _n(PLOT_BOTTOM - height - 4),
                "label_x": _n(PLOT_LEFT + index * slot + slot / 2),
                "range": f"{low}–{high}",
                "range_text": f"{low} to {high}" if high == 100 else f"{low} to under {high}",
            }
        )
    return {
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "bars": bars,
        "top": top,
        "left": PLOT_LEFT,
        "right": CHART_WIDTH - 8,
        "baseline": PLOT_BOTTOM,
        "plot_top": PLOT_TOP,
        "label_y": PLOT_BOTTOM + 16,
        "axis_y": PLOT_BOTTOM + 34,
    }


@never_cache
@can_view_statistics
@require_safe
def quiz_statistics_page(request, slug):
    quiz = _quiz(slug)
    stats = quiz_statistics(quiz)
    context = {"quiz": quiz, "stats": stats, "chart": score_chart(stats.bins)}
    return render(request, "quizzes/statistics.html", context)


class _Echo:
    """A file-like object whose write returns the line, for streaming csv.writer output."""

    def write(self, value):
        return value


def _cell(text):
    # Spreadsheets run cells that start with these as formulas; students' answers are
    # untrusted, so such cells get a leading apostrophe (OWASP "CSV injection").
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _response_rows(quiz):
    """One row per response, readable without the database: who (username), the question's
    text and the answer in words. Ids stay as extra columns for joining."""
    yield [
        "attempt_id",
        "username",
        "started_at",
        "finished_at",
        "question_order",
        "question_title",
        "question",
        "answer",
        "fraction",
        "answered_at",
        "user_id",
        "question_id",
        "answer_ids",
    ]
    responses = (
        Response.objects.filter(attempt__quiz=quiz)
        .select_related("attempt__user", "question")
        .prefetch_related("question__choices")
        .order_by("attempt__started_at", "attempt_id", "question__order", "question_id")
    )
    for r in responses.iterator(chunk_size=500):
        attempt, question = r.attempt, r.question
        user = attempt.user
        yield [
            attempt.pk,
            user.get_username() if user else "anonymous",
            attempt.started_at.isoformat(),
            attempt.finished_at.isoformat() if attempt.finished_at else "",
            question.order,
            _cell(question.title),
            _cell(" ".join(question.prompt.split())),
            _cell(answer_text(question, list(question.choices.all()), r.answer)),
            r.fraction,
            r.answered_at.isoformat(),
            attempt.user_id or "",
            question.pk,
            _cell(json.dumps(r.answer, ensure_ascii=False, sort_keys=True)),
        ]


@never_cache
@can_view_statistics
@require_safe
def quiz_responses_csv(request, slug):
    quiz = _quiz(slug)
    writer = csv.writer(_Echo())
    response = StreamingHttpResponse(
        (writer.writerow(row) for row in _response_rows(quiz)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = content_disposition_header(True, f"{quiz.slug}-responses.csv")
    return response

"""Instructor pages: a quiz's statistics, and all its responses as CSV."""

import csv
import json

from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from stressed.core.permissions import staff_permission_required
from stressed.quizzes.models import Quiz, Response
from stressed.quizzes.statistics import quiz_statistics

# The score chart's geometry, in SVG user units (the SVG scales to its container).
CHART_WIDTH, CHART_HEIGHT = 480, 240
PLOT_LEFT, PLOT_TOP, PLOT_BOTTOM = 40, 12, 200
PROMPT_EXCERPT = 80


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
    yield [
        "attempt_id",
        "user_id",
        "started_at",
        "finished_at",
        "question_order",
        "question_title",
        "prompt_excerpt",
        "answer",
        "fraction",
        "answered_at",
    ]
    responses = (
        Response.objects.filter(attempt__quiz=quiz)
        .select_related("attempt", "question")
        .order_by("attempt__started_at", "attempt_id", "question__order", "question_id")
    )
    for r in responses.iterator(chunk_size=500):
        attempt = r.attempt
        yield [
            attempt.pk,
            attempt.user_id or "anonymous",
            attempt.started_at.isoformat(),
            attempt.finished_at.isoformat() if attempt.finished_at else "",
            r.question.order,
            _cell(r.question.title),
            _cell(" ".join(r.question.prompt.split())[:PROMPT_EXCERPT]),
            _cell(json.dumps(r.answer, ensure_ascii=False, sort_keys=True)),
            r.fraction,
            r.answered_at.isoformat(),
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

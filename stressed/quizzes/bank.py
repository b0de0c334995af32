"""Questions as answering and cards need them, kept in each process between requests.

An answer needs its question with the choices, quiz and lesson: three queries with joins, and
most of an answer's time. Questions change only when content does, so each process keeps what
it has loaded in a `ContentMemo`, emptied by any content edit. The lesson's heavy text columns
(body, HTML) are never loaded here: a card needs only the lesson's slug and title.
"""

from stressed.core.cache import ContentMemo
from stressed.quizzes.models import Question

LESSON_TEXT = ("body", "body_html", "linked_html", "toc", "objectives", "key_points")
_memo = ContentMemo()


def questions(ids):
    """The questions with these ids, in this order, with quiz, lesson and choices loaded;
    ids with no question are left out."""
    known = _memo.current()
    missing = [pk for pk in ids if pk not in known]
    if missing:
        loaded = (
            Question.objects.filter(pk__in=missing)
            .select_related("quiz__lesson")
            .defer("quiz__intro", *(f"quiz__lesson__{name}" for name in LESSON_TEXT))
            .prefetch_related("choices")
        )
        known.update((question.pk, question) for question in loaded)
    return [known[pk] for pk in ids if pk in known]


def question(pk):
    """One question as `questions` gives it, or None."""
    found = questions([pk])
    return found[0] if found else None

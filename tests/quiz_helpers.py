"""Helpers for quiz tests: a quiz with every question type, and answering it."""

import re

from stressed.quizzes.grading import option_token
from stressed.quizzes.models import Attempt, Choice, Question, Quiz


def build_quiz(make_lesson):
    """A published quiz with one question of every type, on a lesson with sections."""
    lesson = make_lesson("quiz-lesson")
    quiz = Quiz.objects.create(lesson=lesson, slug="test-quiz", title="Test quiz", published=True)

    def question(order, kind, prompt, choices):
        q = Question.objects.create(
            quiz=quiz,
            order=order,
            type=kind,
            prompt=prompt,
            explanation=f"Why {order}.",
            review_anchor="first",
        )
        for index, fields in enumerate(choices):
            Choice.objects.create(question=q, order=index, **fields)
        return q

    question(
        1,
        "single",
        "Which receptor constricts skin vessels?",
        [
            {"text": "α1", "fraction": 1, "feedback": "Yes, Gq."},
            {
                "text": "β2",
                "fraction": 0,
                "feedback": "β2 dilates.",
                "misconception": "beta2-constricts",
            },
            {"text": "M3", "fraction": 0, "feedback": "Muscarinic."},
        ],
    )
    question(
        2,
        "multiple",
        "Which are catecholamines?",
        [
            {"text": "Dopamine", "fraction": 0.5, "feedback": "Yes."},
            {"text": "Norepinephrine", "fraction": 0.5, "feedback": "Yes."},
            {"text": "Acetylcholine", "fraction": -0.5, "feedback": "No, an ester."},
        ],
    )
    question(
        3,
        "truefalse",
        "IV norepinephrine usually speeds the heart.",
        [
            {"text": "True", "fraction": 0, "feedback": "The baroreflex slows it."},
            {"text": "False", "fraction": 1, "feedback": "Right: reflex bradycardia."},
        ],
    )
    question(
        4,
        "short",
        "Name the enzyme that makes NE from dopamine.",
        [
            {"text": "dopamine beta-hydroxylase", "fraction": 1},
            {"text": "DBH", "fraction": 1},
            {"text": "hydroxylase", "fraction": 0.5, "feedback": "Which one?"},
        ],
    )
    question(
        5,
        "numeric",
        "What percentage of FM patients had NE-evoked pain?",
        [
            {"value": 80, "tolerance": 2, "fraction": 1},
            {"min_value": 60, "max_value": 90, "fraction": 0.5, "feedback": "Close."},
        ],
    )
    question(
        6,
        "matching",
        "Match receptor to effect.",
        [
            {"text": "α1", "match_text": "Vasoconstriction", "fraction": 1},
            {"text": "β1", "match_text": "Faster heart", "fraction": 1},
            {"text": "β3", "match_text": "Lipolysis", "fraction": 1},
        ],
    )
    return quiz


def add_ordering_question(quiz, order=7):
    """An ordering question on `quiz`: four steps, authored in the right order."""
    q = Question.objects.create(
        quiz=quiz,
        order=order,
        type="ordering",
        prompt="Put the synthesis in order.",
        explanation="Tyrosine hydroxylase is first.",
        review_anchor="first",
    )
    for place, text in enumerate(["Tyrosine", "L-DOPA", "Dopamine", "Norepinephrine"], 1):
        Choice.objects.create(question=q, order=place, text=text, fraction=1, value=place)
    return q


def start(client, quiz):
    """Start an attempt through the real flow; return its id."""
    response = client.post(f"/quizzes/{quiz.slug}/start/")
    assert response.status_code == 302
    return int(re.search(r"/attempts/(\d+)/", response["Location"]).group(1))


def token(attempt_id, choice):
    """The form value of `choice` in this attempt (made from the attempt's secret seed)."""
    seed = Attempt.objects.values_list("seed", flat=True).get(pk=attempt_id)
    return option_token(seed, choice.pk)


def right_answer(attempt_id, question):
    """POST data that answers `question` fully right."""
    choices = list(question.choices.all())
    if question.type in ("single", "truefalse"):
        return {"choice": token(attempt_id, next(c for c in choices if c.fraction == 1))}
    if question.type == "multiple":
        return {"choice": [token(attempt_id, c) for c in choices if c.fraction > 0]}
    best = max(choices, key=lambda c: c.fraction)
    if question.type == "short":
        return {"text": best.text}
    if question.type == "numeric":
        return {"number": str(best.value if best.value is not None else best.min_value)}
    if question.type == "ordering":
        return {f"position-{token(attempt_id, c)}": str(int(c.value)) for c in choices}
    return {f"match-{c.pk}": token(attempt_id, c) for c in choices}

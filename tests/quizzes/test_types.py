"""The question-type registry, the ordering type, and the one definition of "missed"."""

import re
from pathlib import Path

import pytest
from django.template.loader import get_template
from django.test import Client
from django.urls import reverse

from stressed.content.errors import Problems
from stressed.content.questions import ChoiceData, QuestionData
from stressed.content.quizzes import check_question, parse_quiz_file
from stressed.core import marks
from stressed.quizzes import types
from stressed.quizzes.gift import gift_export, parse_gift
from stressed.quizzes.grading import IncompleteAnswer, MalformedAnswer, grade, option_token
from stressed.quizzes.models import Attempt, Choice, Question, Quiz, Response
from stressed.quizzes.statistics import quiz_statistics
from stressed.quizzes.types.ordering import pairs_in_order
from tests.quiz_helpers import add_ordering_question, right_answer, start, token

ROOT = Path(__file__).resolve().parents[2]
TYPES_DIR = ROOT / "stressed" / "quizzes" / "types"


# The registry ------------------------------------------------------------------------------


def test_every_question_type_is_registered_and_has_a_card_template():
    assert set(types.names()) == set(Question.Type.values)
    for name in types.names():
        kind = types.get(name)
        assert kind.name == name
        assert kind.label == Question.Type(name).label
        assert get_template(kind.template)  # raises if the template is missing
        assert (TYPES_DIR / f"{name}.py").exists(), name  # one module per type


def test_no_caller_branches_on_a_type_name():
    """Callers go through the registry: no `type == "single"` outside quizzes/types/. (The
    item-writing linter, content/lint.py, is below the quizzes app in the layers; its rules
    are about writing options and name the option types they apply to.)"""
    offenders = []
    for path in (ROOT / "stressed").rglob("*.py"):
        if TYPES_DIR in path.parents or "migrations" in path.parts or path.name == "lint.py":
            continue
        text = path.read_text(encoding="utf-8")
        for name in types.names():
            # `.type == "single"` or `kind in ("single", …)`, not `qtype == …` (a format's own
            # names, as in Moodle XML).
            pattern = rf'\b(type|kind) (==|in \() ?"{name}"'
            if re.search(pattern, text):
                offenders.append(f"{path.relative_to(ROOT)}: {name}")
    templates = ROOT / "templates" / "quizzes"
    for path in templates.glob("*.html"):
        if "question.type ==" in path.read_text(encoding="utf-8"):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_unknown_type_is_refused():
    problems = check_question(QuestionData(type="essay", prompt="Why?"))
    assert any("unknown question type 'essay'" in p for p in problems)
    assert "ordering" in problems[0]


@pytest.mark.django_db
@pytest.mark.parametrize("name", [n for n in types.names() if n != "ordering"])
def test_gift_round_trip_per_type(name, quiz):
    """Export a question of each GIFT-expressible type, read it back: same type and answers."""
    from stressed.quizzes.writer import answer_signature

    source = quiz.questions.get(type=name)
    text, warnings = gift_export(quiz)
    assert warnings == []
    result = parse_gift(text)
    (back,) = [q for q in result.questions if q.key == source.key]
    assert back.type == name
    assert answer_signature(back.type, back.choices) == answer_signature(
        source.type, source.choices.all()
    )


# Ordering ----------------------------------------------------------------------------------


def steps(n):
    return [ChoiceData(text=f"Step {i}", fraction=1.0, value=float(i)) for i in range(1, n + 1)]


def test_ordering_validation():
    kind = types.get("ordering")
    assert kind.validate(QuestionData("ordering", "Order", choices=steps(4))) == []
    assert kind.validate(QuestionData("ordering", "Order", choices=steps(1)))
    gap = steps(3)
    gap[2].value = 5.0
    assert any(
        "places must be" in m for m in kind.validate(QuestionData("ordering", "O", choices=gap))
    )


def test_ordering_credit_is_for_adjacent_pairs_in_order():
    class Step:
        def __init__(self, pk):
            self.pk = pk

    a, b, c, d, e = (Step(i) for i in range(5))
    right = [a, b, c, d, e]
    assert pairs_in_order(right, right) == 4
    assert pairs_in_order([e, d, c, b, a], right) == 0
    assert pairs_in_order([e, a, b, c, d], right) == 3  # one step moved: one pair lost


@pytest.mark.django_db
def test_ordering_grading(quiz):
    question = add_ordering_question(quiz)
    choices = list(question.choices.all())
    seed = "seed"

    def post(order):
        return {
            f"position-{option_token(seed, c.pk)}": [str(place)]
            for place, c in zip(order, choices, strict=True)
        }

    right = grade(question, choices, post([1, 2, 3, 4]), seed)
    assert right.verdict == "correct" and right.fraction == 1
    assert right.answer == {"order": [c.pk for c in choices]}
    swapped = grade(question, choices, post([2, 1, 3, 4]), seed)  # L-DOPA, Tyrosine, ...
    assert swapped.fraction == pytest.approx(1 / 3)  # only Dopamine → Norepinephrine
    assert swapped.verdict == "partly correct"
    reversed_ = grade(question, choices, post([4, 3, 2, 1]), seed)
    assert reversed_.fraction == 0 and reversed_.verdict == "incorrect"
    with pytest.raises(IncompleteAnswer):
        grade(question, choices, post([1, 1, 3, 4]), seed)
    blank = post([1, 2, 3, 4])
    blank[next(iter(blank))] = [""]
    with pytest.raises(IncompleteAnswer):
        grade(question, choices, blank, seed)
    with pytest.raises(MalformedAnswer):
        grade(question, choices, post([1, 2, 3, 9]), seed)
    with pytest.raises(MalformedAnswer):
        grade(question, choices, {**post([1, 2, 3, 4]), "position-forged": ["1"]}, seed)


@pytest.mark.django_db
def test_ordering_answer_with_htmx(client, quiz):
    question = add_ordering_question(quiz)
    attempt_id = start(client, quiz)
    page = client.get(reverse("attempt", args=[attempt_id])).content.decode()
    card = page.split(f'id="q-{question.pk}"')[1].split("</section>")[0]
    assert card.count("<select") == 4 and "Give each step its place" in card
    for choice in question.choices.all():
        assert f'name="position-{token(attempt_id, choice)}"' in card
        assert f"position-{choice.pk}" not in card  # ids would reveal the authored order
    tyrosine, dopa = question.choices.order_by("value")[:2]
    data = right_answer(attempt_id, question)  # then L-DOPA first, tyrosine second
    data[f"position-{token(attempt_id, tyrosine)}"] = "2"
    data[f"position-{token(attempt_id, dopa)}"] = "1"
    response = client.post(
        reverse("answer", args=[attempt_id, question.pk]), data, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert "Partly correct" in html
    assert "Right answer: Tyrosine → L-DOPA → Dopamine → Norepinephrine" in html
    assert "Your order:" in html


@pytest.mark.django_db
def test_ordering_without_javascript(client, quiz):
    question = add_ordering_question(quiz)
    attempt_id = start(client, quiz)
    url = reverse("answer", args=[attempt_id, question.pk])
    incomplete = client.post(url, {})
    assert incomplete.status_code == 422 and "Give every step a place." in incomplete.text
    response = client.post(url, right_answer(attempt_id, question))
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    card = page.split(f'id="q-{question.pk}"')[1].split("</section>")[0]
    assert "<strong>Correct</strong>" in card
    assert Response.objects.get(question=question).fraction == 1


@pytest.mark.django_db
def test_ordering_is_skipped_in_gift_export_with_a_warning(quiz):
    add_ordering_question(quiz)
    text, warnings = gift_export(quiz)
    (warning,) = warnings
    assert warning.startswith("skipped ordering question '") and "GIFT has no ordering" in warning
    assert "Tyrosine" not in text
    assert f"// {warnings[0]}" in text
    assert len(parse_gift(text).questions) == 6  # the rest still reads back


@pytest.mark.django_db
def test_ordering_statistics(client, quiz):
    question = add_ordering_question(quiz)
    for order in ([1, 2, 3, 4], [2, 1, 3, 4]):
        client.cookies.clear()
        attempt_id = start(client, quiz)
        choices = list(question.choices.all())
        data = {
            f"position-{token(attempt_id, c)}": str(place)
            for place, c in zip(order, choices, strict=True)
        }
        client.post(reverse("answer", args=[attempt_id, question.pk]), data)
        client.post(reverse("attempt-finish", args=[attempt_id]))
    stats = quiz_statistics(quiz)
    (row,) = [q for q in stats.questions if q.question.pk == question.pk]
    assert row.kind == "steps" and row.answered == 2
    assert [r.count for r in row.rows] == [1, 1, 2, 2]  # Tyrosine, L-DOPA twice swapped once
    assert row.rows[0].note == "most common wrong place: 2"
    assert row.facility == pytest.approx(100 * (1 + 1 / 3) / 2)


def test_ordering_from_a_content_file(tmp_path):
    path = tmp_path / "q.yaml"
    path.write_text(
        "slug: q\ntitle: Q\nquestions:\n"
        "  - key: order-it\n    type: ordering\n    prompt: Order them.\n"
        "    explanation: Because.\n    steps: [First, Second, Third]\n",
        encoding="utf-8",
    )
    problems = Problems()
    parsed = parse_quiz_file(path, problems)
    assert not problems
    (question,) = parsed.questions
    assert [(c.text, c.value) for c in question.choices] == [
        ("First", 1.0),
        ("Second", 2.0),
        ("Third", 3.0),
    ]
    path.write_text(
        "slug: q\ntitle: Q\nquestions:\n"
        "  - key: order-it\n    type: ordering\n    prompt: Order them.\n"
        "    explanation: Because.\n    steps: [Only]\n    choices: []\n",
        encoding="utf-8",
    )
    problems = Problems()
    parse_quiz_file(path, problems)
    text = str(problems)
    assert "'steps' needs at least 2 item(s)" in text and "choices" in text


def test_the_curriculum_has_ordering_questions():
    for name, key in (
        ("norepinephrine-synthesis-and-receptors", "synthesis-order"),
        ("blood-pressure-and-fainting", "baroreflex-order"),
    ):
        problems = Problems()
        parsed = parse_quiz_file(ROOT / "content" / "quizzes" / f"{name}.yaml", problems)
        assert not problems
        (question,) = [q for q in parsed.questions if q.key == key]
        assert question.type == "ordering" and len(question.choices) >= 5
        assert question.review and question.explanation


# One definition of "missed" ----------------------------------------------------------------


def test_marks_one_tolerance():
    total = 0.06 + 0.86 + 0.08
    assert total < 1  # 0.9999999999999999
    assert marks.is_right(total) and not marks.is_missed(total)
    assert marks.verdict(total) == "correct"
    assert marks.credit(total) == 1.0
    assert marks.is_missed(None) and marks.is_missed(0.5)
    assert marks.verdict(0.5) == "partly correct" and marks.verdict(0) == "incorrect"


@pytest.fixture
def weights_quiz(make_lesson):
    lesson = make_lesson("weights-lesson")
    quiz = Quiz.objects.create(lesson=lesson, slug="weights", title="Weights", published=True)
    question = Question.objects.create(
        quiz=quiz, order=1, type="multiple", prompt="Pick the three.", review_anchor="first"
    )
    for order, fraction in enumerate((0.06, 0.86, 0.08, -1), start=1):
        Choice.objects.create(question=question, order=order, text=f"O{order}", fraction=fraction)
    return quiz, question


@pytest.mark.django_db
def test_weights_that_add_up_to_one_are_correct_and_not_missed(client, weights_quiz):
    quiz, question = weights_quiz
    attempt_id = start(client, quiz)
    # Stored as the database had them before: a sum a hair under 1.
    Response.objects.create(
        attempt_id=attempt_id,
        question=question,
        answer={"choices": [c.pk for c in question.choices.filter(fraction__gt=0)]},
        fraction=0.06 + 0.86 + 0.08,
    )
    page = client.get(reverse("attempt", args=[attempt_id])).content.decode()
    assert "<strong>Correct</strong>" in page
    client.post(reverse("attempt-finish", args=[attempt_id]))
    summary = client.get(reverse("attempt-summary", args=[attempt_id])).content.decode()
    assert "Practise what I missed" not in summary
    practise = client.post(reverse("attempt-practise", args=[attempt_id]))
    assert practise["Location"] == reverse("attempt-summary", args=[attempt_id])
    assert Attempt.objects.count() == 1  # no review attempt was made
    assert client.get(reverse("progress")).context["missed"] == 0
    assert client.get(reverse("review")).context["missed"] == 0
    client.post(reverse("review-missed"))
    assert Attempt.objects.count() == 1  # nothing to practise


@pytest.mark.django_db
def test_weights_graded_now_are_stored_as_a_full_mark(client, weights_quiz):
    quiz, question = weights_quiz
    attempt_id = start(client, quiz)
    data = {"choice": [token(attempt_id, c) for c in question.choices.filter(fraction__gt=0)]}
    response = client.post(
        reverse("answer", args=[attempt_id, question.pk]), data, HTTP_HX_REQUEST="true"
    )
    assert "<strong>Correct</strong>" in response.text
    assert Response.objects.get(attempt_id=attempt_id).fraction == 1.0


@pytest.mark.django_db
def test_ordering_statistics_page(client_as, quiz):
    add_ordering_question(quiz)
    page = client_as("instructor").get(reverse("quiz-statistics", args=[quiz.slug]))
    assert page.status_code == 200
    assert "Ordering" in page.text  # the type's label


@pytest.mark.django_db
def test_attempt_ownership_is_decided_in_one_place(client, quiz):
    """Another visitor's attempt is a 404; the owner sees it (quizzes.ownership)."""
    attempt_id = start(client, quiz)
    assert client.get(reverse("attempt", args=[attempt_id])).status_code == 200
    assert Client().get(reverse("attempt", args=[attempt_id])).status_code == 404

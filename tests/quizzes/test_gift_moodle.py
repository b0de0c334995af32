"""Everything Moodle's own GIFT importer accepts (issue 22), against a file written in the style
of Moodle's GIFT unit-test fixture: tests/quizzes/fixtures/moodle_style.gift."""

from pathlib import Path

import pytest

from stressed.content.errors import Problems
from stressed.content.questions import ChoiceData
from stressed.content.quizzes import parse_quiz_file
from stressed.quizzes import types
from stressed.quizzes.gift import export_gift, import_gift_into_quiz, parse_gift
from stressed.quizzes.grading import MalformedAnswer, grade, option_token
from tests.quiz_helpers import start, token

FIXTURE = Path(__file__).parent / "fixtures" / "moodle_style.gift"


def moodle_style():
    return parse_gift(FIXTURE.read_text(encoding="utf-8"), "moodle_style.gift")


def test_the_whole_moodle_style_file_is_read():
    result = moodle_style()
    assert [(q.type, q.title) for q in result.questions] == [
        ("matching", "Receptor effects"),
        ("single", "Q2"),
        ("multiple", "catecholamines"),
        ("numeric", "Q5"),
        ("short", "Shortanswer"),
        ("truefalse", "Q1"),
        ("truefalse", "Escapes : all of them"),
        ("truefalse", "2-08 TSL"),
    ]
    assert result.warnings[0] == (
        "skipped essay question 'Q8' at line 7: essays cannot be auto-graded"
    )


def test_matching_distractor_row_has_no_left_item():
    matching = moodle_style().questions[0]
    assert [(c.text, c.match_text) for c in matching.choices] == [
        ("Found on arteriolar smooth muscle.", "Vasoconstriction"),
        ("Raises heart rate and contractility.", "Faster, stronger heartbeat"),
        ("Relaxes bronchial smooth muscle.", "Bronchodilation"),
        ("Found on *fat* cells.", "Lipolysis"),
        ("", "Sweating"),
    ]


def test_short_answer_wildcard_is_a_catch_all_answer():
    short = moodle_style().questions[4]
    assert short.choices[-1] == ChoiceData("*", 0.0, "Completely wrong")


def test_numeric_other_answer_feedback_is_kept():
    numeric = moodle_style().questions[3]
    assert [(c.value, c.tolerance, c.fraction, c.feedback) for c in numeric.choices] == [
        (80.0, 20.0, 1.0, ""),
        (None, None, 0.0, "Completely wrong"),
    ]
    assert not any("any other answer" in w for w in moodle_style().warnings)


def test_each_question_keeps_the_category_in_force():
    categories = [q.category for q in moodle_style().questions]
    assert (
        categories
        == ["$course$/top/Stress response"] * 4 + ["$course$/top/Stress response/Enzymes"] * 4
    )


def test_escapes_are_read_and_written_as_moodle_writes_them(db):
    quiz, _result = import_gift_into_quiz(
        FIXTURE.read_text(encoding="utf-8"), title="Moodle style", slug="moodle-style"
    )
    escapes = quiz.questions.get(key="escapes-all-of-them")
    assert escapes.prompt.startswith("= at the start, then ~ # \\{braces\\} \\\\ and a  \nnew line")
    text = export_gift(quiz)
    # Moodle's repchar: \\ \# \= \~ \{ \} \: and \n, and nothing else (no HTML entities).
    assert "::Escapes \\: all of them::" in text
    assert "&\\#61;" not in text and "&#61;" not in text
    assert "[markdown]\\= at the start, then \\~ \\# \\\\\\{braces\\\\\\}" in text
    # Categories are written where they change, as Moodle's export does.
    assert "\n$CATEGORY: $course$/top/Stress response\n" in text
    assert "\n$CATEGORY: $course$/top/Stress response/Enzymes\n" in text


def test_moodle_style_file_round_trips(db):
    quiz, first = import_gift_into_quiz(
        FIXTURE.read_text(encoding="utf-8"), title="Moodle style", slug="moodle-style"
    )
    again = parse_gift(export_gift(quiz), "again.gift")
    assert [(q.key, q.type, q.prompt, q.category) for q in again.questions] == [
        (q.key, q.type, q.prompt, q.category) for q in first.questions
    ]
    assert [q.choices for q in again.questions] == [q.choices for q in first.questions]


# Grading and cards ---------------------------------------------------------------------------


@pytest.fixture
def imported(db):
    quiz, _result = import_gift_into_quiz(
        FIXTURE.read_text(encoding="utf-8"), title="Moodle style", slug="moodle-style"
    )
    quiz.published = True
    quiz.save()
    return quiz


def choices_of(quiz, key):
    question = quiz.questions.get(key=key)
    return question, list(question.choices.all())


def test_distractor_row_is_offered_in_every_drop_down_and_never_graded(imported):
    question, choices = choices_of(imported, "receptor-effects")
    *rows, distractor = choices
    seed = 5
    right = {f"match-{c.pk}": [option_token(seed, c.pk)] for c in rows}
    assert grade(question, choices, right, seed).fraction == 1
    # Picking the distractor's right-hand item is a wrong match, like any other.
    one_wrong = dict(right, **{f"match-{rows[0].pk}": [option_token(seed, distractor.pk)]})
    result = grade(question, choices, one_wrong, seed)
    assert result.fraction == pytest.approx(3 / 4)
    assert result.pair_results[0][1:] == ("Sweating", "Vasoconstriction", False)
    # Nothing is matched to the distractor itself: a field for it is forged.
    with pytest.raises(MalformedAnswer):
        grade(question, choices, dict(right, **{f"match-{distractor.pk}": ["x"]}), seed)
    assert types.of(question).correct_text(choices).count("→") == 4


def test_distractor_is_in_every_select_on_the_card(client, imported):
    question, choices = choices_of(imported, "receptor-effects")
    attempt = start(client, imported)
    page = client.get(f"/attempts/{attempt}/").content.decode()
    card = page[page.index("Match the") :]
    card = card[: card.index("</form>")]
    assert card.count("<select") == 4  # one per left item, none for the distractor
    assert card.count(">Sweating</option>") == 4


def test_short_answer_wildcard_catches_anything_else(imported):
    question, choices = choices_of(imported, "shortanswer")
    right = grade(question, choices, {"text": ["dopamine beta-hydroxylase"]}, 1)
    assert right.fraction == 1 and right.chosen[0].feedback == "Good!"
    half = grade(question, choices, {"text": ["hydroxylase"]}, 1)
    assert half.fraction == 0.5
    other = grade(question, choices, {"text": ["tyrosine"]}, 1)
    assert (other.fraction, other.chosen[0].feedback) == (0.0, "Completely wrong")
    assert types.of(question).correct_text(choices) == "dopamine beta-hydroxylase"


def test_numeric_other_answer_gives_its_feedback(imported):
    question, choices = choices_of(imported, "q5")
    assert grade(question, choices, {"number": ["75"]}, 1).fraction == 1
    other = grade(question, choices, {"number": ["150"]}, 1)
    assert (other.fraction, other.chosen[0].feedback) == (0.0, "Completely wrong")
    assert types.of(question).correct_text(choices) == "80 (± 20)"


def test_combined_feedback_is_shown_by_verdict(client, quiz):
    question = quiz.questions.get(order=2)
    question.correct_feedback = "All **right**."
    question.partial_feedback = "Partly right."
    question.incorrect_feedback = "Not right."
    question.save()
    dopa, ne, ach = question.choices.all()
    attempt = start(client, quiz)
    url = f"/attempts/{attempt}/questions/{question.pk}/"
    page = client.post(url, {"choice": [token(attempt, dopa)]}, follow=True).content.decode()
    assert '<div class="combined-feedback"><p>Partly right.</p></div>' in page
    assert "All <strong>right</strong>" not in page and "Not right." not in page


def test_content_files_write_distractors_and_catch_alls_too(tmp_path):
    path = tmp_path / "quiz.yaml"
    path.write_text(
        """slug: q
title: Q
questions:
  - key: pairs
    type: matching
    prompt: Match.
    explanation: Why.
    pairs:
      - {left: α1, right: Vasoconstriction}
      - {left: β1, right: Faster heartbeat}
      - {right: Sweating}
  - key: number
    type: numeric
    prompt: How many?
    explanation: Why.
    answers:
      - {value: 80, tolerance: 5}
      - {fraction: 0, feedback: Far off.}
  - key: name
    type: short
    prompt: Name it.
    explanation: Why.
    answers:
      - {text: norepinephrine}
      - {text: "*", fraction: 0, feedback: Not that.}
""",
        encoding="utf-8",
    )
    problems = Problems()
    quiz = parse_quiz_file(path, problems)
    assert list(problems) == []
    pairs, number, name = quiz.questions
    assert (pairs.choices[-1].text, pairs.choices[-1].match_text) == ("", "Sweating")
    assert number.choices[-1].value is None and number.choices[-1].feedback == "Far off."
    assert name.choices[-1].text == "*"

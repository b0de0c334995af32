import pytest

from stressed.quizzes.grading import IncompleteAnswer, MalformedAnswer, grade, option_token


def q(quiz, order):
    question = quiz.questions.get(order=order)
    return question, list(question.choices.all())


def data(seed, *choices, **extra):
    result = {"choice": [option_token(seed, c.pk) for c in choices]}
    result.update({k: [v] for k, v in extra.items()})
    return result


def test_single_choice(quiz):
    question, choices = q(quiz, 1)
    assert grade(question, choices, data(7, choices[0]), 7).fraction == 1
    result = grade(question, choices, data(7, choices[1]), 7)
    assert result.fraction == 0 and result.chosen == [choices[1]] and result.verdict == "incorrect"


def test_multiple_select_partial_credit_with_floor(quiz):
    question, (dopa, ne, ach) = q(quiz, 2)
    assert grade(question, [dopa, ne, ach], data(1, dopa, ne), 1).fraction == 1
    assert grade(question, [dopa, ne, ach], data(1, dopa), 1).fraction == 0.5
    assert grade(question, [dopa, ne, ach], data(1, dopa, ach), 1).fraction == 0
    assert grade(question, [dopa, ne, ach], data(1, ach), 1).fraction == 0  # floored, not -0.5
    assert grade(question, [dopa, ne, ach], data(1, dopa, ne, ach), 1).verdict == "partly correct"


def test_true_false(quiz):
    question, (true, false) = q(quiz, 3)
    assert grade(question, [true, false], data(1, false), 1).fraction == 1
    assert (
        grade(question, [true, false], data(1, true), 1).chosen[0].feedback
        == "The baroreflex slows it."
    )


@pytest.mark.parametrize(
    ("typed", "fraction"),
    [
        ("dopamine beta-hydroxylase", 1),
        ("  Dopamine   BETA-hydroxylase ", 1),
        ("dopamine β-hydroxylase", 1),
        ("dbh", 1),
        ("HYDROXYLASE", 0.5),
        ("tyrosine hydroxylase", 0),
    ],
)
def test_short_answer_ignores_case_and_whitespace(quiz, typed, fraction):
    question, choices = q(quiz, 4)
    assert grade(question, choices, {"text": [typed]}, 1).fraction == fraction


@pytest.mark.parametrize(
    ("typed", "fraction"),
    [("80", 1), ("81,5", 1), ("78", 1), ("77", 0.5), ("60", 0.5), ("59.9", 0), ("-80", 0)],
)
def test_numeric_tolerance_and_range(quiz, typed, fraction):
    question, choices = q(quiz, 5)
    assert grade(question, choices, {"number": [typed]}, 1).fraction == fraction


def test_matching_scores_each_pair(quiz):
    question, (a1, b1, b3) = q(quiz, 6)
    seed = 3
    right = {f"match-{c.pk}": [option_token(seed, c.pk)] for c in (a1, b1, b3)}
    assert grade(question, [a1, b1, b3], right, seed).fraction == 1
    swapped = dict(
        right,
        **{
            f"match-{a1.pk}": [option_token(seed, b1.pk)],
            f"match-{b1.pk}": [option_token(seed, a1.pk)],
        },
    )
    assert grade(question, [a1, b1, b3], swapped, seed).fraction == pytest.approx(1 / 3)


def test_honest_mistakes_are_incomplete_not_malformed(quiz):
    for order, post in [
        (1, {}),
        (2, {}),
        (4, {"text": ["  "]}),
        (5, {"number": ["eighty"]}),
        (6, {}),
    ]:
        question, choices = q(quiz, order)
        with pytest.raises(IncompleteAnswer):
            grade(question, choices, post, 1)


def test_forged_answers_are_malformed(quiz):
    question, choices = q(quiz, 1)
    other, other_choices = q(quiz, 2)
    with pytest.raises(MalformedAnswer):  # an option of another question
        grade(question, choices, data(1, other_choices[0]), 1)
    with pytest.raises(MalformedAnswer):  # a token from another attempt
        grade(question, choices, data(2, choices[0]), 1)
    with pytest.raises(MalformedAnswer):  # two options on a single-choice question
        grade(question, choices, data(1, choices[0], choices[1]), 1)
    with pytest.raises(MalformedAnswer):
        grade(question, choices, {"choice": ["1 OR 1=1"]}, 1)
    match_q, match_choices = q(quiz, 6)
    forged = {f"match-{c.pk}": [option_token(1, c.pk)] for c in match_choices}
    forged[f"match-{choices[0].pk}"] = [option_token(1, match_choices[0].pk)]
    with pytest.raises(MalformedAnswer):
        grade(match_q, match_choices, forged, 1)

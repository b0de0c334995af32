"""Item-writing rules (stressed/content/lint.py): each rule on a small question, and where the
linter runs: the loader, `load_content --check`, the admin and the GIFT import report."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from stressed.content.errors import ContentError
from stressed.content.lint import bank_figures, lint_question, lint_quiz
from stressed.content.loader import load_content
from stressed.content.quizzes import ChoiceData, QuestionData, QuizData
from stressed.quizzes.gift import parse_gift
from stressed.quizzes.models import Question
from tests.content.test_loader import QUIZ, write_tree
from tests.quizzes.test_admin import question_form


def option(text, fraction=0.0, tag="a-myth"):
    return ChoiceData(text=text, fraction=fraction, misconception="" if fraction > 0 else tag)


def single(*choices, prompt="Which receptor constricts skin arterioles?", review="first"):
    return QuestionData(type="single", prompt=prompt, review=review, choices=list(choices))


def multiple(*choices, prompt="Select all that apply."):
    return QuestionData(type="multiple", prompt=prompt, review="first", choices=list(choices))


def truefalse(prompt, answer):
    return QuestionData(
        type="truefalse",
        prompt=prompt,
        review="first",
        choices=[
            ChoiceData("True", 1.0 if answer else 0.0),
            ChoiceData("False", 0.0 if answer else 1.0),
        ],
    )


def rules(question, sections=None):
    return {(f.level, f.rule) for f in lint_question(question, sections)}


GOOD = single(option("α1", 1), option("β2"), option("M3"))


def test_a_well_written_item_has_no_findings():
    assert lint_question(GOOD, {"first"}) == []


# Errors ------------------------------------------------------------------------------------


def test_review_anchor_must_be_a_heading_of_the_lesson():
    question = single(option("α1", 1), option("β2"), review="no-such-heading")
    findings = lint_question(question, {"first", "second"}, "quiz-lesson")
    assert [(f.level, f.rule) for f in findings] == [("error", "anchor")]
    assert findings[0].message == (
        "review anchor 'no-such-heading' is not a heading id in lesson 'quiz-lesson'"
    )
    assert rules(question) == set()  # no lesson given: the caller checks anchors itself


def test_duplicate_options():
    question = single(option("α1", 1), option("β2"), option("**β2**"))
    findings = [f for f in lint_question(question) if f.rule == "duplicate-option"]
    assert len(findings) == 1 and findings[0].is_error
    assert "options 2 and 3" in findings[0].message


def test_ticking_every_option_of_a_multiple_select_item_must_score_zero():
    lenient = multiple(option("A", 0.5), option("B", 0.5), option("C", -0.5))
    findings = [f for f in lint_question(lenient) if f.rule == "select-all"]
    assert findings and findings[0].is_error and "scores 50%" in findings[0].message
    strict = multiple(option("A", 0.5), option("B", 0.5), option("C", -1))
    assert ("error", "select-all") not in rules(strict)


@pytest.mark.parametrize(
    ("prompt", "right", "options", "bad"),
    [
        ("Which two of these raise heart rate?", 2, 4, False),
        ("Which two of these raise heart rate?", 3, 4, True),
        ("Select three effects of NE.", 2, 4, True),
        ("Which of these four claims are supported?", 2, 4, False),
        ("Which of these four claims are supported?", 2, 5, True),
        ("Three of the statements below are true. Which?", 3, 5, False),
        ("Three of these are true. Pick them.", 2, 5, True),
        ("The SAM and HPA are the two arms of the response. Which act in seconds?", 1, 4, False),
    ],
)
def test_a_count_in_the_stem_must_match_the_options(prompt, right, options, bad):
    weight = 1 / right
    choices = [option(f"Option {i}", weight if i < right else -1) for i in range(options)]
    found = ("error", "stem-count") in rules(multiple(*choices, prompt=prompt))
    assert found == bad


def test_a_stated_count_on_a_single_choice_item():
    question = single(option("A", 1), option("B"), option("C"), prompt="Which two are right?")
    assert ("error", "stem-count") in rules(question)
    partial = single(option("A", 1), option("B", 0.5), prompt="Pick one.")
    assert ("error", "stem-count") not in rules(partial)


# Warnings ----------------------------------------------------------------------------------


def test_a_right_option_much_longer_than_the_wrong_ones():
    question = single(
        option("α1 receptors on vascular smooth muscle, through Gq", 1),
        option("β2 receptors"),
        option("M3 receptors"),
    )
    findings = [f for f in lint_question(question) if f.rule == "long-right"]
    assert findings and findings[0].level == "warning"
    # At 1.29× it is not flagged; at 1.3× it is.
    assert ("warning", "long-right") not in rules(
        single(option("x" * 129, 1), option("y" * 100), option("z" * 100))
    )
    assert ("warning", "long-right") in rules(
        single(option("x" * 130, 1), option("y" * 100), option("z" * 100))
    )


def test_overclaim_cue_words_only_in_false_statements():
    questions = [
        truefalse("Massage always lowers cortisol.", False),
        truefalse("NE never acts on β receptors.", False),
        truefalse("The vagus never carries sympathetic fibres.", True),
        truefalse("Cortisol peaks within minutes.", False),
    ]
    found = {
        q.prompt: sorted(f.message.split("'")[1] for f in findings if f.rule == "cue-word")
        for q, findings in lint_quiz(questions)
    }
    assert found == {
        "Massage always lowers cortisol.": ["always"],
        "NE never acts on β receptors.": [],  # "never" is also in a true statement
        "The vagus never carries sympathetic fibres.": [],
        "Cortisol peaks within minutes.": [],
    }
    assert all(f.level == "warning" for _, findings in lint_quiz(questions) for f in findings)


def test_right_option_always_first_in_a_quiz():
    right_first = [single(option("α1", 1), option("β2"), option("M3")) for _ in range(3)]
    varied = [*right_first[:2], single(option("β2"), option("α1", 1), option("M3"))]

    def flagged(questions):
        return [any(f.rule == "right-first" for f in found) for _, found in lint_quiz(questions)]

    assert flagged(right_first) == [True, True, True]
    assert flagged(varied) == [False, False, False]
    assert flagged(right_first[:2]) == [False, False]  # too few items to call it a pattern


@pytest.mark.parametrize("text", ["All of the above", "None of the above", "none of the above."])
def test_all_or_none_of_the_above(text):
    question = single(option("α1", 1), option("β2"), option(text))
    assert ("warning", "all-none-above") in rules(question)


def test_a_wrong_option_without_a_misconception_tag():
    question = single(option("α1", 1), option("β2", tag=""), option("M3", tag=""))
    findings = [f for f in lint_question(question) if f.rule == "untagged-wrong"]
    assert [f.message for f in findings] == ["wrong options 2, 3 have no misconception tag"]
    assert ("warning", "untagged-wrong") not in rules(GOOD)


def test_bank_figures():
    quiz = QuizData(
        path="q.yaml",
        source_hash="",
        slug="q",
        title="Q",
        questions=[
            GOOD,
            single(option("a much longer right option", 1), option("short"), option("tiny")),
            single(option("β2", tag=""), option("α1", 1)),
            truefalse("A true statement.", True),
            truefalse("A false statement.", False),
            truefalse("Another false one.", False),
        ],
    )
    figures = bank_figures([quiz])
    assert figures == {
        "single": 3,
        "right_longest": 1,
        "truefalse": 3,
        "truefalse_true": 1,
        "wrong_options": 5,
        "tagged_wrong": 4,
        "warnings": 2,  # long-right, untagged-wrong
    }


# Where the linter runs ---------------------------------------------------------------------

BAD_QUIZ = QUIZ.replace(
    "      - {text: Wrong, fraction: 0, feedback: No., misconception: a-myth}",
    "      - {text: Wrong, fraction: 0, feedback: No., misconception: a-myth}\n"
    "      - {text: wrong, fraction: 0, feedback: Again., misconception: a-myth}",
)


def test_loader_fails_on_lint_errors_with_path_and_line(tmp_path, db):
    root = write_tree(tmp_path / "content", quiz=BAD_QUIZ)
    with pytest.raises(ContentError) as caught:
        load_content(root)
    assert [str(p) for p in caught.value.problems] == [
        "content/quizzes/test-lesson.yaml:6: options 2 and 3 say the same thing ('wrong')"
    ]


def test_check_content_prints_the_bank_figures(tmp_path, db, capsys):
    untagged = QUIZ.replace(", misconception: a-myth", "")
    root = write_tree(tmp_path / "content", quiz=untagged)
    call_command("load_content", root=str(root), check=True, verbosity=2)
    out = capsys.readouterr().out
    assert "right option longest: 0% of 1 single-choice items (0)" in out
    assert "true/false share true: 100% of 1 true/false items (1)" in out
    assert "tagged wrong options: 0 of 1" in out
    assert "item-writing warnings: 1" in out
    assert (
        "content/quizzes/test-lesson.yaml:6: warning: wrong option 2 has no misconception tag"
        in out
    )


def test_admin_refuses_a_review_anchor_that_is_not_a_heading(client_as, quiz):
    client = client_as("instructor")
    before = Question.objects.count()
    data = question_form(quiz, "single", [{"text": "A", "fraction": 1}, {"text": "B"}])
    data["review_anchor"] = "no-such-heading"
    response = client.post(reverse("admin:quizzes_question_add"), data)
    html = response.content.decode()
    assert response.status_code == 200 and Question.objects.count() == before
    assert "Review anchor &#x27;no-such-heading&#x27; is not a heading id in lesson" in html
    assert "Its heading ids are: first, second." in html


def test_admin_refuses_lint_errors_and_shows_warnings_above_the_form(client_as, quiz):
    client = client_as("instructor")
    duplicate = question_form(quiz, "single", [{"text": "A", "fraction": 1}, {"text": "a"}])
    response = client.post(reverse("admin:quizzes_question_add"), duplicate)
    assert response.status_code == 200
    assert "Options 1 and 2 say the same thing" in response.content.decode()
    lenient = question_form(
        quiz,
        "multiple",
        [{"text": "A", "fraction": 0.5}, {"text": "B", "fraction": 0.5}, {"text": "C"}],
    )
    response = client.post(reverse("admin:quizzes_question_add"), lenient)
    assert "Ticking every option scores 100%" in response.content.decode()
    # Warnings do not block saving; they are shown above the form, then and on every visit.
    untagged = question_form(quiz, "single", [{"text": "A", "fraction": 1}, {"text": "B"}])
    response = client.post(reverse("admin:quizzes_question_add"), untagged, follow=True)
    assert "Item-writing warning: wrong option 2 has no misconception tag." in (
        response.content.decode()
    )
    question = Question.objects.get(quiz=quiz, order=9)
    response = client.get(reverse("admin:quizzes_question_change", args=[question.pk]))
    html = response.content.decode()
    assert "Item-writing warning: wrong option 2 has no misconception tag." in html
    assert html.index("Item-writing warning") < html.index('id="question_form"')


def test_gift_import_report_lists_item_writing_findings():
    result = parse_gift(
        "::Dup::Which? {=α1 ~β2 ~β2}\n\n::Lenient::Pick {~%50%A ~%50%B ~C}\n\n"
        "::TF::NE always raises heart rate. {FALSE}"
    )
    report = "\n".join(result.warnings)
    assert 'question "Dup": item-writing error (fix it before publishing): options 2 and 3' in (
        report
    )
    assert 'question "Lenient": item-writing error (fix it before publishing): ticking' in report
    assert "question \"TF\": item-writing warning: 'always' appears only in false" in report

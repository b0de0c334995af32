"""GIFT parser, exporter, import and the two management commands."""

import math

import pytest
from django.core.management import CommandError, call_command

from stressed.content.errors import ContentError
from stressed.content.quizzes import ChoiceData
from stressed.markdown import render
from stressed.quizzes import types
from stressed.quizzes.gift import (
    export_gift,
    gift_export,
    import_gift_into_quiz,
    parse_gift,
    plain_to_markdown,
)
from stressed.quizzes.models import Question, Quiz
from stressed.quizzes.writer import CHOICE_FIELDS


def one(text):
    result = parse_gift(text)
    assert len(result.questions) == 1, result
    return result.questions[0]


def problems_of(text, source="upload.gift"):
    with pytest.raises(ContentError) as error:
        parse_gift(text, source)
    return [str(p) for p in error.value.problems]


# Question types -------------------------------------------------------------------------


def test_single_choice_with_feedback():
    q = one(
        "::Receptors::Which receptor constricts skin vessels?{=α1#Yes, Gq. ~β2#It dilates. ~M3}"
    )
    assert (q.type, q.title, q.prompt) == (
        "single",
        "Receptors",
        "Which receptor constricts skin vessels?",
    )
    assert q.choices == [
        ChoiceData("α1", 1.0, "Yes, Gq."),
        ChoiceData("β2", 0.0, "It dilates."),
        ChoiceData("M3", 0.0, ""),
    ]


def test_single_choice_may_give_partial_credit_to_other_options():
    q = one("Pick one {=right ~%50%half right ~%-25%costly}")
    assert q.type == "single"
    assert [c.fraction for c in q.choices] == [1.0, 0.5, -0.25]


def test_multiple_answers_with_negative_and_decimal_weights():
    q = one("""Which are catecholamines? {
~%33.33333%Dopamine
~%33.33333%Norepinephrine
~%33.33334%Epinephrine
~%-100%Acetylcholine#An ester.
}""")
    assert q.type == "multiple"
    assert [round(c.fraction, 7) for c in q.choices] == [0.3333333, 0.3333333, 0.3333334, -1.0]
    assert q.choices[3].feedback == "An ester."


@pytest.mark.parametrize(
    ("key", "answer"), [("T", True), ("TRUE", True), ("F", False), ("FALSE", False)]
)
def test_true_false_keys(key, answer):
    q = one(f"Norepinephrine is a catecholamine.{{{key}}}")
    assert q.type == "truefalse"
    assert [(c.text, c.fraction) for c in q.choices] == [
        ("True", 1.0 if answer else 0.0),
        ("False", 0.0 if answer else 1.0),
    ]


def test_true_false_feedback_goes_on_the_option_the_student_picks():
    # Moodle: {KEY#feedback for a wrong answer#feedback for a right answer}
    q = one(
        "IV NE speeds the heart.{FALSE#No: the baroreflex slows it.#Right: reflex bradycardia.}"
    )
    true, false = q.choices
    assert (true.fraction, true.feedback) == (0.0, "No: the baroreflex slows it.")
    assert (false.fraction, false.feedback) == (1.0, "Right: reflex bradycardia.")
    q = one("NE constricts skin vessels.{TRUE#Think of α1.#Yes.}")
    assert q.choices[0].feedback == "Yes." and q.choices[1].feedback == "Think of α1."
    q = one("Only right feedback.{T##Well done.}")
    assert [c.feedback for c in q.choices] == ["Well done.", ""]


def test_short_answer_with_weights_and_feedback():
    q = one(
        "Which transmitter is made from tyrosine first? {=dopamine =%50%DA#Spell it out. =L-DOPA}"
    )
    assert q.type == "short"
    assert [(c.text, c.fraction, c.feedback) for c in q.choices] == [
        ("dopamine", 1.0, ""),
        ("DA", 0.5, "Spell it out."),
        ("L-DOPA", 1.0, ""),
    ]


def test_equals_answers_without_tilde_are_a_short_answer_as_in_moodle():
    q = one("Two right answers? {=yes =sure}")
    assert q.type == "short" and [c.text for c in q.choices] == ["yes", "sure"]


def test_short_answer_text_is_kept_verbatim_not_escaped():
    q = one("Name it {=beta_2 *agonist*}")
    assert q.choices[0].text == "beta_2 *agonist*"


def test_numeric_value_and_tolerance():
    q = one("Pi to two places?{#3.14:0.01}")
    assert q.type == "numeric"
    (c,) = q.choices
    assert (c.value, c.tolerance, c.min_value, c.max_value, c.fraction) == (
        3.14,
        0.01,
        None,
        None,
        1.0,
    )


def test_numeric_range_and_exact_value():
    q = one("How many? {#1..5}")
    assert (q.choices[0].min_value, q.choices[0].max_value, q.choices[0].value) == (1.0, 5.0, None)
    q = one("Negative range {#-5..-1}")
    assert (q.choices[0].min_value, q.choices[0].max_value) == (-5.0, -1.0)
    q = one("Exactly? {#42}")
    assert (q.choices[0].value, q.choices[0].tolerance) == (42.0, None)


def test_numeric_several_graded_answers_and_other_answer_feedback():
    result = parse_gift(
        "::Grant::When was Grant born?{#\n=%100%1822:0#Exactly.\n=%50%1822:2#Close.\n~#Not near.\n}"
    )
    (q,) = result.questions
    # "~#..." is Moodle's "any other answer": no value, no credit, its feedback.
    assert [(c.value, c.tolerance, c.fraction, c.feedback) for c in q.choices] == [
        (1822.0, 0.0, 1.0, "Exactly."),
        (1822.0, 2.0, 0.5, "Close."),
        (None, None, 0.0, "Not near."),
    ]
    assert not any("any other answer" in w for w in result.warnings)


def test_matching_pairs():
    q = one(
        "Match receptor to effect.{=α1 -> Vasoconstriction =β1 -> Faster heart =β3 -> Lipolysis}"
    )
    assert q.type == "matching"
    assert [(c.text, c.match_text, c.fraction) for c in q.choices] == [
        ("α1", "Vasoconstriction", 1.0),
        ("β1", "Faster heart", 1.0),
        ("β3", "Lipolysis", 1.0),
    ]


def test_missing_word_puts_a_blank_where_the_answers_were():
    q = one("Grant is {~buried =entombed ~living} in Grant's tomb.")
    assert q.prompt == "Grant is _____ in Grant's tomb."
    assert render(q.prompt) == "<p>Grant is _____ in Grant's tomb.</p>"
    # Answers at the end of the text are not a missing word.
    assert one("Grant is entombed in {=Grant's tomb ~a pyramid}").prompt == "Grant is entombed in"


def test_general_feedback_becomes_the_explanation():
    q = one("Is NE a hormone?{TRUE####The adrenal medulla releases some into the blood.}")
    assert q.explanation == "The adrenal medulla releases some into the blood."
    q = one("Pick {=a#fa ~b#fb ####Because a.}")
    assert q.explanation == "Because a." and [c.feedback for c in q.choices] == ["fa", "fb"]


# Syntax -----------------------------------------------------------------------------------


def test_escapes_and_newline():
    q = one(r"::Esc\:aped::Is 1 \= 1 \~ \{set\} \#1?\nNew line.{=yes \= sure#ok\: fine ~no}")
    assert q.title == "Esc:aped"
    assert (
        q.prompt == "Is 1 = 1 ~ \\{set\\} #1?  \nNew line."
    )  # plain text: braces escaped for Markdown
    assert q.choices[0].text == "yes = sure" and q.choices[0].feedback == "ok: fine"


def test_escaped_backslash_is_literal():
    q = one(r"[markdown]A \\n is not a newline{=a ~b}")
    assert q.prompt == "A \\n is not a newline"


def test_comments_are_ignored():
    result = parse_gift("// a comment\n// another\n::Q::Text{=a ~b}\n\n// only comments\n")
    assert len(result.questions) == 1 and result.questions[0].line == 3


def test_comment_line_inside_a_question_is_ignored():
    q = one("::Q::Pick one {\n=a\n// not an option\n~b\n}")
    assert [c.text for c in q.choices] == ["a", "b"]


def test_each_question_keeps_the_category_in_force():
    result = parse_gift(
        "$CATEGORY: $course$/top/One\n\n::A::a{T}\n\n$CATEGORY: top/Two\n\n::B::b{F}"
    )
    assert [q.category for q in result.questions] == ["$course$/top/One", "top/Two"]
    assert result.categories == ["$course$/top/One", "top/Two"]


def test_questions_keep_their_start_lines():
    text = "// header\n\n::A::first{T}\n\n\n// review: x\n::B::second\non two lines{F}\n"
    a, b = parse_gift(text).questions
    assert (a.line, b.line) == (3, 7)
    assert b.prompt == "second  \non two lines"


def test_untitled_question_has_empty_title():
    assert one("No title here {T}").title == ""


def test_review_and_misconception_comments_are_read():
    q = one("// review: vessel-tone\n// misconception 2: beta2-constricts\n::Q::Which?{=α1 ~β2}")
    assert q.review == "vessel-tone"
    assert [c.misconception for c in q.choices] == ["", "beta2-constricts"]
    assert one("::Q::Imported from Moodle{T}").review == ""


# Text formats -----------------------------------------------------------------------------


def test_markdown_format_is_kept():
    q = one("[markdown]What does **NE** do?{=[markdown]*Constricts* ~Dilates#[markdown]`no`}")
    assert q.prompt == "What does **NE** do?"
    assert q.choices[0].text == "*Constricts*"
    assert q.choices[1].feedback == "`no`"


def test_question_format_is_the_default_for_its_answers():
    q = one("[markdown]Pick {=**bold** ~_it_#*fb*}")
    assert q.choices[0].text == "**bold**" and q.choices[1].feedback == "*fb*"


def test_html_format_is_kept_for_the_sanitizer():
    q = one("[html]<p>Which <b>one</b>?</p><script>x()</script>{=a ~b}")
    assert q.prompt == "<p>Which <b>one</b>?</p><script>x()</script>"
    html = render(q.prompt)
    assert "<b>one</b>" in html and "script" not in html


@pytest.mark.parametrize("tag", ["[plain]", "[moodle]", ""])
def test_plain_moodle_and_untagged_text_show_as_typed(tag):
    q = one(tag + r"2*3 = 6? Use <b> & [x](y), # not a heading\n- not a list{T}")
    html = render(q.prompt)
    assert "<em>" not in html and "<a " not in html and "<ul>" not in html and "<b>" not in html
    assert "2*3" in html and "&lt;b&gt;" in html and "[x](y)" in html and "<br>" in html


def test_plain_to_markdown_round_trips_through_the_renderer():
    import html as htmllib
    import re

    text = "a*b_c `d` [e](f) <g> & h | i {j}\n# k\n1. l\n> m\n+ n\n= o"
    rendered = render(plain_to_markdown(text))
    shown = htmllib.unescape(re.sub(r"<[^>]+>", "", rendered))
    assert [line.strip() for line in shown.split("\n")] == text.split("\n")


# Skipped items ----------------------------------------------------------------------------


def test_description_and_essay_are_skipped_with_a_warning():
    result = parse_gift("::Intro::Read this first.\n\n::Essay::Discuss stress.{}\n\n::Q::Real?{T}")
    assert [q.title for q in result.questions] == ["Q"]
    assert "skipped description 'Intro' at line 1: it has no answer to grade" in result.warnings
    assert (
        "skipped essay question 'Essay' at line 3: essays cannot be auto-graded" in result.warnings
    )


def test_essay_with_general_feedback_only_is_still_an_essay():
    result = parse_gift("Discuss.{####Model answer.}")
    assert result.questions == [] and "essay" in result.warnings[0]


def test_lowercase_true_is_a_short_answer_with_a_warning():
    result = parse_gift("::Q::Is it?{true}")
    assert result.questions[0].type == "short"
    assert "capitals" in result.warnings[0]


# Bad files --------------------------------------------------------------------------------


def test_unclosed_brace_reports_its_line():
    problems = problems_of("::Good::fine{T}\n\n::Broken::Which\none? {=a\n~b")
    assert problems == [
        r'upload.gift:4: question "Broken": the answer block { is never closed with } '
        r"(write a literal brace as \{)"
    ]


def test_single_choice_with_two_right_answers_names_the_title():
    problems = problems_of("::A::ok{T}\n\n::Receptors::Which?{=a =b ~c}")
    assert problems == [
        'upload.gift:3: question "Receptors": a single-choice question needs exactly one option '
        "with fraction 1"
    ]


def test_choice_question_with_no_right_answer():
    (problem,) = problems_of("::None right::Which?{~a ~b ~c}")
    assert problem.startswith('upload.gift:1: question "None right": no option is marked right')


def test_matching_with_one_pair():
    (problem,) = problems_of("\n::Pairs::Match.{=a -> b}")
    assert (
        problem == 'upload.gift:2: question "Pairs": a matching question needs at least two pairs'
    )


def test_matching_pair_without_arrow_reports_the_pair_line():
    (problem,) = problems_of("::M::Match.{\n=a -> b\n=c d\n=e -> f\n}")
    assert (
        problem == "upload.gift:3: question \"M\": matching pair 2 needs the form 'left -> right'"
    )


def test_numeric_garbage_and_negative_tolerance():
    problems = problems_of("::N1::How many?{#\n=12:1\n=abc:1\n}\n\n::N2::Tolerance?{#5:-1}")
    assert problems == [
        "upload.gift:3: question \"N1\": 'abc' is not a number",
        'upload.gift:6: question "N2": a numeric tolerance cannot be negative',
    ]


def test_bad_weight_and_range():
    problems = problems_of("::W::x{~%fifty%a =b}\n\n::R::y{#5..1}")
    assert problems == [
        'upload.gift:1: question "W": the weight %fifty% is not a percentage like %50% or '
        "%-33.333%",
        'upload.gift:3: question "R": a numeric range needs min ≤ max',
    ]


def test_stray_and_repeated_braces():
    problems = problems_of("::A::a } b {T}\n\n::B::x{T} and {F}")
    assert problems == [
        r'upload.gift:1: question "A": found } before any { (write a literal brace as \})',
        r'upload.gift:3: question "B": a question has one {...} answer block; write literal braces '
        r"as \{ and \}",
    ]


def test_every_problem_is_reported_with_the_source_name():
    problems = problems_of(
        "::A::x{=a =b ~c}\n\n::B::y{#z}\n\nno title {~a ~b}", source="week1.gift"
    )
    assert [p.split(":")[1] for p in problems] == ["1", "3", "5"]
    assert all(p.startswith("week1.gift:") for p in problems)
    assert problems[2].startswith("week1.gift:5: question: ")


def test_bad_misconception_comment():
    (problem,) = problems_of("// misconception 3: tag\n::Q::Which?{=a ~b}")
    assert (
        problem
        == 'upload.gift:1: question "Q": misconception for option 3, but there are 2 options'
    )


# Export and round trip --------------------------------------------------------------------


def expected(question):
    """The fields a GIFT round trip keeps, from the model."""
    return {
        "type": question.type,
        "title": question.title or f"Q{question.order}",  # export names untitled questions
        "prompt": question.prompt,
        "explanation": question.explanation,
        "review": question.review_anchor,
        "choices": [exact_fields(c) for c in question.choices.all()],
        "fractions": [c.fraction for c in question.choices.all()],
    }


def exact_fields(choice):
    """Every stored choice field but the fraction, which is compared to 1e-6 separately."""
    return tuple(getattr(choice, name) for name in CHOICE_FIELDS if name != "fraction")


def parsed(data):
    return {
        "type": data.type,
        "title": data.title,
        "prompt": data.prompt,
        "explanation": data.explanation,
        "review": data.review,
        "choices": [exact_fields(c) for c in data.choices],
        "fractions": [c.fraction for c in data.choices],
    }


def assert_round_trip(quiz):
    text, warnings = gift_export(quiz)
    result = parse_gift(text, f"{quiz.slug}.gift")
    assert result.category == f"stressed/{quiz.slug}"
    # Every question GIFT can express comes back; the others are left out with a warning.
    models = [
        q
        for q in quiz.questions.all()
        if types.of(q).gift_block(q, list(q.choices.all()), "") is not None
    ]
    skipped = quiz.questions.count() - len(models)
    assert len(warnings) == skipped
    assert len(result.questions) == len(models)
    for model, data in zip(models, result.questions, strict=True):
        want, got = expected(model), parsed(data)
        want_fractions, got_fractions = want.pop("fractions"), got.pop("fractions")
        assert got == want, model
        assert all(
            math.isclose(a, b, abs_tol=1e-6)
            for a, b in zip(want_fractions, got_fractions, strict=True)
        )


def test_round_trip_of_every_type(quiz):
    Question.objects.filter(quiz=quiz, order=1).update(title="Receptors: α1 {vs} β2 #1")
    q = quiz.questions.get(order=2)
    q.explanation = (
        "Weights: 1/3 each = ~33%.\n\nA *second* paragraph with `code` and a\\backslash."
    )
    q.save()
    choices = list(q.choices.all())
    for choice, fraction in zip(choices, (1 / 3, 2 / 3, -1 / 3), strict=True):
        choice.fraction = fraction
        choice.save()
    # Text that starts with "%" must not be read back as a weight.
    q = quiz.questions.get(order=1)
    q.choices.filter(order=2).update(text="%50% of them", feedback="Half: 50%.")
    quiz.questions.get(order=4).choices.filter(order=2).update(text="%hydroxylase%")
    assert_round_trip(quiz)


def test_export_is_moodle_shaped(quiz):
    text = export_gift(quiz)
    assert text.startswith("// Test quiz\n")
    assert "\n$CATEGORY: stressed/test-quiz\n\n" in text
    assert (
        "// review: first\n// misconception 2: beta2-constricts\n::Q1::[markdown]Which receptor"
        in text
    )
    assert "\t=α1#Yes, Gq.\n\t~β2#β2 dilates.\n" in text
    assert "\t~%50%Dopamine#Yes.\n" in text and "\t~%-50%Acetylcholine#No, an ester.\n" in text
    assert "{FALSE#The baroreflex slows it.#Right\\: reflex bradycardia.####Why 3.}" in text
    assert "\t=%50%hydroxylase#Which one?\n" in text
    assert "{#\n\t=80:2\n\t=%50%60..90#Close.\n\t####Why 5.\n}" in text
    assert "\t=α1 -> Vasoconstriction\n" in text


def test_round_trip_keeps_numeric_values_without_tolerance(quiz):
    question = quiz.questions.get(order=5)
    question.choices.filter(order=0).update(value=0.1 + 0.2, tolerance=None)
    assert_round_trip(quiz)


# Import into the database ------------------------------------------------------------------

GOOD = (
    "$CATEGORY: week1\n\n// review: first\n::One::Pick {=a ~b}\n\n::Two::Sure?{T}\n\n::E::Essay{}"
)


def test_import_creates_a_draft_quiz(make_lesson):
    lesson = make_lesson("quiz-lesson")
    quiz, result = import_gift_into_quiz(GOOD, title="Week 1", slug="week-1", lesson=lesson)
    quiz.refresh_from_db()
    assert (quiz.title, quiz.slug, quiz.published, quiz.lesson, quiz.edited_in_admin) == (
        "Week 1",
        "week-1",
        False,
        lesson,
        True,
    )
    assert [(q.order, q.type, q.title, q.review_anchor) for q in quiz.questions.all()] == [
        (1, "single", "One", "first"),
        (2, "truefalse", "Two", ""),
    ]
    assert [w for w in result.warnings if "item-writing" not in w] == [
        "skipped essay question 'E' at line 8: essays cannot be auto-graded"
    ]
    assert 'question "One": item-writing warning: wrong option 2 has no misconception tag' in (
        "\n".join(result.warnings)
    )


def test_import_warns_about_review_ids_not_in_the_lesson(make_lesson):
    lesson = make_lesson("quiz-lesson")
    _, result = import_gift_into_quiz(
        "// review: nowhere\n::Q::x{T}", title="T", slug="t", lesson=lesson
    )
    assert result.warnings == [
        "upload.gift:2: review id 'nowhere' is not a heading id in lesson 'quiz-lesson'"
    ]


def test_import_replaces_the_questions_of_an_existing_quiz(quiz):
    # The file's questions are matched by key (their titles); the quiz's unanswered questions,
    # with other keys, are replaced (answered ones would be retired; see test_integrity.py).
    import_gift_into_quiz(GOOD, quiz, source="x.gift")
    assert [(q.key, q.title) for q in quiz.questions.all()] == [("one", "One"), ("two", "Two")]
    quiz.refresh_from_db()
    assert quiz.published and quiz.edited_in_admin and quiz.title == "Test quiz"


@pytest.mark.django_db
def test_import_with_a_problem_stores_nothing():
    with pytest.raises(ContentError) as error:
        import_gift_into_quiz(GOOD + "\n\n::Bad::x{=a =b ~c}", title="T", slug="t")
    assert [p.line for p in error.value.problems] == [10]
    assert not Quiz.objects.exists() and not Question.objects.exists()


def test_import_refuses_a_taken_slug_or_an_empty_file(quiz):
    with pytest.raises(ContentError) as error:
        import_gift_into_quiz("// nothing\n", title="T", slug="test-quiz")
    messages = [p.message for p in error.value.problems]
    assert messages == [
        "no questions to import (descriptions and essays are skipped)",
        "a quiz with the slug 'test-quiz' already exists",
    ]


# Management commands ------------------------------------------------------------------------


def test_import_gift_command(tmp_path, make_lesson, capsys):
    make_lesson("quiz-lesson")
    path = tmp_path / "week1.gift"
    path.write_text(GOOD, encoding="utf-8")
    call_command("import_gift", str(path), "--slug", "week-1", "--lesson", "quiz-lesson")
    out = capsys.readouterr().out
    assert "skipped essay question 'E'" in out
    assert "Imported 2 question(s) into draft quiz 'Week 1' (week-1)" in out
    quiz = Quiz.objects.get(slug="week-1")
    assert quiz.lesson.slug == "quiz-lesson" and not quiz.published


def test_import_gift_command_lists_every_problem(tmp_path, db):
    path = tmp_path / "bad.gift"
    path.write_text("::A::x{=a =b ~c}\n\n::B::y{#nope}", encoding="utf-8")
    with pytest.raises(CommandError) as error:
        call_command("import_gift", str(path), "--slug", "bad")
    message = str(error.value)
    assert "2 problem(s); nothing was stored" in message
    assert (
        f'{path}:1: question "A"' in message
        and f"{path}:3: question \"B\": 'nope' is not a number" in message
    )
    assert not Quiz.objects.exists()


def test_import_gift_command_into_existing_quiz(tmp_path, quiz):
    path = tmp_path / "q.gift"
    path.write_text(GOOD, encoding="utf-8")
    call_command("import_gift", str(path), "--into", quiz.slug)
    assert quiz.questions.count() == 2


def test_import_gift_command_needs_a_slug_and_utf8(tmp_path, db):
    path = tmp_path / "latin1.gift"
    path.write_bytes("Caf\xe9?{T}".encode("latin-1"))
    with pytest.raises(CommandError, match="--slug"):
        call_command("import_gift", str(path))
    with pytest.raises(CommandError, match="not UTF-8"):
        call_command("import_gift", str(path), "--slug", "x")


def test_export_gift_command(tmp_path, quiz, capsys):
    call_command("export_gift", quiz.slug)
    assert capsys.readouterr().out == export_gift(quiz)
    target = tmp_path / "out.gift"
    call_command("export_gift", quiz.slug, "-o", str(target))
    assert target.read_text(encoding="utf-8") == export_gift(quiz)
    with pytest.raises(CommandError, match="no quiz"):
        call_command("export_gift", "missing")

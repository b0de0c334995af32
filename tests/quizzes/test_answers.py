"""The typed-answer matcher: a table of answers students type and the credit each earns."""

from types import SimpleNamespace

import pytest
from django.urls import reverse

from stressed.quizzes import answers
from stressed.quizzes.answers import NumberError, Synonyms, match_answer, parse_number
from stressed.quizzes.grading import IncompleteAnswer, correct_answer_text, grade
from stressed.quizzes.models import Choice, Question, Response
from tests.quiz_helpers import start


def listed(*pairs):
    return [SimpleNamespace(text=text, fraction=fraction) for text, fraction in pairs]


VAGUS = listed(("vagus nerve", 1), ("CN X", 1))
VAGUS_SHORT = listed(("vagus", 1), ("vagus nerve", 1))
BETA1 = listed(("β1", 1))
ALPHA2 = listed(("α2", 1))
CHROMAFFIN = listed(("chromaffin cell", 1))
NET = listed(("norepinephrine transporter", 1))
PVN = listed(("paraventricular nucleus", 1))
MEDULLA = listed(("adrenal medulla", 1), ("adrenal cortex", 0))
DBH = listed(("dopamine beta-hydroxylase", 1), ("DBH", 1), ("hydroxylase", 0.5))
CORTISOL = listed(("cortisol", 1), ("cortisol receptor", 0))
M2 = listed(("M2", 1))
SIXTY = listed(("60", 1), ("sixty", 1))

# What the glossary says (built as Terms in the database tests below): name, then aliases.
GLOSSARY = [
    ["Norepinephrine transporter", "NET", "noradrenaline transporter", "NE transporter",
     "noradrenaline reuptake transporter"],
    ["Serotonin transporter", "SERT", "5-HT transporter"],
    ["Vagus nerve", "vagus", "CN X", "cranial nerve X", "tenth cranial nerve"],
    ["Adrenal medulla"],
    ["Adrenal cortex"],
    ["Hypothermia"],
    ["Efferent"],
]  # fmt: skip
SYNONYMS = Synonyms(GLOSSARY)
SPELLING = "Accepted; the usual spelling is"

# (typed, listed answers, glossary?, credit, a note that must appear)
CASES = [
    # Brackets, case, articles, plurals, containment of the whole phrase.
    ("Vagus nerve (CN X)", VAGUS, False, 1, ""),
    ("vagus nerve", VAGUS, False, 1, ""),
    ("VAGUS NERVE", VAGUS, False, 1, ""),
    ("the vagus nerve", VAGUS, False, 1, ""),
    ("cn x", VAGUS, False, 1, ""),
    ("CN-X", VAGUS, False, 1, ""),
    ("the vagus", VAGUS_SHORT, False, 1, ""),
    ("the vagus", VAGUS, True, 1, ""),
    ("tenth cranial nerve", VAGUS, True, 1, ""),
    ("the vagus", VAGUS, False, 0, ""),
    ("right vagus nerve", VAGUS, False, 1, ""),
    ("vagus nerves", VAGUS, False, 1, ""),
    ("vagus nerve.", VAGUS, False, 1, ""),
    ("not the vagus", VAGUS_SHORT, False, 0, ""),
    ("not the vagus nerve", VAGUS, False, 0, ""),
    ("it isn't the vagus nerve", VAGUS, False, 0, ""),
    ("no vagus nerve", VAGUS, False, 0, ""),
    ("vagus or phrenic nerve", VAGUS, False, 0, ""),
    ("phrenic/vagus nerve", VAGUS, False, 0, ""),
    ("phrenic, vagus nerve", VAGUS, False, 0, ""),
    ("supraoptic and paraventricular nucleus", PVN, False, 0, ""),
    ("glossopharyngeal nerve", VAGUS, False, 0, ""),
    ("vagus nerve stimulation", VAGUS, False, 0, ""),
    ("vagus nerv", VAGUS, False, 1, SPELLING + " vagus nerve"),
    ("vagas nerve", VAGUS, False, 1, SPELLING),
    # Greek letters and the Latin letters that stand for them.
    ("β1", BETA1, False, 1, ""),
    ("β1 receptors", BETA1, False, 1, ""),
    ("B1", BETA1, False, 1, ""),
    ("b-1", BETA1, False, 1, ""),
    ("beta 1", BETA1, False, 1, ""),
    ("Beta-1 adrenoceptors", BETA1, False, 1, ""),
    ("β₁", BETA1, False, 1, ""),
    ("β2", BETA1, False, 0, ""),
    ("b2 receptors", BETA1, False, 0, ""),
    ("β1 and β2", BETA1, False, 0, ""),
    ("not β1", BETA1, False, 0, ""),
    ("α2 receptors", ALPHA2, False, 1, ""),
    ("a2", ALPHA2, False, 1, ""),
    ("alpha-2", ALPHA2, False, 1, ""),
    ("A2 adrenoceptor", ALPHA2, False, 1, ""),
    ("α1", ALPHA2, False, 0, ""),
    ("alpha 1", ALPHA2, False, 0, ""),
    # Plurals and spelling slips.
    ("chromaffin cells", CHROMAFFIN, False, 1, ""),
    ("Chromaffin cell", CHROMAFFIN, False, 1, ""),
    ("chromafin cells", CHROMAFFIN, False, 1, SPELLING + " chromaffin cell"),
    ("adrenal cells", CHROMAFFIN, False, 0, ""),
    ("norepinephrine transporter", NET, False, 1, ""),
    ("Norepinephrine transporters", NET, False, 1, ""),
    ("norepinephrin transporter", NET, False, 1, SPELLING + " norepinephrine transporter"),
    ("norepinephrin transportr", NET, False, 1, SPELLING),
    ("norepinfrin transporter", NET, False, 0, ""),  # three slips: too far
    # Glossary names and aliases stand for each other, only within one term.
    ("NE transporter", NET, True, 1, ""),
    ("noradrenaline reuptake transporter", NET, True, 1, ""),
    ("NET", NET, True, 1, ""),
    ("NE transporter", NET, False, 0, ""),
    ("serotonin transporter", NET, True, 0, ""),
    ("SERT", NET, True, 0, ""),
    ("transporter", NET, True, 0, ""),
    ("dopamine transporter", NET, True, 0, ""),
    ("not the norepinephrine transporter", NET, True, 0, ""),
    ("hypothalamic paraventricular nucleus", PVN, False, 1, ""),
    ("paraventricular nucleus (PVN)", PVN, False, 1, ""),
    ("paraventricular nuclei", PVN, False, 1, ""),
    ("supraoptic nucleus", PVN, False, 0, ""),
    # A listed wrong answer stays wrong, and wins over a containment match.
    ("adrenal medulla", MEDULLA, True, 1, ""),
    ("Adrenal Medulla.", MEDULLA, True, 1, ""),
    ("the adrenal medulla", MEDULLA, True, 1, ""),
    ("adrenal medula", MEDULLA, True, 1, SPELLING + " adrenal medulla"),
    ("adrenal cortex", MEDULLA, True, 0, ""),
    ("adrenal cortex", listed(("adrenal medulla", 1)), True, 0, ""),
    ("adrenal cortex cells", MEDULLA, True, 0, ""),
    ("adrenal medulla and cortex", MEDULLA, True, 0, ""),
    ("glucocorticoid cortisol receptor", CORTISOL, False, 0, ""),
    ("plasma cortisol", CORTISOL, False, 1, ""),
    # Partial credit only as listed: a vague answer inside a wrong one is not credit.
    ("dopamine β-hydroxylase", DBH, False, 1, ""),
    ("dopamine beta hydroxylase", DBH, False, 1, ""),
    ("dopamine betahydroxylase", DBH, False, 1, ""),
    ("dbh", DBH, False, 1, ""),
    ("Hydroxylase", DBH, False, 0.5, ""),
    ("tyrosine hydroxylase", DBH, False, 0, ""),
    # Slips never change a digit or flip a prefix, or make another glossary word.
    ("hypothermia", listed(("hyperthermia", 1)), True, 0, ""),
    ("hypothermia", listed(("hyperthermia", 1)), False, 0, ""),
    ("efferent", listed(("afferent", 1)), False, 0, ""),
    ("efferent nerve", listed(("afferent nerve", 1)), True, 0, ""),
    ("M2 receptors", M2, False, 1, ""),
    ("m2", M2, False, 1, ""),
    ("M3", M2, False, 0, ""),
    ("60 days", SIXTY, False, 1, ""),
    ("Sixty", SIXTY, False, 1, ""),
    ("600", SIXTY, False, 0, ""),
    ("   ", SIXTY, False, None, ""),
]


def test_the_table_is_big_enough():
    assert len(CASES) >= 60


@pytest.mark.parametrize(("typed", "answers_", "glossary", "credit", "note"), CASES)
def test_typed_answer_earns(typed, answers_, glossary, credit, note):
    found = match_answer(typed, answers_, SYNONYMS if glossary else None)
    if credit is None:
        assert found is None
        return
    assert (found.fraction if found else 0) == credit, found
    if note:
        assert note in found.note
    elif found:
        assert found.note == ""


def test_glossary_is_consulted_only_when_nothing_is_typed_as_listed():
    calls = []

    def synonyms():
        calls.append(1)
        return SYNONYMS

    assert match_answer("vagus nerve", VAGUS, synonyms).fraction == 1
    assert calls == []
    assert match_answer("the vagus", VAGUS, synonyms).fraction == 1
    assert calls == [1]


@pytest.mark.parametrize(
    ("typed", "prompt", "value"),
    [
        ("80%", "What percentage of patients had pain?", 80),
        ("80 %", "What percentage of patients had pain?", 80),
        ("80 percent", "What percentage of patients had pain?", 80),
        ("37 °C", "What is the core temperature?", 37),
        ("37C", "What is the core temperature in degrees Celsius?", 37),
        ("37 ℃", "What is the core temperature?", 37),
        ("2,5", "How many grams?", 2.5),
        (" 81,5 ", "What percentage?", 81.5),
        ("1 000", "How many cells?", 1000),
        ("−3", "What is the change?", -3),
        ("14 segments", "How many spinal segments is that?", 14),
        ("20 min", "Roughly how many minutes does it take?", 20),
        ("2 weeks", "At how many weeks after the start?", 2),
        ("30x", "The selectivity is X : 1. What is X?", 30),
        ("1.5e2", "Give a number.", 150),
    ],
)
def test_numbers_accept_the_unit_asked_for(typed, prompt, value):
    assert parse_number(typed, prompt) == pytest.approx(value)


@pytest.mark.parametrize(
    ("typed", "prompt", "message"),
    [
        ("eighty", "What percentage?", "Enter a number, the percentage, such as 25 or 25%."),
        ("80 kg", "What percentage?", "the percentage"),
        ("37 kg", "What is the core temperature?", "in °C"),
        ("14%", "How many spinal segments is that?", "Enter a number of segments"),
        ("12%", "Give a number.", "without %"),
        ("12 apples", "Give a number.", "Enter just the number"),
        ("inf", "Give a number.", "finite"),
        ("NaN", "Give a number.", "finite"),
        ("1e999", "Give a number.", "too large"),
        ("1,000", "Give a number.", "without the comma"),
        ("1.2.3", "Give a number.", "Enter just the number"),
    ],
)
def test_numbers_say_what_is_expected(typed, prompt, message):
    with pytest.raises(NumberError, match=message.replace("(", r"\(")):
        parse_number(typed, prompt)


# In the database: grading, the glossary memo, the "right answer" line and the view ----------


@pytest.fixture
def glossary(make_term):
    for names in GLOSSARY:
        make_term(
            slug=names[0].lower().replace(" ", "-"), name=names[0], aliases="\n".join(names[1:])
        )


@pytest.fixture
def net_question(quiz):
    question = Question.objects.create(
        quiz=quiz, order=7, type="short", prompt="Name the transporter.", review_anchor="first"
    )
    for order, (text, fraction, feedback) in enumerate(
        [
            ("norepinephrine transporter", 1, ""),
            ("NET", 1, ""),
            ("serotonin transporter", 0, "SERT clears serotonin."),
        ]
    ):
        Choice.objects.create(
            question=question, order=order, text=text, fraction=fraction, feedback=feedback
        )
    return question, list(question.choices.all())


def test_grading_uses_the_glossary_aliases(glossary, net_question):
    question, choices = net_question
    assert grade(question, choices, {"text": ["NE transporter"]}, 1).fraction == 1
    assert grade(question, choices, {"text": ["noradrenaline transporter"]}, 1).fraction == 1
    wrong = grade(question, choices, {"text": ["serotonin transporter"]}, 1)
    assert wrong.fraction == 0 and wrong.chosen[0].feedback == "SERT clears serotonin."
    slip = grade(question, choices, {"text": ["norepinephrin transporter"]}, 1)
    assert slip.fraction == 1 and slip.note.startswith(SPELLING)


def test_glossary_table_is_read_once_per_content_version(
    glossary, net_question, django_assert_num_queries
):
    question, choices = net_question
    answers.glossary_synonyms()  # warm, as after the first answer in a worker
    with django_assert_num_queries(0):
        for typed in ("NE transporter", "the NET", "SERT", "norepinephrin transporter"):
            grade(question, choices, {"text": [typed]}, 1)
    # Editing the glossary bumps the content version, so the next answer sees the edit.
    from stressed.glossary.models import Term

    term = Term.objects.get(name="Norepinephrine transporter")
    term.aliases += "\nnorepinephrine carrier"
    term.save()
    assert grade(question, choices, {"text": ["norepinephrine carrier"]}, 1).fraction == 1


def test_right_answer_line_shows_the_first_accepted_answer_only(quiz):
    question = quiz.questions.get(order=4)
    assert correct_answer_text(question, list(question.choices.all())) == (
        "dopamine beta-hydroxylase"
    )


def test_numeric_grading_accepts_percent_and_refuses_what_is_not_finite(quiz):
    question = quiz.questions.get(order=5)  # "What percentage …?", 80 ± 2
    choices = list(question.choices.all())
    assert grade(question, choices, {"number": ["80%"]}, 1).fraction == 1
    assert grade(question, choices, {"number": ["81,5 %"]}, 1).fraction == 1
    for typed in ("inf", "nan", "1e999", "80 kg"):
        with pytest.raises(IncompleteAnswer):
            grade(question, choices, {"number": [typed]}, 1)


def test_view_answers_a_bad_number_with_422_and_a_message(client, quiz):
    attempt_id = start(client, quiz)
    question = quiz.questions.get(order=5)
    url = reverse("answer", args=[attempt_id, question.pk])
    response = client.post(url, {"number": "1e999"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    assert "too large" in response.content.decode()
    response = client.post(url, {"number": "80 kg"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 422 and "25%" in response.content.decode()
    assert not Response.objects.exists()
    response = client.post(url, {"number": "80 %"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and Response.objects.get().fraction == 1


def test_spelling_note_is_shown_on_the_card(client, quiz):
    attempt_id = start(client, quiz)
    question = quiz.questions.get(order=4)
    response = client.post(
        reverse("answer", args=[attempt_id, question.pk]),
        {"text": "dopamine beta-hydroxilase"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "the usual spelling is dopamine beta-hydroxylase" in response.content.decode()

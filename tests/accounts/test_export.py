"""The student's data export reads without the database: each answer with the question's text
and the answer in words (ids kept beside them)."""

import json

from django.urls import reverse

from tests.quiz_helpers import start, token


def test_the_export_gives_questions_and_answers_as_text(client, quiz, make_user):
    client.force_login(make_user("reader"))
    attempt_id = start(client, quiz)
    single, short, matching = (quiz.questions.get(order=n) for n in (1, 4, 6))
    client.post(
        reverse("answer", args=[attempt_id, single.pk]),
        {"choice": token(attempt_id, single.choices.get(text="β2"))},
    )
    client.post(reverse("answer", args=[attempt_id, short.pk]), {"text": "DBH"})
    pairs = list(matching.choices.all())
    client.post(
        reverse("answer", args=[attempt_id, matching.pk]),
        {f"match-{left.pk}": token(attempt_id, pairs[0]) for left in pairs},
    )

    data = json.loads(client.get(reverse("account-export")).content)
    (attempt,) = data["quiz_attempts"]
    assert attempt["quiz_title"] == quiz.title
    by_question = {r["question"]: r for r in attempt["responses"]}
    assert by_question["Which receptor constricts skin vessels?"]["answer"] == "β2"
    assert by_question["Name the enzyme that makes NE from dopamine."]["answer"] == "DBH"
    matched = by_question["Match receptor to effect."]["answer"]
    assert matched == "α1 → Vasoconstriction; β1 → Vasoconstriction; β3 → Vasoconstriction"
    chosen = by_question["Which receptor constricts skin vessels?"]
    assert chosen["question_id"] == single.pk
    assert chosen["answer_ids"] == {"choices": [single.choices.get(text="β2").pk]}

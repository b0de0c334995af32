"""Export every quiz in content/ to Moodle XML and read it back: the same quiz, field by field.

In a module of its own because the curriculum stays loaded for the whole module."""

from stressed.quizzes.models import Quiz
from tests.quizzes.test_moodlexml import assert_round_trip


def test_round_trip_every_quiz_in_content(curriculum):
    quizzes = list(Quiz.objects.all())
    assert len(quizzes) == 14
    for quiz in quizzes:
        assert_round_trip(quiz)

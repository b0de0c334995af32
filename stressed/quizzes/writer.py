"""Write parsed questions (from content files or GIFT) onto a quiz.

Questions and options are updated in place by position, so their ids, and the students'
stored responses that point at them, survive a reload of an edited file.
"""

from stressed.quizzes.models import Choice, Question

CHOICE_FIELDS = (
    "text",
    "fraction",
    "feedback",
    "misconception",
    "match_text",
    "value",
    "tolerance",
    "min_value",
    "max_value",
)


def write_questions(quiz, questions):
    current = list(quiz.questions.all())
    for index, data in enumerate(questions):
        question = current[index] if index < len(current) else Question(quiz=quiz)
        question.order = index + 1
        question.type, question.title = data.type, data.title
        question.prompt, question.explanation = data.prompt, data.explanation
        question.review_anchor = data.review
        question.save()
        _write_choices(question, data.choices)
    for question in current[len(questions) :]:
        question.delete()


def _write_choices(question, choices):
    current = list(question.choices.all())
    for index, data in enumerate(choices):
        choice = current[index] if index < len(current) else Choice(question=question)
        choice.order = index + 1
        for name in CHOICE_FIELDS:
            setattr(choice, name, getattr(data, name))
        choice.save()
    for choice in current[len(choices) :]:
        choice.delete()

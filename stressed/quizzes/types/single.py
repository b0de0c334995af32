"""Single choice: one option earns the mark (others may earn part credit)."""

from stressed.core import marks
from stressed.quizzes.types.base import IncompleteAnswer, MalformedAnswer, Result
from stressed.quizzes.types.choices import OptionsType, exactly_one_right


class SingleChoice(OptionsType):
    name, label = "single", "Single choice"
    gift_priority = 20
    xml_reads = ("multichoice",)  # single or multiple, as <single> says

    def validate(self, q):
        errors = []
        if len(q.choices) < 2:
            errors.append("a single-choice question needs at least two options")
        if not exactly_one_right([c.fraction for c in q.choices]):
            errors.append("a single-choice question needs exactly one option with fraction 1")
        return errors

    def grade(self, question, answer):
        values = answer.getlist("choice")
        if not values:
            raise IncompleteAnswer("Choose an answer.")
        if len(values) > 1:
            raise MalformedAnswer("only one option may be chosen")
        (chosen_id,) = answer.ids(values)
        chosen = answer.by_id[chosen_id]
        return Result({"choices": [chosen_id]}, max(0.0, chosen.fraction), [chosen])

    def gift_matches(self, answers):
        return "~" in answers and "=" in answers

    def gift_mark(self, choice):
        if marks.same(choice.fraction, 1):
            return "="  # everything after "=" is text, so no weight is needed
        return super().gift_mark(choice)

"""Multiple select: the right options' weights add up to 1; wrong ones may be negative."""

from stressed.core import marks
from stressed.quizzes.types.base import IncompleteAnswer, Result
from stressed.quizzes.types.choices import OptionsType


class MultipleSelect(OptionsType):
    name, label = "multiple", "Multiple select"
    gift_priority = 21
    xml_single = False

    def validate(self, q):
        errors = []
        positive = sum(c.fraction for c in q.choices if c.fraction > 0)
        if len(q.choices) < 2:
            errors.append("a multiple-select question needs at least two options")
        if positive <= 0:
            errors.append("a multiple-select question needs at least one positive weight")
        elif abs(positive - 1) > 0.011:
            errors.append(f"positive weights must add up to 1 (they add up to {positive:g})")
        return errors

    def grade(self, question, answer):
        ids = answer.ids(answer.getlist("choice"))
        if not ids:
            raise IncompleteAnswer("Choose at least one option.")
        total = sum(answer.by_id[i].fraction for i in ids)
        chosen = [c for c in answer.choices if c.pk in ids]
        return Result({"choices": sorted(ids)}, marks.credit(min(1.0, total)), chosen)

    def correct_text(self, choices):
        return "; ".join(c.text for c in choices if c.fraction > 0)

    def gift_problem(self, message):
        if "positive weight" in message:
            return (
                "no option is marked right: mark the right option with =, or give "
                "the right options of a multiple-answer question weights like ~%50%"
            )
        return message

    def gift_matches(self, answers):
        return "~" in answers and "=" not in answers

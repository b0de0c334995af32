"""True or false: two options, True then False, one of them right."""

from stressed.content.questions import ChoiceData
from stressed.core import marks
from stressed.quizzes import giftsyntax as gs
from stressed.quizzes.types.single import SingleChoice


class TrueFalse(SingleChoice):
    name, label = "truefalse", "True or false"
    yaml_key = "answer"
    yaml_fields = frozenset({"feedback_true", "feedback_false"})
    shuffle = False  # True, then False
    gift_priority = 40
    xml_reads = ("truefalse",)
    xml_combined_feedback = False

    def validate(self, q):
        fractions = sorted(c.fraction for c in q.choices)
        if [c.text for c in q.choices] != ["True", "False"] or fractions != [0, 1]:
            return ["a true/false question needs two options, True then False, one with fraction 1"]
        return []

    def read_yaml(self, f, shown, problems):
        answer = f.boolean("answer")
        return [
            ChoiceData("True", 1.0 if answer else 0.0, f.text("feedback_true", required=False)),
            ChoiceData("False", 0.0 if answer else 1.0, f.text("feedback_false", required=False)),
        ]

    def gift_matches(self, answers):
        return answers.split("#", 1)[0].strip() in gs.TRUE_FALSE

    def gift_read(self, reader, answers, pos, fmt):
        key, *feedback = answers.split("#", 2)
        wrong, right = (gs.text(f, fmt)[1] for f in (feedback + ["", ""])[:2])
        is_true = gs.TRUE_FALSE[key.strip()]
        return [
            ChoiceData("True", 1.0 if is_true else 0.0, right if is_true else wrong),
            ChoiceData("False", 0.0 if is_true else 1.0, wrong if is_true else right),
        ]

    def gift_block(self, question, choices, general):
        """`{TRUE#feedback for a wrong answer#feedback for a right answer}` on one line."""
        by_text = {c.text: c for c in choices}
        is_true = marks.is_right(by_text["True"].fraction)
        right, wrong = (by_text["True"], by_text["False"])[:: 1 if is_true else -1]
        answer = "TRUE" if is_true else "FALSE"
        if wrong.feedback or right.feedback:
            answer += gs.feedback(wrong.feedback) or "#"
        answer += gs.feedback(right.feedback)
        return f"{{{answer}{general}}}"

    def xml_read(self, reader):
        """Answers 'true' and 'false' (older files: localised, True first, as Moodle reads)."""
        by_text, old_style = {}, False
        for index, answer in enumerate(reader.element.findall("answer")):
            text = reader.plain(answer)
            if text not in ("true", "false"):
                old_style, text = True, ("true" if index == 0 else "false")
            by_text[text] = answer
        if old_style:
            reader.warn(
                "the answers are not 'true' and 'false'; read as True first, as Moodle does"
            )
        if set(by_text) != {"true", "false"}:
            reader.fail("a true/false question needs a 'true' and a 'false' answer")
            return self.name, []
        is_true = marks.same(reader.fraction(by_text["true"]), 1)
        feedback = {
            text: reader.rich(reader.child(answer, "feedback"), f"feedback for {text.title()}")
            for text, answer in by_text.items()
        }
        return self.name, [
            ChoiceData("True", 1.0 if is_true else 0.0, feedback["true"]),
            ChoiceData("False", 0.0 if is_true else 1.0, feedback["false"]),
        ]

    def xml_write(self, writer, question, choices):
        out = "".join(writer.answer(c, c.text.lower(), fmt="moodle_auto_format") for c in choices)
        return "truefalse", out

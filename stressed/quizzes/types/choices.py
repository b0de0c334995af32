"""What single choice and multiple select share: options with weights, read from `choices:`
in a content file and from `~`/`=` answers in GIFT."""

from stressed.content.questions import ChoiceData
from stressed.core import marks
from stressed.quizzes import giftsyntax as gs
from stressed.quizzes.types.base import QuestionType


class OptionsType(QuestionType):
    def read_yaml(self, f, shown, problems):
        return [
            ChoiceData(
                text=c.text("text"),
                fraction=c.number("fraction") or 0.0,
                feedback=c.text("feedback", required=False),
                misconception=c.slug("misconception", required=False),
            )
            for c in self.items(
                f,
                "choices",
                shown,
                problems,
                "choice",
                {"text", "fraction", "feedback", "misconception"},
                min_items=2,
            )
        ]

    def gift_read(self, reader, answers, pos, fmt):
        choices = []
        for number, (at, piece) in enumerate(gs.pieces(answers, pos, "~=", keep="="), start=1):
            piece = piece.strip()
            if piece.startswith("="):
                fraction, piece = 1.0, piece[1:]
            else:
                fraction, piece = reader.weight(piece, at, 0.0)
            text, _, feedback = piece.partition("#")
            _, text = gs.text(text, fmt)
            if not text:
                reader.fail(at, f"option {number} has no text")
            choices.append(
                ChoiceData(text=text, fraction=fraction, feedback=gs.text(feedback, fmt)[1])
            )
        return choices

    def gift_mark(self, choice):
        return "~" + gs.weight(choice.fraction, choice.text, choice.fraction == 0)

    xml_combined_feedback = True
    xml_single = True  # Moodle's <single>: one answer may be chosen, or several

    def xml_read(self, reader):
        """Moodle's multichoice: single choice unless <single> says false."""
        single = reader.child(reader.element, "single")
        is_single = single is None or reader.own(single).lower() not in ("false", "0", "")
        choices = []
        for number, answer in enumerate(reader.element.findall("answer"), start=1):
            text = reader.rich(answer, f"option {number}")
            if not text.strip():
                reader.fail(f"option {number} has no text", answer.line)
            feedback = reader.rich(reader.child(answer, "feedback"), f"feedback of option {number}")
            choices.append(
                ChoiceData(
                    text=text,
                    fraction=reader.fraction(answer),
                    feedback=feedback,
                    misconception=reader.misconception(answer),
                )
            )
        reader.shuffle_note()
        return ("single" if is_single else "multiple"), choices

    def xml_write(self, writer, question, choices):
        out = f"    <single>{'true' if self.xml_single else 'false'}</single>\n"
        out += "    <shuffleanswers>true</shuffleanswers>\n"
        out += "    <answernumbering>abc</answernumbering>\n"
        out += "    <showstandardinstruction>0</showstandardinstruction>\n"
        out += writer.combined(question)
        out += "".join(writer.answer(c, c.text) for c in choices)
        return "multichoice", out

    def gift_lines(self, choices):
        for c in choices:
            yield f"{self.gift_mark(c)}{gs.escape(c.text)}{gs.feedback(c.feedback)}"


def exactly_one_right(fractions):
    return sum(1 for x in fractions if marks.same(x, 1)) == 1

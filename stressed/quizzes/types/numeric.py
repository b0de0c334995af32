"""Numeric: a typed number, right within a tolerance or a range.

An answer with neither a value nor a range is Moodle's "any other answer" (`*` in Moodle XML,
`~#feedback` in GIFT): it applies, with its credit and feedback, to a number no other answer
accepts."""

import math
import re

from stressed.content.questions import ChoiceData
from stressed.core import marks
from stressed.quizzes import answers as matcher
from stressed.quizzes import giftsyntax as gs
from stressed.quizzes.types.base import IncompleteAnswer, QuestionType, Result, typed_rows


def parse_number(raw, prompt=""):
    """A typed number, with the unit the prompt asks for or a percent sign allowed."""
    try:
        return matcher.parse_number(raw, prompt)
    except matcher.NumberError as error:
        raise IncompleteAnswer(str(error)) from None


def is_other(c):
    """Whether `c` is the "any other answer" catch-all."""
    return c.value is None and c.min_value is None and c.max_value is None and c.tolerance is None


def range_problem(c):
    if is_other(c):
        return ""
    if c.min_value is not None or c.max_value is not None:
        if c.min_value is None or c.max_value is None or c.min_value > c.max_value:
            return "a numeric range needs min ≤ max"
    elif c.value is None:
        return "a numeric answer needs a value or a min and max"
    elif c.tolerance is not None and c.tolerance < 0:
        return "a numeric tolerance cannot be negative"
    return ""


class Numeric(QuestionType):
    name, label = "numeric", "Numeric"
    yaml_key = "answers"
    statistics_kind = "answers"
    gift_priority = 10  # `{#` is tried first
    gift_opening = "{#"

    def validate(self, q):
        errors = [] if q.choices else ["a numeric question needs at least one answer"]
        errors += [message for c in q.choices if (message := range_problem(c))]
        if q.choices and not any(c.fraction > 0 and not is_other(c) for c in q.choices):
            errors.append("a numeric question needs an answer with positive credit")
        if sum(1 for c in q.choices if is_other(c)) > 1:
            errors.append("a numeric question has at most one 'any other answer'")
        return errors

    def read_yaml(self, f, shown, problems):
        allowed = {"value", "tolerance", "min", "max", "fraction", "feedback"}
        return [
            ChoiceData(
                fraction=c.number("fraction", default=1.0),
                feedback=c.text("feedback", required=False),
                value=c.number("value", required=False),
                tolerance=c.number("tolerance", required=False),
                min_value=c.number("min", required=False),
                max_value=c.number("max", required=False),
            )
            for c in self.items(f, "answers", shown, problems, "answer", allowed)
        ]

    def grade(self, question, answer):
        raw = answer.one("number")
        if not raw.strip():
            raise IncompleteAnswer("Enter a number.")
        number = parse_number(raw[:50], question.prompt)
        matches = [c for c in answer.choices if c.accepts_number(number)]
        best = max(matches, key=lambda c: c.fraction, default=None)
        if best is None:
            best = next((c for c in answer.choices if is_other(c)), None)
        return Result(
            {"number": number}, max(0.0, best.fraction) if best else 0.0, [best] if best else []
        )

    def form_data(self, stored, seed):
        return {"number": [repr(stored["number"])]} if "number" in stored else {}

    def correct_text(self, choices):
        parts = []
        for c in choices:
            if not marks.is_right(c.fraction) or is_other(c):
                continue
            if c.min_value is not None and c.max_value is not None:
                parts.append(f"between {c.min_value:g} and {c.max_value:g}")
            elif c.tolerance:
                parts.append(f"{c.value:g} (± {c.tolerance:g})")
            else:
                parts.append(f"{c.value:g}")
        return " or ".join(parts)

    def text_value(self, result, getlist):
        if result is not None:
            given = result.answer.get("number", "")
            return f"{given:g}" if isinstance(given, float) else str(given)
        return (getlist("number") or [""])[0]

    def gift_matches(self, answers):
        return answers.startswith("#")

    def gift_read(self, reader, answers, pos, fmt):
        answers, pos = answers[1:], pos + 1
        other = None
        if (tilde := answers.find("~")) != -1:
            # Moodle's "any other answer": everything after the first "~", feedback after "#".
            feedback = answers[tilde + 1 :].partition("#")[2]
            other = ChoiceData(fraction=0.0, feedback=gs.text(feedback, fmt)[1])
            answers = answers[:tilde]
        pieces = gs.pieces(answers, pos, "=")
        if not pieces:
            reader.fail(pos, "a numeric question needs at least one answer, like {#3.14:0.01}")
        choices = []
        for at, piece in pieces:
            fraction, piece = reader.weight(piece, at, 1.0)
            value, _, feedback = piece.partition("#")
            choice = ChoiceData(fraction=fraction, feedback=gs.text(feedback, fmt)[1])
            value = value.strip()
            if ".." in value[1:]:
                low, high = value.split("..", 1)
                choice.min_value, choice.max_value = reader.number(low, at), reader.number(high, at)
            elif ":" in value[1:]:
                number, tolerance = value.split(":", 1)
                choice.value = reader.number(number, at)
                choice.tolerance = reader.number(tolerance, at)
            else:
                choice.value = reader.number(value, at)
            choices.append(choice)
        return choices + ([other] if other else [])

    def gift_lines(self, choices):
        others = [c for c in choices if is_other(c)]
        for c in choices:
            if is_other(c):
                continue
            weight = gs.weight(c.fraction, "", marks.same(c.fraction, 1))
            if c.min_value is not None and c.max_value is not None:
                value = f"{gs.number(c.min_value)}..{gs.number(c.max_value)}"
            elif c.tolerance is None:
                value = gs.number(c.value)
            else:
                value = f"{gs.number(c.value)}:{gs.number(c.tolerance)}"
            yield f"={weight}{value}{gs.feedback(c.feedback)}"
        for c in others:  # GIFT reads everything after "~" as this, so it comes last
            yield f"~{gs.feedback(c.feedback) or '#'}"

    xml_reads = ("numerical",)

    def xml_read(self, reader):
        choices = []
        for number, answer in enumerate(reader.element.findall("answer"), start=1):
            raw = reader.plain(answer) or reader.own(answer)
            feedback = reader.rich(reader.child(answer, "feedback"), f"feedback of answer {number}")
            choice = ChoiceData(
                fraction=reader.fraction(answer),
                feedback=feedback,
                misconception=reader.misconception(answer),
            )
            if raw != "*":  # "*" is Moodle's "any other answer"
                choice.value = reader.number(raw, f"answer {number}", answer.line)
                tolerance = reader.child(answer, "tolerance")
                if tolerance is not None:
                    what = f"tolerance of answer {number}"
                    choice.tolerance = reader.number(
                        reader.own(tolerance) or "0", what, tolerance.line
                    )
                xml_range(reader, answer, choice)
            choices.append(choice)
        xml_units(reader)
        return self.name, choices

    def xml_write(self, writer, question, choices):
        out = ""
        for c in choices:
            comments, extra = [], ""
            if c.min_value is not None and c.max_value is not None:
                # Moodle has no range: the middle ± half the width, the range in a comment.
                text = writer.number((c.min_value + c.max_value) / 2)
                extra = writer.element("tolerance", writer.number((c.max_value - c.min_value) / 2))
                comments = [f"range: {writer.number(c.min_value)}..{writer.number(c.max_value)}"]
            elif is_other(c):
                text = "*"
            else:
                text = writer.number(c.value)
                if c.tolerance is not None:  # without it Moodle reads 0, and so do we None
                    extra = writer.element("tolerance", writer.number(c.tolerance))
            out += writer.answer(c, text, fmt="moodle_auto_format", extra=extra, comments=comments)
        out += "    <unitgradingtype>0</unitgradingtype>\n"
        out += "    <unitpenalty>0.1000000</unitpenalty>\n"
        out += "    <showunits>3</showunits>\n"
        out += "    <unitsleft>0</unitsleft>\n"
        return "numerical", out

    def statistics_rows(self, choices, responses):
        return typed_rows(responses, "number", lambda n: f"{n:g}")


def xml_range(reader, answer, choice):
    """Our export's `<!-- range: min..max -->`, used when it agrees with the answer."""
    for comment in answer.comments:
        match = re.fullmatch(r"range:\s*(\S+)\.\.(\S+)", comment)
        if not match or choice.value is None:
            continue
        try:
            low, high = float(match.group(1)), float(match.group(2))
        except ValueError:
            continue
        middle, half = (low + high) / 2, (high - low) / 2
        if math.isclose(middle, choice.value, abs_tol=1e-9) and math.isclose(
            half, choice.tolerance or 0, abs_tol=1e-9
        ):
            choice.value = choice.tolerance = None
            choice.min_value, choice.max_value = low, high


def xml_units(reader):
    """Moodle's units are not kept: the prompt names the unit a student may type."""
    units = reader.child(reader.element, "units")
    names = []
    for unit in units.findall("unit") if units is not None else []:
        name = reader.own(reader.child(unit, "unit_name"))
        multiplier = reader.own(reader.child(unit, "multiplier")) or "1"
        names.append(name if float_or(multiplier) == 1 else f"{name} (×{multiplier})")
    if names:
        reader.warn(
            f"units are not kept ({', '.join(names)}): a number may be typed with the unit "
            "the prompt names, so name the unit in the prompt"
        )


def float_or(text, default=None):
    try:
        return float(text)
    except ValueError:
        return default

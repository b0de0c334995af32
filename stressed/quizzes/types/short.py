"""Short answer: typed text, matched against the accepted answers by stressed.quizzes.answers
(spelling slips and the glossary's synonyms included).

An answer that is `*` alone is Moodle's wildcard: it matches whatever no other answer
matched, with its own credit and feedback (`=%0%*#Completely wrong` in GIFT). A `*` inside a
longer answer is read literally here (Moodle would read it as a wildcard too)."""

from stressed.content.questions import ChoiceData
from stressed.core import marks
from stressed.quizzes import answers as matcher
from stressed.quizzes import giftsyntax as gs
from stressed.quizzes.types.base import (
    MAX_TEXT,
    IncompleteAnswer,
    QuestionType,
    Result,
    normalize_text,
    typed_rows,
)

WILDCARD = "*"


class ShortAnswer(QuestionType):
    name, label = "short", "Short answer"
    yaml_key = "answers"
    statistics_kind = "answers"
    answer_fields = frozenset({"text", "fraction", "feedback"})
    gift_priority = 90  # anything no other type claims

    def validate(self, q):
        listed = [c for c in q.choices if c.text.strip() != WILDCARD]
        if not any(c.fraction > 0 and c.text.strip() for c in listed):
            return ["a short-answer question needs at least one accepted answer"]
        if len(listed) < len(q.choices) - 1:
            return ["a short-answer question has at most one * (any other answer)"]
        return []

    def read_yaml(self, f, shown, problems):
        return [
            ChoiceData(
                text=c.text("text"),
                fraction=c.number("fraction", default=1.0),
                feedback=c.text("feedback", required=False),
            )
            for c in self.items(f, "answers", shown, problems, "answer", self.answer_fields)
        ]

    def grade(self, question, answer):
        text = answer.one("text").strip()
        if not text:
            raise IncompleteAnswer("Type your answer.")
        if len(text) > MAX_TEXT:
            raise IncompleteAnswer(f"Keep the answer under {MAX_TEXT} characters.")
        # The glossary's synonyms are read only when no listed answer is typed as listed.
        listed = [c for c in answer.choices if c.text.strip() != WILDCARD]
        found = matcher.match_answer(text, listed, matcher.glossary_synonyms)
        if found is None:
            other = next((c for c in answer.choices if c.text.strip() == WILDCARD), None)
            if other is None:
                return Result({"text": text}, 0.0)
            return Result({"text": text}, marks.credit(other.fraction), [other])
        return Result({"text": text}, found.fraction, [found.answer], note=found.note)

    def form_data(self, stored, seed):
        return {"text": [stored["text"]]} if "text" in stored else {}

    def correct_text(self, choices):
        # The first accepted answer only: the variants a matcher accepts are not news.
        best = sorted(
            (c for c in choices if c.fraction > 0 and c.text.strip() != WILDCARD),
            key=lambda c: -c.fraction,
        )
        return best[0].text if best else ""

    def text_value(self, result, getlist):
        if result is not None:
            return str(result.answer.get("text", ""))
        return (getlist("text") or [""])[0]

    def gift_matches(self, answers):
        return True

    def gift_read(self, reader, answers, pos, fmt):
        choices = []
        for number, (at, piece) in enumerate(gs.pieces(answers, pos, "="), start=1):
            fraction, piece = reader.weight(piece, at, 1.0)
            text, _, feedback = piece.partition("#")
            text = gs.split_format(text, fmt)[1]  # a typed answer: compared, never rendered
            if not text:
                reader.fail(at, f"answer {number} is empty")
            choices.append(
                ChoiceData(text=text, fraction=fraction, feedback=gs.text(feedback, fmt)[1])
            )
        if len(choices) == 1 and choices[0].text.casefold() in ("t", "true", "f", "false"):
            reader.warn(
                "read as a short answer; true/false questions need {TRUE} or {FALSE} in capitals"
            )
        return choices

    def gift_lines(self, choices):
        for c in choices:
            weight = gs.weight(c.fraction, c.text, marks.same(c.fraction, 1))
            yield f"={weight}{gs.escape(c.text)}{gs.feedback(c.feedback)}"

    xml_reads = ("shortanswer",)

    def xml_read(self, reader):
        choices = []
        for number, answer in enumerate(reader.element.findall("answer"), start=1):
            text = reader.plain(answer)  # a typed answer: compared, never rendered
            if not text:
                reader.fail(f"answer {number} is empty", answer.line)
            feedback = reader.rich(reader.child(answer, "feedback"), f"feedback of answer {number}")
            choices.append(
                ChoiceData(
                    text=text,
                    fraction=reader.fraction(answer),
                    feedback=feedback,
                    misconception=reader.misconception(answer),
                )
            )
        return self.name, choices

    def xml_write(self, writer, question, choices):
        answers = "".join(writer.answer(c, c.text, fmt="moodle_auto_format") for c in choices)
        return "shortanswer", "    <usecase>0</usecase>\n" + answers

    def statistics_rows(self, choices, responses):
        return typed_rows(responses, "text", normalize_text)

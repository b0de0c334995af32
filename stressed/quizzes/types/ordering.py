"""Ordering: put the steps of a process in order (the synthesis of norepinephrine, the
baroreflex).

Each step is an option whose `value` is its place in the right order (1 = first), so a change
of order is a change of answers (writer.ANSWER_FIELDS) and versions an answered question.
Students give each step a place with a numbered <select>; that works with htmx and without
JavaScript alike, and the steps are shown in a stable per-attempt shuffle.

Credit is for adjacent pairs in order (Moodle's ordering question, "relative to the next
item"): of the n - 1 pairs of neighbours in the student's order, the share where the second
step really comes right after the first. Moving one step to the wrong end costs one or two
pairs, not every position after it; a fully reversed order earns 0.

GIFT has no ordering question: export skips it with a warning, and GIFT never reads as one.
"""

from collections import Counter

from stressed.content.questions import ChoiceData
from stressed.quizzes.types.base import (
    CardParts,
    IncompleteAnswer,
    MalformedAnswer,
    QuestionType,
    Result,
    Row,
    option_token,
    percent,
    shuffled,
)

FIELD = "position-"  # a step's field: "position-<option token>" = its place, 1..n


def right_order(choices):
    return sorted(choices, key=lambda c: (c.value if c.value is not None else 0, c.order))


def pairs_in_order(given, right):
    """How many neighbours in `given` are neighbours, in that order, in `right`."""
    successor = {a.pk: b.pk for a, b in zip(right, right[1:], strict=False)}
    return sum(1 for a, b in zip(given, given[1:], strict=False) if successor.get(a.pk) == b.pk)


class Ordering(QuestionType):
    name, label = "ordering", "Ordering"
    yaml_key = "steps"
    statistics_kind = "steps"

    def validate(self, q):
        errors = []
        if len(q.choices) < 2:
            errors.append("an ordering question needs at least two steps")
        if any(not c.text.strip() for c in q.choices):
            errors.append("every step of an ordering question needs text")
        places = sorted(c.value for c in q.choices if c.value is not None)
        if places != list(range(1, len(q.choices) + 1)):
            errors.append("the steps' places must be 1, 2, 3… with each place used once")
        return errors

    def read_yaml(self, f, shown, problems):
        """`steps:` lists the steps in the right order."""
        steps = f.text_list("steps", min_items=2)
        return [
            ChoiceData(text=text, fraction=1.0, value=float(place))
            for place, text in enumerate(steps, start=1)
        ]

    def grade(self, question, answer):
        steps = answer.choices
        by_place = {}
        for step in steps:
            raw = answer.one(FIELD + option_token(answer.seed, step.pk)).strip()
            if not raw:
                raise IncompleteAnswer("Give every step a place.")
            if not raw.isdigit() or not 1 <= int(raw) <= len(steps):
                raise MalformedAnswer("a place is not one of the numbers offered")
            by_place.setdefault(int(raw), []).append(step)
        if any(len(same) > 1 for same in by_place.values()):
            raise IncompleteAnswer("Give each step a different place.")
        tokens = {FIELD + option_token(answer.seed, step.pk) for step in steps}
        if any(k.startswith(FIELD) and k not in tokens for k in answer.fields()):
            raise MalformedAnswer("a step does not belong to this question")
        given = [by_place[place][0] for place in sorted(by_place)]
        right = right_order(steps)
        places = {step.pk: place for place, step in enumerate(right, start=1)}
        results = [
            (step, place, places[step.pk], places[step.pk] == place)
            for place, step in enumerate(given, start=1)
        ]
        fraction = pairs_in_order(given, right) / (len(steps) - 1)
        return Result({"order": [step.pk for step in given]}, fraction, [], results)

    def form_data(self, stored, seed):
        return {
            FIELD + option_token(seed, pk): [str(place)]
            for place, pk in enumerate(stored.get("order", []), start=1)
        }

    def correct_text(self, choices):
        return " → ".join(c.text for c in right_order(choices))

    def card_parts(self, question, choices, seed, result, getlist, option):
        given = {}
        if result is not None:
            given = {pk: str(p) for p, pk in enumerate(result.answer.get("order", []), start=1)}
        options = []
        for choice in shuffled(choices, f"{seed}:{question.pk}"):
            token = option_token(seed, choice.pk)
            selected = given.get(choice.pk) or (getlist(FIELD + token) or [""])[0]
            options.append(option(choice, token, False, selected))
        return CardParts(options, positions=[str(n) for n in range(1, len(choices) + 1)])

    def gift_block(self, question, choices, general):
        return None  # GIFT has no ordering question

    xml_reads = ("ordering",)  # Moodle's ordering question (qtype_ordering)
    xml_combined_feedback = True

    def xml_read(self, reader):
        """Steps in the file's order, which is the right order (Moodle ignores the fractions)."""
        choices = []
        for place, answer in enumerate(reader.element.findall("answer"), start=1):
            text = reader.rich(answer, f"step {place}")
            if not text.strip():
                reader.fail(f"step {place} has no text", answer.line)
            choices.append(ChoiceData(text=text, fraction=1.0, value=float(place)))
        grading = reader.own(reader.child(reader.element, "gradingtype")).upper()
        if grading and grading not in ("RELATIVE_NEXT_EXCLUDE_LAST", "RELATIVE"):
            reader.warn(
                "graded here by adjacent pairs in order (Moodle's RELATIVE_NEXT_EXCLUDE_LAST), "
                f"not {grading}"
            )
        return self.name, choices

    def xml_write(self, writer, question, choices):
        steps = right_order(choices)
        out = "    <layouttype>VERTICAL</layouttype>\n"
        out += "    <selecttype>ALL</selecttype>\n"
        out += f"    <selectcount>{len(steps)}</selectcount>\n"
        out += "    <gradingtype>RELATIVE_NEXT_EXCLUDE_LAST</gradingtype>\n"
        out += "    <showgrading>SHOW</showgrading>\n"
        out += writer.combined(question)
        for place, c in enumerate(steps, start=1):
            out += f'    <answer fraction="{place}" format="markdown">\n'
            out += writer.text(c.text, 3)
            out += "    </answer>\n"
        return "ordering", out

    def statistics_rows(self, choices, responses):
        """Per step, in the right order: how often it was put in its place, and the commonest
        wrong place."""
        right = right_order(choices)
        answers = [r.answer.get("order", []) for r in responses]
        rows = []
        for place, step in enumerate(right, start=1):
            given = [order.index(step.pk) + 1 for order in answers if step.pk in order]
            in_place = sum(1 for p in given if p == place)
            wrong = Counter(p for p in given if p != place)
            note = f"most common wrong place: {wrong.most_common(1)[0][0]}" if wrong else ""
            rows.append(
                Row(step.text_html, in_place, percent(in_place, len(answers)), 1.0, True, note)
            )
        return rows

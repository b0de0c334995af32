"""What every question type shares: the grading result, the two kinds of bad input, the
opaque option tokens, the stable shuffle, and `QuestionType`, the class each type's module
subclasses. A type's module owns everything that differs between types: validation, reading
content files and GIFT, grading, what its card shows, the right-answer text, GIFT export and
its rows in the statistics.

Two kinds of bad input are told apart: a forged or malformed answer (an option id from another
question, a non-numeric id) raises `MalformedAnswer` and becomes a 400; an honest mistake (no
option chosen, not a number) raises `IncompleteAnswer` and the card is shown again with a
message (422).
"""

import random
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from django.utils.crypto import salted_hmac

from stressed.content.fields import Fields
from stressed.content.questions import ChoiceData
from stressed.core import marks

MAX_TEXT = 200
TOKEN_SALT = "stressed.quizzes.option-token"
TOP_ANSWERS = 10  # statistics: the commonest typed answers shown


class MalformedAnswer(Exception):
    pass


class IncompleteAnswer(Exception):
    pass


@dataclass
class Result:
    answer: dict
    fraction: float
    chosen: list = field(default_factory=list)  # the choices whose feedback applies
    # matching: (left, given, right, correct); ordering: (step, given position, right position,
    # correct), in the order the student gave
    pair_results: list = field(default_factory=list)
    note: str = ""  # e.g. "Accepted; the usual spelling is …" for a typed answer

    @property
    def verdict(self):
        return marks.verdict(self.fraction)


def option_token(seed, choice_id):
    """The value an option carries in the form: opaque, so ids (often in authoring order,
    right answer first) say nothing about which option is right. Stable for one attempt;
    `seed` is the attempt's secret seed, so tokens cannot be computed from public ids."""
    return salted_hmac(TOKEN_SALT, f"{seed}:{choice_id}", algorithm="sha256").hexdigest()[:16]


def shuffled(items, seed):
    """A stable shuffle: the same attempt always shows the same order. `seed` includes the
    attempt's secret seed, so the order cannot be inverted to find the authored (right-first)
    order."""
    items = list(items)
    random.Random(seed).shuffle(items)
    return items


def normalize_text(text):
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(text.split())


class Answer:
    """The POSTed answer to one question: its data, and the question's options by id and by
    their tokens for this attempt."""

    def __init__(self, choices, data, seed):
        self.choices = list(choices)
        self.seed = seed
        self.data = data
        self.by_id = {c.pk: c for c in self.choices}
        self.by_token = {option_token(seed, c.pk): c.pk for c in self.choices}
        self.getlist = data.getlist if hasattr(data, "getlist") else (lambda k: data.get(k, []))

    def fields(self):
        """The names of the POSTed fields."""
        return list(self.data)

    def ids(self, values):
        """Option ids from tokens; a token not of this question, or sent twice, is forged."""
        if any(not isinstance(v, str) or v not in self.by_token for v in values):
            raise MalformedAnswer("an option does not belong to this question")
        ids = [self.by_token[v] for v in values]
        if len(set(ids)) != len(ids):
            raise MalformedAnswer("an option was sent twice")
        return ids

    def one(self, name):
        """The single value of `name` ("" if absent); two values are forged."""
        values = self.getlist(name)
        if len(values) > 1:
            raise MalformedAnswer("one answer only")
        return values[0] if values else ""


@dataclass
class Row:
    """One line of a distractor table in the statistics."""

    label: str
    count: int
    percent: float
    credit: float | None = None  # the fraction this option or answer earns
    html: bool = False  # label is sanitized HTML (rendered Markdown), not plain text
    note: str = ""


def percent(count, total):
    return 100 * count / total if total else 0.0


def option_rows(choices, responses):
    answers = [r.answer for r in responses]
    counts = Counter(i for answer in answers for i in answer.get("choices", []))
    return [
        Row(c.text_html, counts[c.pk], percent(counts[c.pk], len(answers)), c.fraction, html=True)
        for c in choices
    ]


def typed_rows(responses, key, show):
    counts, credit = Counter(), {}
    for response in responses:
        if key not in response.answer:
            continue
        value = show(response.answer[key])
        counts[value] += 1
        credit[value] = max(credit.get(value, 0.0), response.fraction)
    return [
        Row(value, n, percent(n, len(responses)), credit[value])
        for value, n in counts.most_common(TOP_ANSWERS)
    ]


@dataclass
class CardParts:
    """What a type's card template needs besides the question and the result."""

    options: list  # Option rows, in display order
    match_options: list = field(default_factory=list)  # matching: the right-hand items
    positions: list = field(default_factory=list)  # ordering: 1..n


class QuestionType:
    """One question type. Subclasses set `name` and `label` and override what differs."""

    name = ""
    label = ""
    yaml_key = "choices"  # the question's field in a content file that lists its answers
    yaml_fields = frozenset()  # other question fields the type reads
    shuffle = True  # options shown in a stable per-attempt random order
    statistics_kind = "options"  # "options", "answers" or "pairs": what the rows describe
    gift_priority = 100  # lower is tried first when reading GIFT (as Moodle tries them)

    @property
    def template(self):
        return f"quizzes/types/{self.name}.html"

    # Validation ------------------------------------------------------------------------------
    def validate(self, q):
        """Messages for what makes `q` (a QuestionData) ungradable; [] when it is fine."""
        return []

    # Content files ---------------------------------------------------------------------------
    def read_yaml(self, f, shown, problems):
        """The ChoiceData list from a question's fields `f` (stressed.content.fields.Fields)."""
        raise NotImplementedError

    @staticmethod
    def items(f, key, shown, problems, what, allowed, min_items=1):
        for item in f.list(key, min_items=min_items):
            c = Fields(item, shown, problems, what=what)
            c.unknown(allowed)
            yield c

    # Grading ---------------------------------------------------------------------------------
    def grade(self, question, answer):
        """A Result for `answer` (an Answer); raises MalformedAnswer or IncompleteAnswer."""
        raise NotImplementedError

    def form_data(self, stored, seed):
        """POST data that grades to the stored `answer` dict again."""
        return {"choice": [option_token(seed, i) for i in stored.get("choices", [])]}

    def correct_text(self, choices):
        """A plain description of the right answer, for feedback and summaries."""
        return "; ".join(c.text for c in choices if marks.is_right(c.fraction))

    # Cards -----------------------------------------------------------------------------------
    def card_parts(self, question, choices, seed, result, getlist, option):
        """Options in display order (built with `option(choice, token, chosen, selected)`)."""
        ordered = shuffled(choices, f"{seed}:{question.pk}") if self.shuffle else choices
        chosen = set(getlist("choice"))
        if result is not None:
            chosen |= {option_token(seed, i) for i in result.answer.get("choices", [])}
        options = []
        for choice in ordered:
            token = option_token(seed, choice.pk)
            options.append(option(choice, token, token in chosen, ""))
        return CardParts(options)

    def text_value(self, result, getlist):
        """The text box's value on the card (typed types only)."""
        return ""

    # GIFT ------------------------------------------------------------------------------------
    def gift_matches(self, answers):
        """Whether a GIFT answer block (stripped) is written as this type."""
        return False

    def gift_read(self, reader, answers, pos, fmt):
        """The ChoiceData list from a GIFT answer block; `reader` reports problems."""
        raise NotImplementedError

    def gift_problem(self, message):
        """A validation message reworded for someone who wrote GIFT."""
        return message

    def gift_block(self, question, choices, general):
        """The GIFT answer block (from "{" to "}"), or None when GIFT cannot express it."""
        lines = [self.gift_opening] + [f"\t{line}" for line in self.gift_lines(choices)]
        if general:
            lines.append(f"\t{general}")
        lines.append("}")
        return "\n".join(lines)

    gift_opening = "{"

    def gift_lines(self, choices):
        return []

    # Moodle XML (stressed.quizzes.moodlexml passes its reader and writer) --------------------
    xml_reads = ()  # the `<question type="…">` names of Moodle XML that this type reads
    xml_combined_feedback = False  # whether Moodle's question carries combined feedback

    def xml_read(self, reader):
        """(our type name, the ChoiceData list) from `reader.element`, a <question>."""
        raise NotImplementedError

    def xml_write(self, writer, question, choices):
        """(Moodle's type name, the elements after <idnumber>), or None when Moodle XML has no
        such question."""
        return None

    # Statistics ------------------------------------------------------------------------------
    def statistics_rows(self, choices, responses):
        return option_rows(choices, responses)


def choice_data(**kwargs):
    return ChoiceData(**kwargs)

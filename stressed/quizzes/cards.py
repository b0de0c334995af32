"""What a question card needs to render: the question, its type (whose template draws the
inputs and the given answer), its options in display order, and, once answered, the graded
result. Questions come from `stressed.quizzes.bank`."""

from dataclasses import dataclass, field

from stressed.quizzes import types
from stressed.quizzes.grading import correct_answer_text, regrade


@dataclass
class Option:
    choice: object
    token: str
    chosen: bool = False
    selected_match: str = ""  # matching: the right-hand item's token; ordering: the place


@dataclass
class Card:
    question: object
    number: int
    options: list
    match_options: list = field(default_factory=list)
    result: object = None
    error: str = ""
    correct_text: str = ""
    text_value: str = ""
    positions: list = field(default_factory=list)  # ordering: the places offered
    saved: bool = False  # answered, feedback withheld (stressed/quizzes/policy.py)
    note: str = ""  # then: when feedback will show

    @property
    def answered(self):
        return self.result is not None

    @property
    def anchor(self):
        return f"q-{self.question.pk}"

    @property
    def kind(self):
        """The question's type (stressed.quizzes.types): its `template` draws this card."""
        return types.of(self.question)


def build_card(question, number, seed, response=None, result=None, error="", submitted=None):
    """`seed` is the attempt's secret seed. The right answer shows only once answered."""
    choices = list(question.choices.all())
    if response is not None and result is None:
        result = regrade(question, choices, response.answer, seed)
        result.fraction = response.fraction
    submitted = submitted or {}
    getlist = submitted.getlist if hasattr(submitted, "getlist") else (lambda k: [])
    kind = types.of(question)
    parts = kind.card_parts(question, choices, seed, result, getlist, Option)
    card = Card(question, number, parts.options, parts.match_options, result, error)
    card.positions = parts.positions
    card.text_value = kind.text_value(result, getlist)
    if result is not None:
        card.correct_text = correct_answer_text(question, choices)
    return card


def build_cards(seed, questions, responses):
    by_question = {r.question_id: r for r in responses}
    return [
        build_card(q, number, seed, by_question.get(q.pk))
        for number, q in enumerate(questions, start=1)
    ]


@dataclass
class SavedResult:
    """What an answered card keeps while feedback is withheld: the answer as given, and
    nothing that tells right from wrong (no fraction, no verdict, no right answer)."""

    answer: dict
    chosen: list  # the options chosen, for their text
    pair_results: list  # (left or step, given, "", None): no right answer, no mark


def withhold_feedback(card, note=""):
    """The card as "Answer saved": the answer given, without any correctness."""
    if card.result is not None:
        result = card.result
        card.result = SavedResult(
            result.answer,
            list(result.chosen),
            [(first, given, "", None) for first, given, *_rest in result.pair_results],
        )
        card.correct_text = ""
        card.saved = True
        card.note = note
    return card

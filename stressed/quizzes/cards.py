"""What a question card needs to render: the question, its options in display order, and,
once answered, the graded result. Questions come from `stressed.quizzes.bank`."""

from dataclasses import dataclass, field

from stressed.quizzes.grading import correct_answer_text, option_token, regrade, shuffled


@dataclass
class Option:
    choice: object
    token: str
    chosen: bool = False
    selected_match: str = ""  # matching: the token of the right-hand item picked for this row


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

    @property
    def answered(self):
        return self.result is not None

    @property
    def anchor(self):
        return f"q-{self.question.pk}"


def build_card(question, number, seed, response=None, result=None, error="", submitted=None):
    """`seed` is the attempt's secret seed. The right answer shows only once answered."""
    choices = list(question.choices.all())
    if response is not None and result is None:
        result = regrade(question, choices, response.answer, seed)
        result.fraction = response.fraction
    if question.type in ("matching", "truefalse"):
        ordered = choices  # matching rows and True/False keep their natural order
    else:
        ordered = shuffled(choices, f"{seed}:{question.pk}")
    submitted = submitted or {}
    getlist = submitted.getlist if hasattr(submitted, "getlist") else (lambda k: [])
    chosen_tokens = set(getlist("choice"))
    if result is not None:
        chosen_tokens |= {option_token(seed, i) for i in result.answer.get("choices", [])}
    matches = result.answer.get("matches", {}) if result is not None else {}
    options = []
    for choice in ordered:
        token = option_token(seed, choice.pk)
        picked = matches.get(str(choice.pk))
        selected = (
            option_token(seed, picked) if picked else (getlist(f"match-{choice.pk}") or [""])[0]
        )
        options.append(Option(choice, token, token in chosen_tokens, selected))
    match_options, seen = [], set()
    if question.type == "matching":
        for choice in shuffled(choices, f"{seed}:{question.pk}:right"):
            if choice.match_text not in seen:
                seen.add(choice.match_text)
                match_options.append(Option(choice, option_token(seed, choice.pk)))
    card = Card(question, number, options, match_options, result, error)
    card.text_value = (getlist("text") or getlist("number") or [""])[0]
    if result is not None:
        card.correct_text = correct_answer_text(question, choices)
        given = result.answer.get("text", result.answer.get("number", ""))
        card.text_value = f"{given:g}" if isinstance(given, float) else str(given)
    return card


def build_cards(seed, questions, responses):
    by_question = {r.question_id: r for r in responses}
    return [
        build_card(q, number, seed, by_question.get(q.pk))
        for number, q in enumerate(questions, start=1)
    ]

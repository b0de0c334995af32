"""Server-side grading. Pure functions over a question, its choices and the POSTed data.

Two kinds of bad input are told apart: a forged or malformed answer (an option id from another
question, a non-numeric id) raises `MalformedAnswer` and becomes a 400; an honest mistake (no
option chosen, not a number) raises `IncompleteAnswer` and the card is shown again with a
message (422).
"""

import random
import unicodedata
from dataclasses import dataclass, field

from django.utils.crypto import salted_hmac

from stressed.quizzes import answers

MAX_TEXT = 200
TOKEN_SALT = "stressed.quizzes.option-token"


class MalformedAnswer(Exception):
    pass


class IncompleteAnswer(Exception):
    pass


@dataclass
class Result:
    answer: dict
    fraction: float
    chosen: list = field(default_factory=list)  # the choices whose feedback applies
    pair_results: list = field(default_factory=list)  # matching: (left, given, right, correct)
    note: str = ""  # e.g. "Accepted; the usual spelling is …" for a typed answer

    @property
    def verdict(self):
        if self.fraction >= 1 - 1e-9:
            return "correct"
        return "partly correct" if self.fraction > 0 else "incorrect"


def option_token(seed, choice_id):
    """The value an option carries in the form: opaque, so ids (often in authoring order,
    right answer first) say nothing about which option is right. Stable for one attempt;
    `seed` is the attempt's secret seed, so tokens cannot be computed from public ids."""
    return salted_hmac(TOKEN_SALT, f"{seed}:{choice_id}", algorithm="sha256").hexdigest()[:16]


def _ids(values, by_token):
    if any(not isinstance(v, str) or v not in by_token for v in values):
        raise MalformedAnswer("an option does not belong to this question")
    ids = [by_token[v] for v in values]
    if len(set(ids)) != len(ids):
        raise MalformedAnswer("an option was sent twice")
    return ids


def normalize_text(text):
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(text.split())


def parse_number(raw, prompt=""):
    """A typed number, with the unit the prompt asks for or a percent sign allowed."""
    try:
        return answers.parse_number(raw, prompt)
    except answers.NumberError as error:
        raise IncompleteAnswer(str(error)) from None


def grade(question, choices, data, seed):
    """Grade POST `data` (a QueryDict or dict of lists) for `question` with `choices`, whose
    option values were made with `option_token(seed, ...)`."""
    by_id = {c.pk: c for c in choices}
    by_token = {option_token(seed, c.pk): c.pk for c in choices}
    getlist = data.getlist if hasattr(data, "getlist") else (lambda k: data.get(k, []))
    kind = question.type
    if kind in ("single", "truefalse"):
        values = getlist("choice")
        if not values:
            raise IncompleteAnswer("Choose an answer.")
        if len(values) > 1:
            raise MalformedAnswer("only one option may be chosen")
        (chosen_id,) = _ids(values, by_token)
        chosen = by_id[chosen_id]
        return Result({"choices": [chosen_id]}, max(0.0, chosen.fraction), [chosen])
    if kind == "multiple":
        ids = _ids(getlist("choice"), by_token)
        if not ids:
            raise IncompleteAnswer("Choose at least one option.")
        total = sum(by_id[i].fraction for i in ids)
        chosen = [c for c in choices if c.pk in ids]
        return Result({"choices": sorted(ids)}, min(1.0, max(0.0, total)), chosen)
    if kind == "short":
        values = getlist("text")
        if len(values) > 1:
            raise MalformedAnswer("one answer only")
        text = (values[0] if values else "").strip()
        if not text:
            raise IncompleteAnswer("Type your answer.")
        if len(text) > MAX_TEXT:
            raise IncompleteAnswer(f"Keep the answer under {MAX_TEXT} characters.")
        # The glossary's synonyms are read only when no listed answer is typed as listed.
        found = answers.match_answer(text, choices, answers.glossary_synonyms)
        if found is None:
            return Result({"text": text}, 0.0)
        return Result({"text": text}, found.fraction, [found.answer], note=found.note)
    if kind == "numeric":
        values = getlist("number")
        if len(values) > 1:
            raise MalformedAnswer("one answer only")
        if not values or not values[0].strip():
            raise IncompleteAnswer("Enter a number.")
        number = parse_number(values[0][:50], question.prompt)
        matches = [c for c in choices if c.accepts_number(number)]
        best = max(matches, key=lambda c: c.fraction, default=None)
        return Result(
            {"number": number}, max(0.0, best.fraction) if best else 0.0, [best] if best else []
        )
    if kind == "matching":
        matches, pair_results = {}, []
        for left in choices:
            values = getlist(f"match-{left.pk}")
            if not values or not values[0]:
                raise IncompleteAnswer("Match every item.")
            (right_id,) = _ids(values[:1], by_token)
            matches[str(left.pk)] = right_id
            given = by_id[right_id].match_text
            pair_results.append((left, given, left.match_text, given == left.match_text))
        extra = [k for k in data if k.startswith("match-") and k[6:] not in matches]
        if extra:
            raise MalformedAnswer("an item does not belong to this question")
        correct = sum(1 for *_rest, ok in pair_results if ok)
        return Result({"matches": matches}, correct / len(choices), [], pair_results)
    raise MalformedAnswer("unknown question type")


def regrade(question, choices, answer, seed):
    """Rebuild a Result from a stored answer, to show feedback again on a later page load."""
    data = {}
    if "choices" in answer:
        data["choice"] = [option_token(seed, i) for i in answer["choices"]]
    if "text" in answer:
        data["text"] = [answer["text"]]
    if "number" in answer:
        data["number"] = [repr(answer["number"])]
    for left, right in answer.get("matches", {}).items():
        data[f"match-{left}"] = [option_token(seed, right)]
    try:
        return grade(question, choices, data, seed)
    except (MalformedAnswer, IncompleteAnswer):
        # The question was edited after this answer was stored; show the stored credit only.
        return Result(answer, 0.0)


def correct_answer_text(question, choices):
    """A plain description of the right answer, for feedback and summaries."""
    kind = question.type
    if kind in ("single", "truefalse"):
        return "; ".join(c.text for c in choices if c.fraction >= 1 - 1e-9)
    if kind == "multiple":
        return "; ".join(c.text for c in choices if c.fraction > 0)
    if kind == "short":
        # The first accepted answer only: the variants a matcher accepts are not news.
        best = sorted((c for c in choices if c.fraction > 0), key=lambda c: -c.fraction)
        return best[0].text if best else ""
    if kind == "numeric":
        parts = []
        for c in choices:
            if c.fraction < 1 - 1e-9:
                continue
            if c.min_value is not None and c.max_value is not None:
                parts.append(f"between {c.min_value:g} and {c.max_value:g}")
            elif c.tolerance:
                parts.append(f"{c.value:g} (± {c.tolerance:g})")
            else:
                parts.append(f"{c.value:g}")
        return " or ".join(parts)
    if kind == "matching":
        return "; ".join(f"{c.text} → {c.match_text}" for c in choices)
    return ""


def shuffled(items, seed):
    """A stable shuffle: the same attempt always shows the same order. `seed` includes the
    attempt's secret seed, so the order cannot be inverted to find the authored (right-first)
    order."""
    items = list(items)
    random.Random(seed).shuffle(items)
    return items

"""Matching: each left item is matched to a right-hand item from one shared list.

A row with a right-hand item and no left item is a distractor (Moodle's `= -> Chat` in GIFT, an
empty <subquestion> in Moodle XML): nothing is matched to it, and its right-hand item is offered
in every row's drop-down."""

from collections import Counter

from stressed.content.questions import ChoiceData
from stressed.quizzes import giftsyntax as gs
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


def pairs(choices):
    """The rows students match: every row but the distractors (no left item)."""
    return [c for c in choices if c.text.strip()]


class Matching(QuestionType):
    name, label = "matching", "Matching"
    yaml_key = "pairs"
    shuffle = False  # rows keep their authored order; the right-hand list is shuffled
    statistics_kind = "pairs"
    gift_priority = 30

    def validate(self, q):
        errors = []
        if len(pairs(q.choices)) < 2:
            errors.append("a matching question needs at least two pairs")
        if any(not c.match_text.strip() for c in q.choices):
            errors.append("every matching pair needs a left and a right item")
        return errors

    def read_yaml(self, f, shown, problems):
        """`pairs:` of `{left, right}`; a `{right}` alone is a distractor."""
        return [
            ChoiceData(
                text=c.text("left", required=False), match_text=c.text("right"), fraction=1.0
            )
            for c in self.items(f, "pairs", shown, problems, "pair", {"left", "right"}, 2)
        ]

    def grade(self, question, answer):
        matches, pair_results = {}, []
        rows = pairs(answer.choices)
        for left in rows:
            values = answer.getlist(f"match-{left.pk}")
            if not values or not values[0]:
                raise IncompleteAnswer("Match every item.")
            (right_id,) = answer.ids(values[:1])
            matches[str(left.pk)] = right_id
            given = answer.by_id[right_id].match_text
            pair_results.append((left, given, left.match_text, given == left.match_text))
        extra = [k for k in answer.fields() if k.startswith("match-") and k[6:] not in matches]
        if extra:
            raise MalformedAnswer("an item does not belong to this question")
        correct = sum(1 for *_rest, ok in pair_results if ok)
        return Result({"matches": matches}, correct / len(rows), [], pair_results)

    def form_data(self, stored, seed):
        return {
            f"match-{left}": [option_token(seed, right)]
            for left, right in stored.get("matches", {}).items()
        }

    def correct_text(self, choices):
        return "; ".join(f"{c.text} → {c.match_text}" for c in pairs(choices))

    def card_parts(self, question, choices, seed, result, getlist, option):
        matches = result.answer.get("matches", {}) if result is not None else {}
        options = []
        for choice in pairs(choices):
            picked = matches.get(str(choice.pk))
            selected = (
                option_token(seed, picked) if picked else (getlist(f"match-{choice.pk}") or [""])[0]
            )
            options.append(option(choice, option_token(seed, choice.pk), False, selected))
        rights, seen = [], set()
        for choice in shuffled(choices, f"{seed}:{question.pk}:right"):
            if choice.match_text not in seen:
                seen.add(choice.match_text)
                rights.append(option(choice, option_token(seed, choice.pk), False, ""))
        return CardParts(options, rights)

    def gift_matches(self, answers):
        return "=" in answers and "->" in answers

    def gift_read(self, reader, answers, pos, fmt):
        choices = []
        for number, (at, piece) in enumerate(gs.pieces(answers, pos, "="), start=1):
            left, arrow, right = piece.partition("->")
            if not arrow:
                reader.fail(at, f"matching pair {number} needs the form 'left -> right'")
                continue
            # `= -> right` (no left item) is a distractor row, as in Moodle.
            right = gs.restore(right).strip()
            if len(right) > 300:
                reader.fail(
                    at, f"the right-hand item of pair {number} is longer than 300 characters"
                )
            choices.append(ChoiceData(text=gs.text(left, fmt)[1], match_text=right, fraction=1.0))
        return choices

    def gift_lines(self, choices):
        for c in choices:
            # GIFT cannot escape "->"; in the Markdown left item "-&gt;" shows the same.
            left = gs.escape(c.text).replace("->", "-&gt;")
            yield f"={left} -> {gs.escape(c.match_text)}"  # "= -> right": a distractor

    xml_reads = ("matching", "match")
    xml_combined_feedback = True

    def xml_read(self, reader):
        choices = []
        for number, sub in enumerate(reader.element.findall("subquestion"), start=1):
            right = reader.plain(reader.child(sub, "answer"))
            if len(right) > 300:
                reader.fail(
                    f"the right-hand item of pair {number} is longer than 300 characters", sub.line
                )
            left = reader.rich(sub, f"left-hand item {number}")
            if not left.strip() and not right:
                continue  # Moodle skips a subquestion with neither
            # A subquestion with an answer and no text is a distractor, as in Moodle.
            choices.append(ChoiceData(text=left, match_text=right, fraction=1.0))
        reader.shuffle_note()
        return self.name, choices

    def xml_write(self, writer, question, choices):
        out = "    <shuffleanswers>true</shuffleanswers>\n"
        out += writer.combined(question)
        for c in choices:
            out += '    <subquestion format="markdown">\n'
            out += writer.text(c.text, 3)
            out += "      <answer>\n"
            out += writer.text(c.match_text, 4)
            out += "      </answer>\n"
            out += "    </subquestion>\n"
        return "matching", out

    def statistics_rows(self, choices, responses):
        """Per pair: how often it was matched right, and the commonest wrong match."""
        by_id = {c.pk: c for c in choices}
        answers = [r.answer for r in responses]
        rows = []
        for left in pairs(choices):
            picks = [by_id.get(a.get("matches", {}).get(str(left.pk))) for a in answers]
            right = sum(1 for p in picks if p is not None and p.match_text == left.match_text)
            wrong = Counter(
                p.match_text for p in picks if p is not None and p.match_text != left.match_text
            )
            note = f"most common wrong match: {wrong.most_common(1)[0][0]}" if wrong else ""
            rows.append(Row(left.text_html, right, percent(right, len(answers)), 1.0, True, note))
        return rows

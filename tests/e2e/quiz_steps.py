"""Answering quiz questions in the browser: by keyboard alone, or by mouse with JS off.

The page holds no marker of the right answer, so the tests read the answer key from the
live site's database (through sqlite3) and pick options by their visible label."""

import re
from dataclasses import dataclass

from playwright.sync_api import expect

from tests.e2e.support import plain, tab_to


@dataclass
class Choice:
    id: int
    text: str
    label: str
    fraction: float
    match_text: str
    value: float | None
    min_value: float | None


@dataclass
class Question:
    id: int
    type: str
    choices: list

    def right(self):
        return max(self.choices, key=lambda c: c.fraction)

    def wrong(self):
        return min(self.choices, key=lambda c: c.fraction)

    def wanted_labels(self, correct):
        """Single/multiple: the option labels to pick."""
        if self.type == "multiple" and correct:
            return {c.label for c in self.choices if c.fraction > 0}
        return {(self.right() if correct else self.wrong()).label}

    def typed_answer(self, correct):
        if self.type == "short":
            return self.right().text if correct else "certainly not this"
        choice = self.right()
        number = choice.value if choice.value is not None else choice.min_value
        return f"{number:g}" if correct else "-987654321"

    def match_for(self, left_id, correct):
        by_id = {c.id: c for c in self.choices}
        right = by_id[left_id].match_text
        if correct:
            return right
        return next(c.match_text for c in self.choices if c.match_text != right)


def load_question(sql, question_id):
    (qtype,) = sql("SELECT type FROM quizzes_question WHERE id = ?", question_id)[0]
    rows = sql(
        "SELECT id, text, text_html, fraction, match_text, value, min_value "
        'FROM quizzes_choice WHERE question_id = ? ORDER BY "order", id',
        question_id,
    )
    choices = [Choice(r[0], r[1], plain(r[2]), r[3], r[4], r[5], r[6]) for r in rows]
    return Question(question_id, qtype, choices)


def card_ids(page):
    """Question ids of the cards on an attempt page, in order."""
    ids = page.locator("section.question-card").evaluate_all("els => els.map(e => e.id)")
    return [int(anchor.removeprefix("q-")) for anchor in ids]


FOCUSED_LABEL = "document.activeElement.labels[0].innerText.trim().replace(/\\s+/g, ' ')"


def answer_by_keyboard(page, question, correct):
    """Tab into the card, answer with Space/arrow keys/typing, Tab to its button, Enter."""
    card = f"#q-{question.id}"
    tab_to(page, f"{card} input:not([type=hidden]), {card} select")
    if question.type in ("single", "truefalse"):
        (wanted,) = question.wanted_labels(correct)
        page.keyboard.press("Space")  # Tab lands on the first radio; Space checks it
        for _ in range(len(question.choices)):
            if page.evaluate(FOCUSED_LABEL) == wanted:
                break
            page.keyboard.press("ArrowDown")  # moves to and checks the next radio
        assert page.evaluate(FOCUSED_LABEL) == wanted
        assert page.evaluate("document.activeElement.checked")
    elif question.type == "multiple":
        wanted = question.wanted_labels(correct)
        boxes = page.locator(f"{card} input[type=checkbox]").count()
        for index in range(boxes):
            if page.evaluate(FOCUSED_LABEL) in wanted:
                page.keyboard.press("Space")
            if index < boxes - 1:
                page.keyboard.press("Tab")
        checked = page.locator(f"{card} input[type=checkbox]:checked").count()
        assert checked == len(wanted)
    elif question.type in ("short", "numeric"):
        page.keyboard.type(question.typed_answer(correct))
    elif question.type == "matching":
        selects = page.locator(f"{card} select")
        for index in range(selects.count()):
            select = selects.nth(index)
            left_id = int(select.get_attribute("name").removeprefix("match-"))
            target = question.match_for(left_id, correct)
            for _ in range(select.locator("option").count()):
                if select.evaluate("s => s.selectedOptions[0].text") == target:
                    break
                page.keyboard.press("ArrowDown")  # a closed <select> steps through options
            assert select.evaluate("s => s.selectedOptions[0].text") == target
            if index < selects.count() - 1:
                page.keyboard.press("Tab")
    else:
        raise AssertionError(f"unknown question type {question.type}")
    tab_to(page, f"{card} button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.locator(f"{card}.is-answered")).to_be_visible()


def answer_by_mouse(page, question, correct):
    """Fill the card with ordinary clicks and typing (works with JavaScript off)."""
    card = page.locator(f"#q-{question.id}")
    if question.type in ("single", "truefalse", "multiple"):
        for label in question.wanted_labels(correct):
            card.locator("label").filter(has_text=re.compile(f"^{re.escape(label)}$")).click()
    elif question.type in ("short", "numeric"):
        card.locator("input[type=text]").fill(question.typed_answer(correct))
    elif question.type == "matching":
        selects = card.locator("select")
        for index in range(selects.count()):
            select = selects.nth(index)
            left_id = int(select.get_attribute("name").removeprefix("match-"))
            select.select_option(label=question.match_for(left_id, correct))
    card.get_by_role("button", name=re.compile("^Check answer")).click()


def assert_feedback(page, question, correct):
    """The answered card shows the verdict as a symbol and as a word."""
    card = page.locator(f"#q-{question.id}")
    expect(card).to_have_class(re.compile(r"\bis-answered\b"))
    icon, word = ("✓", "Correct") if correct else ("✗", "Incorrect")
    expect(card.locator(".verdict-icon")).to_have_text(icon)
    expect(card.locator(".verdict strong")).to_have_text(word)

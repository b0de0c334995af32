"""Moodle GIFT import and export.

The parser reads GIFT the way Moodle's own importer does (question/format/gift/format.php,
`readquestions` and `readquestion`), so a file that works in Moodle works here:

- Questions are separated by blank lines; every line is trimmed; lines starting with `//`
  are comments. `$CATEGORY: path` sets the category; `::title::` names a question.
- `\\~ \\= \\# \\{ \\} \\: \\\\` are literal characters and `\\n` is a newline.
- The answer block is the text between the first `{` and the first `}`. When text follows it,
  the question is a missing-word question and the block becomes `_____` in the prompt.
- `####text` at the end of the block is the general feedback (our `explanation`).
- The type is chosen as Moodle chooses it: `{#...}` numeric; any `~` multiple choice (single
  choice when some option starts with `=`, multiple select otherwise, with `~%50%` weights);
  `=` with `->` matching; `{T}`, `{TRUE}`, `{F}`, `{FALSE}` true/false (upper case, as in
  Moodle); anything else short answer. `#` starts an answer's feedback. True/false takes
  `{TRUE#feedback for a wrong answer#feedback for a right answer}`; each is stored on the
  option the student picks.
- Text formats `[markdown]`, `[html]`, `[plain]`, `[moodle]` may start the question text
  (the default for its answers and feedback) or any answer or feedback. Markdown and HTML
  are kept as they are (HTML goes through the same nh3 sanitizer as all our Markdown when
  rendered). Plain and moodle text, and untagged text (Moodle's default format is "moodle"),
  are read as plain text with line breaks: Markdown's special characters are escaped so
  that they show as typed. (Moodle's auto-format also lets HTML through; here it shows as
  text.) Short-answer answers and the right-hand items of matching pairs are plain strings
  in Moodle and here.

Moodle's catch-alls are read as Moodle reads them: a matching row `= -> Chat` with no left
item is a distractor, offered in every row's drop-down; a short answer `*` matches anything
no other answer matched; a numeric `~#feedback` is the feedback (and 0 credit) for any other
number. `$CATEGORY:` is kept on each question after it, and written again where it changes.

Skipped, each with a warning naming the line and the question, and never an error:
description items (no answer block) and essays (`{}`), because they cannot be auto-graded.

Stricter than Moodle, reported as problems instead of being read some odd way: unbalanced or
repeated braces, weights that are not numbers, numbers that are not numbers, and everything
`check_question` rejects (the same rules as content files and the admin). Every problem in
the file is collected before `ContentError` is raised.

Our export writes two comment lines that Moodle ignores and this parser reads back, so a
round trip keeps them: `// review: <heading id>` (the lesson section a question tests) and
`// misconception <n>: <tag>` (on option n, counting from 1). Untitled questions are named
`Q<order>` on export, since Moodle would otherwise invent a name from the text.
"""

import re
from dataclasses import dataclass, field
from functools import cached_property

from stressed.content.errors import ContentError, Problems
from stressed.content.questions import QuestionData, length_problems
from stressed.quizzes import types
from stressed.quizzes.giftsyntax import (
    BLANK,
    DEFAULT_FORMAT,
    NO_PLACEHOLDERS,
    NUMBER,
    WEIGHT,
    escape,
    plain_to_markdown,
    protect,
    restore,
)
from stressed.quizzes.giftsyntax import text as gift_text
from stressed.quizzes.importing import give_keys, import_into_quiz, lint_warnings
from stressed.quizzes.models import COMBINED_FEEDBACK
from stressed.quizzes.types import check_question

__all__ = [
    "GiftResult",
    "export_gift",
    "gift_export",
    "import_gift_into_quiz",
    "parse_gift",
    "plain_to_markdown",
]

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass
class GiftResult:
    questions: list = field(default_factory=list)
    categories: list = field(default_factory=list)  # every $CATEGORY, in file order
    warnings: list = field(default_factory=list)
    written: object = None  # the writer's report, once stored

    @property
    def category(self):
        """The file's first category (each question keeps the one in force where it is)."""
        return self.categories[0] if self.categories else ""


@dataclass
class _Block:
    """One blank-line-separated chunk: its text lines (escapes protected) and comments."""

    lines: list = field(default_factory=list)  # (line number, protected text)
    comments: list = field(default_factory=list)  # (line number, text after //)

    @cached_property
    def text(self):
        return "\n".join(text for _, text in self.lines)

    def line_at(self, pos):
        return self.lines[self.text.count("\n", 0, pos)][0]


def _blocks(text):
    block = _Block()
    # Only real line breaks count, so line numbers match what an editor shows.
    lines = re.split(r"\r\n|\r|\n", text.removeprefix("\ufeff").translate(NO_PLACEHOLDERS))
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line:
            if block.lines or block.comments:
                yield block
            block = _Block()
        elif line.startswith("//"):
            block.comments.append((number, line[2:].strip()))
        else:
            block.lines.append((number, protect(line)))
    if block.lines or block.comments:
        yield block


class _QuestionReader:
    """Reads one question block into a QuestionData, or records why it cannot."""

    def __init__(self, block, source, result, problems):
        self.block, self.source, self.result, self.problems = block, source, result, problems
        self.text = block.text
        self.line = block.lines[0][0]
        self.title = ""
        self.failed = False

    @property
    def where(self):
        return f'question "{self.title}": ' if self.title else "question: "

    def fail(self, pos_or_line, message, *, is_line=False):
        line = pos_or_line if is_line else self.block.line_at(pos_or_line)
        self.problems.add(self.source, line, self.where + message)
        self.failed = True

    def warn(self, message):
        self.result.warnings.append(f"{self.source}:{self.line}: {self.where}{message}")

    def skip(self, what, prompt, reason):
        self.result.warnings.append(
            f"skipped {what} '{self.name(prompt)}' at line {self.line}: {reason}"
        )

    def name(self, prompt):
        return self.title or " ".join(restore(prompt).split())[:60]

    def read_title(self):
        """Reads `::title::`; returns where the question text starts."""
        text = self.text
        if not text.startswith("::"):
            return 0
        end = text.find("::", 2)
        if end == -1:
            self.warn("a title opened with :: is not closed; read as question text")
            return 2
        self.title = restore(text[2:end]).strip()
        if len(self.title) > 200:
            self.fail(self.line, "the title is longer than 200 characters", is_line=True)
        return end + 2

    def answer_block(self, start):
        """(opening, closing) of the one {...} block, or None (skipped or failed)."""
        text = self.text
        opening, closing = text.find("{", start), text.find("}", start)
        if opening == -1 and closing == -1:
            return self.skip("description", text[start:], "it has no answer to grade")
        if closing == -1:
            return self.fail(
                opening, r"the answer block { is never closed with } (write a literal brace as \{)"
            )
        if opening == -1 or closing < opening:
            return self.fail(closing, r"found } before any { (write a literal brace as \})")
        extra = min(
            (p for p in (text.find("{", closing), text.find("}", closing + 1)) if p != -1),
            default=-1,
        )
        if extra != -1:
            return self.fail(
                extra,
                "a question has one {...} answer block; write literal "
                r"braces as \{ and \}",
            )
        return opening, closing

    def read(self):
        text, start = self.text, self.read_title()
        block = self.answer_block(start)
        if block is None:
            return None
        opening, closing = block
        before, after = text[start:opening], text[closing + 1 :]
        # The blank goes in as a placeholder, so plain-text escaping leaves it as "_____".
        prompt_raw = before + BLANK + after if after.strip() else before
        inner, inner_pos = text[opening + 1 : closing], opening + 1
        general = ""
        if (mark := inner.rfind("####")) != -1:
            inner, general = inner[:mark], inner[mark + 4 :]
        fmt, prompt = gift_text(prompt_raw, DEFAULT_FORMAT)
        prompt = prompt.replace(BLANK, "_____")
        _, explanation = gift_text(general, fmt)
        answers = inner.strip()
        pos = inner_pos + len(inner) - len(inner.lstrip())
        if not answers:
            return self.skip("essay question", prompt_raw, "essays cannot be auto-graded")
        reader = next(t for t in types.gift_reading_order() if t.gift_matches(answers))
        kind, choices = reader.name, reader.gift_read(self, answers, pos, fmt)
        question = QuestionData(
            type=kind,
            prompt=prompt,
            explanation=explanation,
            title=self.title,
            line=self.line,
            choices=choices,
        )
        self.read_comments(question)
        for message in length_problems(question):
            self.fail(self.line, message, is_line=True)
        if not self.failed:
            for message in check_question(question):
                self.fail(self.line, reader.gift_problem(message), is_line=True)
        return None if self.failed else question

    def weight(self, piece, pos, default):
        """An answer's leading %weight% as a fraction, and the rest of the answer."""
        piece = piece.strip()
        if not piece.startswith("%") or piece.find("%", 1) == -1:
            return default, piece
        match = WEIGHT.match(piece)
        if not match:
            self.fail(
                pos,
                f"the weight {piece[: piece.find('%', 1) + 1]} is not a percentage "
                "like %50% or %-33.333%",
            )
            return default, piece
        return float(match.group(1)) / 100, piece[match.end() :]

    def number(self, text, pos):
        text = restore(text).strip()
        if not NUMBER.fullmatch(text):
            self.fail(pos, f"{text!r} is not a number")
            return None
        return float(text)

    def read_comments(self, question):
        for line, comment in self.block.comments:
            if match := re.fullmatch(r"key:\s*(\S*)", comment):
                question.key = match.group(1)
                if not SLUG.match(question.key) or len(question.key) > 100:
                    self.fail(line, "the key must be a short lowercase slug", is_line=True)
            elif match := re.fullmatch(r"review:\s*(\S*)", comment):
                question.review = match.group(1)
                if len(question.review) > 100:
                    self.fail(line, "the review id is longer than 100 characters", is_line=True)
            elif match := re.fullmatch(r"misconception\s+(\d+):\s*(\S+)", comment):
                index, tag = int(match.group(1)), match.group(2)
                if not 1 <= index <= len(question.choices):
                    self.fail(
                        line,
                        f"misconception for option {index}, but there are "
                        f"{len(question.choices)} options",
                        is_line=True,
                    )
                elif not SLUG.match(tag) or len(tag) > 80:
                    self.fail(
                        line,
                        f"misconception tag {tag!r} must be a short lowercase slug",
                        is_line=True,
                    )
                else:
                    question.choices[index - 1].misconception = tag


def parse_gift(text, source="upload.gift"):
    """Parse GIFT text. Raises ContentError listing every problem; returns a GiftResult."""
    problems, result = Problems(), GiftResult()
    category = ""
    for block in _blocks(text):
        if not block.lines:
            continue  # comments only, like Moodle's own "// question: 1 name: x" headers
        if block.text.startswith("$CATEGORY:"):
            category = restore(block.lines[0][1][len("$CATEGORY:") :]).strip()[:255]
            result.categories.append(category)
            if len(block.lines) == 1:
                continue
            result.warnings.append(
                f"{source}:{block.lines[1][0]}: no blank line after "
                "$CATEGORY; Moodle would read this as part of the category"
            )
            block = _Block(block.lines[1:], block.comments)
        question = _QuestionReader(block, source, result, problems).read()
        if question:
            question.category = category
            result.questions.append(question)
    if problems:
        raise ContentError(problems)
    # Item-writing findings go into the report: a file from Moodle is imported as a draft
    # even when an item breaks a rule, and the admin refuses to save it until it is fixed.
    result.warnings += lint_warnings(result.questions, source)
    give_keys(result.questions)
    return result


# Export ------------------------------------------------------------------------------------


def _export_question(question, choices, block):
    lines = [f"// key: {question.key}"]
    lines += [f"// review: {question.review_anchor}"] if question.review_anchor else []
    lines += [
        f"// misconception {n}: {c.misconception}"
        for n, c in enumerate(choices, start=1)
        if c.misconception
    ]
    lines.append(
        f"::{escape(question.title or f'Q{question.order}')}::[markdown]{escape(question.prompt)}"
        + block
    )
    return "\n".join(lines)


def gift_export(quiz):
    """The quiz as Moodle-valid GIFT, and warnings for the questions GIFT cannot express
    (each type says: `gift_block` is None), which are left out."""
    title = " ".join(quiz.title.split())
    parts = [f"// {title}\n// Exported from stressed (GIFT format; text is Markdown)."]
    warnings, current = [], None
    for question in quiz.questions.live().prefetch_related("choices"):
        # Each question under its own category, written where it changes, as Moodle does.
        category = question.category or f"stressed/{quiz.slug}"
        if category != current:
            parts.append(f"$CATEGORY: {category}")
            current = category
        if any(getattr(question, name) for name in COMBINED_FEEDBACK):
            warnings.append(
                f"question '{question.title or question.key}': its feedback for right, partly "
                "right and wrong answers is left out (GIFT has none; Moodle XML keeps it)"
            )
        choices = list(question.choices.all())
        general = f"####{escape(question.explanation)}" if question.explanation else ""
        kind = types.of(question)
        block = kind.gift_block(question, choices, general)
        if block is None:
            name = question.title or question.key
            warnings.append(
                f"skipped {kind.label.lower()} question '{name}': GIFT has no {kind.label.lower()}"
                " question"
            )
            parts.append(f"// {warnings[-1]}")
            continue
        parts.append(_export_question(question, choices, block))
    return "\n\n".join(parts) + "\n", warnings


def export_gift(quiz):
    """The quiz as Moodle-valid GIFT, in [markdown] format, readable back by parse_gift.
    Questions GIFT cannot express are left out with a comment (see `gift_export`)."""
    return gift_export(quiz)[0]


# Import into the database ------------------------------------------------------------------


def import_gift_into_quiz(text, quiz=None, *, title="", slug="", source="upload.gift", lesson=None):
    """Parse `text` and store its questions: on a new draft quiz (`quiz` None; needs `title`
    and `slug`), or replacing the questions of `quiz`. All or nothing: raises ContentError
    with every problem and stores nothing. Returns (quiz, GiftResult)."""
    return import_into_quiz(
        parse_gift(text, source), quiz, title=title, slug=slug, source=source, lesson=lesson
    )

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

Skipped, each with a warning naming the line and the question, and never an error:
description items (no answer block) and essays (`{}`), because they cannot be auto-graded;
the "any other answer" feedback of numeric questions (`~#...`), which we cannot store.

Stricter than Moodle, reported as problems instead of being read some odd way: unbalanced or
repeated braces, weights that are not numbers, numbers that are not numbers, and everything
`check_question` rejects (the same rules as content files and the admin). Every problem in
the file is collected before `ContentError` is raised.

Our export writes two comment lines that Moodle ignores and this parser reads back, so a
round trip keeps them: `// review: <heading id>` (the lesson section a question tests) and
`// misconception <n>: <tag>` (on option n, counting from 1). Untitled questions are named
`Q<order>` on export, since Moodle would otherwise invent a name from the text.
"""

import hashlib
import re
from dataclasses import dataclass, field
from functools import cached_property

from django.db import IntegrityError, transaction
from django.utils.text import slugify

from stressed.content.errors import ContentError, Problems
from stressed.content.lint import lint_quiz
from stressed.content.quizzes import (
    MAX_QUESTIONS,
    ChoiceData,
    QuestionData,
    check_question,
    length_problems,
)

FORMATS = ("moodle", "html", "plain", "markdown")
DEFAULT_FORMAT = "moodle"  # Moodle's FORMAT_MOODLE, used when text carries no [format]
TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

# While the structure is parsed, escaped characters are swapped for private-use characters
# (Moodle swaps them for "&&058;"-style placeholders) so that an escaped "{" or "~" can never
# be taken for syntax; each piece of text is swapped back once it has been cut out.
_PLACEHOLDER = {char: chr(0xE000 + i) for i, char in enumerate("\\:#={}~n")}
_RESTORE = str.maketrans({v: ("\n" if k == "n" else k) for k, v in _PLACEHOLDER.items()})
_BLANK = "\ue010"  # where a missing-word answer block was
_NO_PLACEHOLDERS = str.maketrans(dict.fromkeys([*_PLACEHOLDER.values(), _BLANK]))
_ESCAPE = re.compile(r"\\([\\:#={}~n])")
_WEIGHT = re.compile(r"%(-?(?:\d+(?:\.\d*)?|\.\d+))%")
_NUMBER = re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?")


@dataclass
class GiftResult:
    questions: list = field(default_factory=list)
    category: str = ""
    warnings: list = field(default_factory=list)
    written: object = None  # the writer's report, once stored


def _protect(line):
    return _ESCAPE.sub(lambda m: _PLACEHOLDER[m.group(1)], line)


def _restore(text):
    return text.translate(_RESTORE)


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
    lines = re.split(r"\r\n|\r|\n", text.removeprefix("\ufeff").translate(_NO_PLACEHOLDERS))
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line:
            if block.lines or block.comments:
                yield block
            block = _Block()
        elif line.startswith("//"):
            block.comments.append((number, line[2:].strip()))
        else:
            block.lines.append((number, _protect(line)))
    if block.lines or block.comments:
        yield block


def _split_format(raw, default):
    """Moodle's parse_text_with_format: an optional leading [format], then the text."""
    raw = raw.strip()
    if raw.startswith("["):
        end = raw.find("]")
        if end > 0 and raw[1:end] in FORMATS:
            return raw[1:end], _restore(raw[end + 1 :]).strip()
    return default, _restore(raw).strip()


def plain_to_markdown(text):
    """Markdown that shows `text` as typed, one line per line."""
    text = text.replace("&", "&amp;").replace("<", "&lt;")
    lines = []
    for line in text.split("\n"):
        line = re.sub(r"([\\`*_{}\[\]|])", r"\\\1", line.strip())
        line = re.sub(r"^([#>+-])", r"\\\1", line)  # headings, quotes, list items
        line = re.sub(r"^(\d+)\.", r"\1\\.", line)  # numbered list items
        line = re.sub(r"^=", "&#61;", line)  # a setext heading underline
        lines.append(line)
    for i in range(len(lines) - 1):
        if lines[i] and lines[i + 1]:
            lines[i] += "  "  # a Markdown hard line break
    return "\n".join(lines)


def _text(raw, default):
    """(format, Markdown) for a piece of question, option or feedback text."""
    fmt, text = _split_format(raw, default)
    return fmt, (text if fmt in ("markdown", "html") else plain_to_markdown(text))


def _pieces(text, start, separators, keep=""):
    """Split `text` (found at `start` in the block) at each separator character, as Moodle's
    explode does; returns (position, piece). Separators in `keep` stay at the piece start.
    A blank leading piece is dropped, as Moodle drops an empty first answer."""
    pieces, begin = [], 0
    for i, char in enumerate(text):
        if char in separators:
            pieces.append((start + begin, text[begin:i]))
            begin = i if char in keep else i + 1
    pieces.append((start + begin, text[begin:]))
    if pieces and not pieces[0][1].strip():
        pieces.pop(0)
    return pieces


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
        return self.title or " ".join(_restore(prompt).split())[:60]

    def read(self):
        text, start = self.text, 0
        if text.startswith("::"):
            end = text.find("::", 2)
            if end == -1:
                self.warn("a title opened with :: is not closed; read as question text")
                start = 2
            else:
                self.title = _restore(text[2:end]).strip()
                start = end + 2
                if len(self.title) > 200:
                    self.fail(self.line, "the title is longer than 200 characters", is_line=True)
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
        before, after = text[start:opening], text[closing + 1 :]
        # The blank goes in as a placeholder, so plain-text escaping leaves it as "_____".
        prompt_raw = before + _BLANK + after if after.strip() else before
        inner, inner_pos = text[opening + 1 : closing], opening + 1
        general = ""
        if (mark := inner.rfind("####")) != -1:
            inner, general = inner[:mark], inner[mark + 4 :]
        fmt, prompt = _text(prompt_raw, DEFAULT_FORMAT)
        prompt = prompt.replace(_BLANK, "_____")
        _, explanation = _text(general, fmt)
        answers = inner.strip()
        pos = inner_pos + len(inner) - len(inner.lstrip())
        if not answers:
            return self.skip("essay question", prompt_raw, "essays cannot be auto-graded")
        if answers[0] == "#":
            kind, choices = "numeric", self.numeric(answers[1:], pos + 1, fmt)
        elif "~" in answers:
            single = "=" in answers
            kind, choices = ("single" if single else "multiple"), self.choices(answers, pos, fmt)
        elif "=" in answers and "->" in answers:
            kind, choices = "matching", self.matching(answers, pos, fmt)
        elif answers.split("#", 1)[0].strip() in TRUE_FALSE:
            kind, choices = "truefalse", self.truefalse(answers, fmt)
        else:
            kind, choices = "short", self.short(answers, pos, fmt)
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
                if kind == "multiple" and "positive weight" in message:
                    message = (
                        "no option is marked right: mark the right option with =, or give "
                        "the right options of a multiple-answer question weights like ~%50%"
                    )
                self.fail(self.line, message, is_line=True)
        return None if self.failed else question

    def weight(self, piece, pos, default):
        """An answer's leading %weight% as a fraction, and the rest of the answer."""
        piece = piece.strip()
        if not piece.startswith("%") or piece.find("%", 1) == -1:
            return default, piece
        match = _WEIGHT.match(piece)
        if not match:
            self.fail(
                pos,
                f"the weight {piece[: piece.find('%', 1) + 1]} is not a percentage "
                "like %50% or %-33.333%",
            )
            return default, piece
        return float(match.group(1)) / 100, piece[match.end() :]

    def choices(self, answers, pos, fmt):
        choices = []
        for number, (at, piece) in enumerate(_pieces(answers, pos, "~=", keep="="), start=1):
            piece = piece.strip()
            if piece.startswith("="):
                fraction, piece = 1.0, piece[1:]
            else:
                fraction, piece = self.weight(piece, at, 0.0)
            text, _, feedback = piece.partition("#")
            _, text = _text(text, fmt)
            if not text:
                self.fail(at, f"option {number} has no text")
            choices.append(
                ChoiceData(text=text, fraction=fraction, feedback=_text(feedback, fmt)[1])
            )
        return choices

    def matching(self, answers, pos, fmt):
        choices = []
        for number, (at, piece) in enumerate(_pieces(answers, pos, "="), start=1):
            left, arrow, right = piece.partition("->")
            if not arrow:
                self.fail(at, f"matching pair {number} needs the form 'left -> right'")
                continue
            right = _restore(right).strip()
            if len(right) > 300:
                self.fail(at, f"the right-hand item of pair {number} is longer than 300 characters")
            choices.append(ChoiceData(text=_text(left, fmt)[1], match_text=right, fraction=1.0))
        return choices

    def truefalse(self, answers, fmt):
        key, *feedback = answers.split("#", 2)
        wrong, right = (_text(f, fmt)[1] for f in (feedback + ["", ""])[:2])
        is_true = TRUE_FALSE[key.strip()]
        return [
            ChoiceData("True", 1.0 if is_true else 0.0, right if is_true else wrong),
            ChoiceData("False", 0.0 if is_true else 1.0, wrong if is_true else right),
        ]

    def short(self, answers, pos, fmt):
        choices = []
        for number, (at, piece) in enumerate(_pieces(answers, pos, "="), start=1):
            fraction, piece = self.weight(piece, at, 1.0)
            text, _, feedback = piece.partition("#")
            text = _split_format(text, fmt)[1]  # a typed answer: compared, never rendered
            if not text:
                self.fail(at, f"answer {number} is empty")
            choices.append(
                ChoiceData(text=text, fraction=fraction, feedback=_text(feedback, fmt)[1])
            )
        if len(choices) == 1 and choices[0].text.casefold() in ("t", "true", "f", "false"):
            self.warn(
                "read as a short answer; true/false questions need {TRUE} or {FALSE} in capitals"
            )
        return choices

    def numeric(self, answers, pos, fmt):
        if (other := answers.find("~")) != -1:
            self.warn("feedback for any other answer (~#...) is not supported and was dropped")
            answers = answers[:other]
        pieces = _pieces(answers, pos, "=")
        if not pieces:
            self.fail(pos, "a numeric question needs at least one answer, like {#3.14:0.01}")
        choices = []
        for at, piece in pieces:
            fraction, piece = self.weight(piece, at, 1.0)
            value, _, feedback = piece.partition("#")
            choice = ChoiceData(fraction=fraction, feedback=_text(feedback, fmt)[1])
            value = value.strip()
            if ".." in value[1:]:
                low, high = value.split("..", 1)
                choice.min_value, choice.max_value = self.number(low, at), self.number(high, at)
            elif ":" in value[1:]:
                number, tolerance = value.split(":", 1)
                choice.value, choice.tolerance = self.number(number, at), self.number(tolerance, at)
            else:
                choice.value = self.number(value, at)
            choices.append(choice)
        return choices

    def number(self, text, pos):
        text = _restore(text).strip()
        if not _NUMBER.fullmatch(text):
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
    for block in _blocks(text):
        if not block.lines:
            continue  # comments only, like Moodle's own "// question: 1 name: x" headers
        if block.text.startswith("$CATEGORY:"):
            result.category = _restore(block.lines[0][1][len("$CATEGORY:") :]).strip()
            if len(block.lines) == 1:
                continue
            result.warnings.append(
                f"{source}:{block.lines[1][0]}: no blank line after "
                "$CATEGORY; Moodle would read this as part of the category"
            )
            block = _Block(block.lines[1:], block.comments)
        question = _QuestionReader(block, source, result, problems).read()
        if question:
            result.questions.append(question)
    if problems:
        raise ContentError(problems)
    # Item-writing findings go into the report: a file from Moodle is imported as a draft
    # even when an item breaks a rule, and the admin refuses to save it until it is fixed.
    for question, findings in lint_quiz(result.questions):
        where = f'question "{question.title}": ' if question.title else "question: "
        result.warnings += [
            f"{source}:{question.line}: {where}item-writing "
            f"{'error (fix it before publishing)' if f.is_error else 'warning'}: {f.message}"
            for f in findings
        ]
    _give_keys(result.questions)
    return result


def _give_keys(questions):
    """A stable key for every question, so re-importing a file matches questions by key and
    never by position: `// key: x` if given (our export writes it), else the ::title::, else
    the prompt's fingerprint. Repeats are numbered in file order."""
    seen = set()
    for question in questions:
        base = question.key or slugify(question.title)[:90]
        if not base:
            digest = hashlib.sha256(" ".join(question.prompt.split()).encode()).hexdigest()
            base = f"q-{digest[:12]}"
        key, n = base, 1
        while key in seen:
            n += 1
            key = f"{base}-{n}"
        question.key = key
        seen.add(key)


# Export ------------------------------------------------------------------------------------


def _gift(text):
    """Moodle's repchar: escape GIFT's special characters; newlines become \\n."""
    return re.sub(r"([\\#=~{}:])", r"\\\1", text.replace("\r", "")).replace("\n", "\\n")


def _percent(fraction):
    text = f"{fraction * 100:.7f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def _number(value):
    text = repr(float(value))
    return text.removesuffix(".0")


def _feedback(text):
    return f"#{_gift(text)}" if text else ""


def _weight(fraction, text, implicit):
    """The %n% weight of an answer; left out when `implicit` (what the mark alone means),
    unless the text starts with "%", which would then be read as a weight."""
    if implicit and not text.startswith("%"):
        return ""
    return f"%{_percent(fraction)}%"


def _answer_lines(question, choices):
    kind = question.type
    for c in choices:
        if kind in ("single", "multiple"):
            if kind == "single" and abs(c.fraction - 1) < 1e-9:
                mark = "="  # everything after "=" is text, so no weight is needed
            else:
                mark = "~" + _weight(c.fraction, c.text, c.fraction == 0)
            yield f"{mark}{_gift(c.text)}{_feedback(c.feedback)}"
        elif kind == "short":
            weight = _weight(c.fraction, c.text, abs(c.fraction - 1) < 1e-9)
            yield f"={weight}{_gift(c.text)}{_feedback(c.feedback)}"
        elif kind == "numeric":
            weight = _weight(c.fraction, "", abs(c.fraction - 1) < 1e-9)
            if c.min_value is not None and c.max_value is not None:
                value = f"{_number(c.min_value)}..{_number(c.max_value)}"
            elif c.tolerance is None:
                value = _number(c.value)
            else:
                value = f"{_number(c.value)}:{_number(c.tolerance)}"
            yield f"={weight}{value}{_feedback(c.feedback)}"
        elif kind == "matching":
            # GIFT cannot escape "->"; in the Markdown left item "-&gt;" shows the same.
            left = _gift(c.text).replace("->", "-&gt;")
            yield f"={left} -> {_gift(c.match_text)}"


def _export_question(question):
    choices = list(question.choices.all())
    lines = [f"// key: {question.key}"]
    lines += [f"// review: {question.review_anchor}"] if question.review_anchor else []
    lines += [
        f"// misconception {n}: {c.misconception}"
        for n, c in enumerate(choices, start=1)
        if c.misconception
    ]
    head = f"::{_gift(question.title or f'Q{question.order}')}::[markdown]{_gift(question.prompt)}"
    general = f"####{_gift(question.explanation)}" if question.explanation else ""
    if question.type == "truefalse":
        by_text = {c.text: c for c in choices}
        is_true = by_text["True"].fraction >= 1 - 1e-9
        right, wrong = (by_text["True"], by_text["False"])[:: 1 if is_true else -1]
        answer = "TRUE" if is_true else "FALSE"
        if wrong.feedback or right.feedback:
            answer += _feedback(wrong.feedback) or "#"
        answer += _feedback(right.feedback)
        lines.append(f"{head}{{{answer}{general}}}")
    else:
        lines.append(head + ("{#" if question.type == "numeric" else "{"))
        lines += [f"\t{line}" for line in _answer_lines(question, choices)]
        if general:
            lines.append(f"\t{general}")
        lines.append("}")
    return "\n".join(lines)


def export_gift(quiz):
    """The quiz as Moodle-valid GIFT, in [markdown] format, readable back by parse_gift."""
    title = " ".join(quiz.title.split())
    parts = [
        f"// {title}\n// Exported from stressed (GIFT format; text is Markdown).",
        f"$CATEGORY: stressed/{quiz.slug}",
    ]
    parts += [_export_question(q) for q in quiz.questions.live().prefetch_related("choices")]
    return "\n\n".join(parts) + "\n"


# Import into the database ------------------------------------------------------------------


def import_gift_into_quiz(text, quiz=None, *, title="", slug="", source="upload.gift", lesson=None):
    """Parse `text` and store its questions: on a new draft quiz (`quiz` None; needs `title`
    and `slug`), or replacing the questions of `quiz`. All or nothing: raises ContentError
    with every problem and stores nothing. Returns (quiz, GiftResult)."""
    from stressed.quizzes.models import Quiz
    from stressed.quizzes.writer import prepare_questions, write_questions

    result = parse_gift(text, source)
    problems = Problems()
    if not result.questions:
        problems.add(source, 1, "no questions to import (descriptions and essays are skipped)")
    if len(result.questions) > MAX_QUESTIONS:
        problems.add(
            source,
            1,
            f"a quiz has at most {MAX_QUESTIONS} questions; this file has {len(result.questions)}",
        )
    if quiz is None:
        if not title:
            problems.add(source, 1, "the new quiz needs a title")
        if not slug or not re.fullmatch(r"[-a-zA-Z0-9_]{1,100}", slug):
            problems.add(source, 1, "the new quiz needs a slug of letters, digits and hyphens")
        elif Quiz.objects.filter(slug=slug).exists():
            problems.add(source, 1, f"a quiz with the slug {slug!r} already exists")
    if problems:
        raise ContentError(problems)
    lesson = lesson or (quiz.lesson if quiz else None)
    if lesson is not None:
        sections = set(lesson.section_ids())
        for q in result.questions:
            if q.review and q.review not in sections:
                result.warnings.append(
                    f"{source}:{q.line}: review id {q.review!r} is not a "
                    f"heading id in lesson {lesson.slug!r}"
                )
    prepared = prepare_questions(result.questions)  # Markdown rendered outside the transaction
    try:
        with transaction.atomic():
            if quiz is None:
                quiz = Quiz(title=title, slug=slug, published=False)
            elif title:
                quiz.title = title
            quiz.lesson = lesson
            # Marked as an admin edit, so the content loader never overwrites the import.
            quiz.edited_in_admin = True
            quiz.save()
            result.written = write_questions(quiz, prepared)
    except IntegrityError:  # the slug was taken meanwhile
        problems.add(source, 1, f"a quiz with the slug {slug!r} already exists")
        raise ContentError(problems) from None
    return quiz, result

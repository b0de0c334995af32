"""Moodle XML import and export (Moodle's default question export format).

The reader follows Moodle's own importer (question/format/xml/format.php, `import_question`
and the `import_<type>` methods) and produces the same QuestionData as the GIFT reader and
the content files:

- `<quiz>` holds `<question type="…">` elements. `category` questions set the category of
  the questions after them (nested categories are paths, `$course$/top/A/B`); each question
  keeps its own. `multichoice` (`<single>true</single>` single choice, else multiple
  select), `truefalse`, `shortanswer`, `numerical`, `matching` (or `match`) and `ordering`
  (qtype_ordering) are read; `description` and `essay`, which cannot be auto-graded, and
  types the site has no equivalent for (cloze, calculated, drag and drop…) are skipped with a
  warning naming the question.
- `<name>` is the title; `<idnumber>` the stable key (made a slug when it is not one);
  `<questiontext>` the prompt; `<generalfeedback>` the explanation; `<correctfeedback>`,
  `<partiallycorrectfeedback>` and `<incorrectfeedback>` the combined feedback; each
  `<answer fraction="…">` (a percentage) an option with its `<feedback>`. A `*` answer of a
  short-answer or numerical question is "any other answer"; a `<subquestion>` with an answer
  and no text is a matching distractor. Numerical units are not kept (a warning says so).
- Text formats: `html` and `markdown` are kept (HTML goes through the site's sanitizer when
  rendered, like all Markdown); `plain_text`, `moodle_auto_format` and `wiki_like` are shown
  as typed. Short answers, numbers and the right-hand items of matching are plain strings, as
  in Moodle.
- Images: a text's `<file name="x.png" encoding="base64">` children are decoded and given the
  checks of an upload (real PNG or JPEG, at most 2 MB and 25 megapixels, re-encoded from the
  pixels alone: stressed.core.images), and `@@PLUGINFILE@@/x.png` in the text becomes the
  stored image's URL. A reference to a file the text does not carry is a problem.

Safety: the file is at most MAX_BYTES; it is parsed by defusedxml with DTDs forbidden (so no
entity expansion, "billion laughs", and no external entities), and elements nested deeper
than MAX_DEPTH are refused. Every problem in the file is reported with its line and the
question's name before ContentError is raised; nothing is stored unless there is none.

The writer produces what Moodle's importer reads, in the shape of Moodle's own export: text in
`format="markdown"` (the site's source), fractions as percentages, a `category` question
before the questions of each category (`stressed/<quiz slug>` for questions that have none),
the key as `<idnumber>`, and stored images embedded as base64 `<file>`s. Like the GIFT export
it adds XML comments that Moodle ignores and this reader reads back: `<!-- review: id -->` in a
question, `<!-- misconception: tag -->` in an option, and `<!-- range: min..max -->` in a
numeric answer that is a range (Moodle stores it as the middle ± half the width).
"""

import base64
import binascii
import html
import math
import re
from dataclasses import dataclass, field
from urllib.parse import unquote
from xml.etree.ElementTree import Element, TreeBuilder

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser, ParseError
from django.conf import settings
from django.core.files.storage import default_storage

from stressed.content.errors import ContentError, Problems
from stressed.content.questions import QuestionData, length_problems
from stressed.core.images import ImageRejected, clean_image, image_name, image_url
from stressed.quizzes import types
from stressed.quizzes.giftsyntax import plain_to_markdown
from stressed.quizzes.importing import give_keys, import_into_quiz, lint_warnings
from stressed.quizzes.types import check_question

__all__ = [
    "MAX_BYTES",
    "MoodleXmlResult",
    "export_moodle_xml",
    "import_moodle_xml_into_quiz",
    "moodle_xml_export",
    "parse_moodle_xml",
]

MAX_BYTES = 10 * 1024 * 1024  # images come embedded, so more than a GIFT file's 1 MB
MAX_DEPTH = 30  # Moodle's deepest is 6 (quiz/question/answer/feedback/text)
MAX_KEY_INPUT = 100  # Moodle's idnumber is at most 100 characters
KEPT_FORMATS = ("html", "markdown")
PLAIN_FORMATS = ("plain_text", "moodle_auto_format", "wiki_like")
SKIPPED = {
    "description": "it has no answer to grade",
    "essay": "essays cannot be auto-graded",
}
PLUGINFILE = re.compile(r"@@PLUGINFILE@@/([^\s\"'<>()]+)")
# Moodle's grade list (question_bank::fraction_options_full), positive and negative.
MOODLE_GRADES = (1, 0.9, 0.8333333, 0.8, 0.75, 0.7, 0.6666667, 0.6, 0.5, 0.4, 0.3333333, 0.3,
                 0.25, 0.2, 0.1666667, 0.1428571, 0.125, 0.1111111, 0.1, 0.05, 0)  # fmt: skip
INVALID_XML_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


# Parsing ------------------------------------------------------------------------------------


class Node(Element):
    """An element that knows its line and the comments written directly inside it."""

    line = 1

    def __init__(self, tag, attrib=None, **extra):
        super().__init__(tag, attrib or {}, **extra)
        self.comments = []


class LineTarget:
    """Builds the tree for DefusedXMLParser, recording each element's line (expat's current
    line when the start tag is read), comments, and refusing deep nesting."""

    def __init__(self):
        self.builder = TreeBuilder(element_factory=Node)
        self.xml = None  # the DefusedXMLParser, set once it exists
        self.stack = []

    def start(self, tag, attrs):
        if len(self.stack) >= MAX_DEPTH:
            raise TooDeep(self.xml.parser.CurrentLineNumber)
        element = self.builder.start(tag, attrs)
        element.line = self.xml.parser.CurrentLineNumber
        self.stack.append(element)
        return element

    def end(self, tag):
        self.stack.pop()
        return self.builder.end(tag)

    def data(self, data):
        self.builder.data(data)

    def comment(self, text):
        if self.stack:
            self.stack[-1].comments.append(text.strip())

    def close(self):
        return self.builder.close()


class TooDeep(Exception):
    def __init__(self, line):
        super().__init__(line)
        self.line = line


def read_tree(data, source, problems):
    """The root element of `data` (bytes), or None with the problem recorded."""
    if len(data) > MAX_BYTES:
        problems.add(
            source,
            1,
            f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB; export fewer "
            "questions at a time",
        )
        return None
    target = LineTarget()
    parser = DefusedXMLParser(target=target, forbid_dtd=True)
    target.xml = parser
    try:
        parser.feed(data)
        root = parser.close()
    except ParseError as error:
        line = error.position[0] if error.position else 1
        problems.add(source, line, f"this is not well-formed XML: {error}")
        return None
    except TooDeep as error:
        problems.add(
            source,
            error.line,
            f"elements are nested more than {MAX_DEPTH} deep; Moodle XML never is",
        )
        return None
    except DefusedXmlException:
        line = parser.parser.CurrentLineNumber
        problems.add(
            source,
            line,
            "the file declares a DTD or entities (<!DOCTYPE …>, <!ENTITY …>), which Moodle XML "
            "never has and which can expand without bound or read other files: refused",
        )
        return None
    if root.tag != "quiz":
        problems.add(source, root.line, f"the root element is <{root.tag}>, not Moodle's <quiz>")
        return None
    return root


# Reading questions ----------------------------------------------------------------------------


@dataclass
class MoodleXmlResult:
    questions: list = field(default_factory=list)
    categories: list = field(default_factory=list)  # every category path, in file order
    warnings: list = field(default_factory=list)
    images: dict = field(default_factory=dict)  # storage name -> checked, re-encoded bytes
    written: object = None  # the writer's report, once stored

    @property
    def category(self):
        return self.categories[0] if self.categories else ""


def child(element, tag):
    return element.find(tag) if element is not None else None


def plain_text(element):
    """The trimmed text of an element's <text> child (Moodle's getpath(..., istext))."""
    text = child(element, "text")
    return (text.text or "").strip() if text is not None else ""


def own_text(element):
    return (element.text or "").strip() if element is not None else ""


class QuestionReader:
    """Reads one <question> into a QuestionData, or records why it cannot."""

    def __init__(self, element, source, result, problems, category):
        self.element, self.source, self.result, self.problems = (
            element,
            source,
            result,
            problems,
        )
        self.category = category
        self.line = element.line
        self.title = plain_text(child(element, "name"))
        self.failed = False
        self.text_format = "html"

    @property
    def where(self):
        return f'question "{self.title}": ' if self.title else "question: "

    def fail(self, message, line=None):
        self.problems.add(self.source, line or self.line, self.where + message)
        self.failed = True

    def warn(self, message):
        self.result.warnings.append(f"{self.source}:{self.line}: {self.where}{message}")

    # Text ----------------------------------------------------------------------------------

    def rich(self, element, what, default_format=None):
        """Markdown for a text element with a format attribute and maybe <file>s."""
        if element is None:
            return ""
        fmt = (element.get("format") or default_format or self.text_format).strip()
        if fmt not in KEPT_FORMATS + PLAIN_FORMATS:
            self.warn(f"the {what} is in the unknown format {fmt!r}; read as HTML, as Moodle does")
            fmt = "html"
        text = self.with_images(plain_text(element), element, what)
        return text if fmt in KEPT_FORMATS else plain_to_markdown(text)

    def with_images(self, text, element, what):
        files = {}
        for node in element.findall("file"):
            path = (node.get("path") or "/").strip()
            files[path.lstrip("/") + (node.get("name") or "").strip()] = node

        def replace(match):
            reference = unquote(match.group(1))
            node = files.get(reference)
            if node is None:
                self.fail(
                    f"the {what} shows @@PLUGINFILE@@/{reference}, but the file has no "
                    f'<file name="{reference}"> for it',
                    element.line,
                )
                return match.group(0)
            return self.image(node, reference, what) or match.group(0)

        return PLUGINFILE.sub(replace, text)

    def image(self, node, name, what):
        """The stored URL of an embedded image, or None with a problem recorded."""
        if (node.get("encoding") or "base64").strip() != "base64":
            self.fail(f"the file {name!r} in the {what} is not base64-encoded", node.line)
            return None
        try:
            data = base64.b64decode("".join((node.text or "").split()), validate=True)
        except (binascii.Error, ValueError):
            self.fail(f"the file {name!r} in the {what} is not valid base64", node.line)
            return None
        try:
            content, extension = clean_image(data)
        except ImageRejected as error:
            self.fail(f"the image {name!r} in the {what}: {error}", node.line)
            return None
        stored = image_name(content, extension)
        self.result.images[stored] = content
        return image_url(stored)

    def fraction(self, answer):
        raw = (answer.get("fraction") or "0").strip()
        try:
            value = round(float(raw) / 100, 7)  # Moodle keeps 7 decimals
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            self.fail(
                f'the fraction "{raw}" is not a percentage like 100 or -33.33333', answer.line
            )
            return 0.0
        return value

    def number(self, text, what, line):
        try:
            value = float(text.strip())
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            self.fail(f"the {what} {text.strip()!r} is not a number", line)
            return None
        return value

    def misconception(self, answer):
        for comment in answer.comments:
            if match := re.fullmatch(r"misconception:\s*([a-z0-9]+(?:-[a-z0-9]+)*)", comment):
                return match.group(1)[:80]
        return ""

    def combined_feedback(self, question):
        question.correct_feedback = self.rich(
            child(self.element, "correctfeedback"), "feedback for a right answer"
        )
        question.partial_feedback = self.rich(
            child(self.element, "partiallycorrectfeedback"), "feedback for a partly right answer"
        )
        question.incorrect_feedback = self.rich(
            child(self.element, "incorrectfeedback"), "feedback for a wrong answer"
        )

    def shuffle_note(self):
        shuffle = child(self.element, "shuffleanswers")
        if shuffle is not None and own_text(shuffle).lower() in ("false", "0"):
            self.warn("the options are not shuffled in Moodle; here they always are")

    # For the types' xml_read: the helpers of this module, as methods.
    child = staticmethod(child)
    plain = staticmethod(plain_text)
    own = staticmethod(own_text)

    def read(self, kind):
        """`kind` (a question type from the registry) reads the answers."""
        questiontext = child(self.element, "questiontext")
        if questiontext is not None:
            self.text_format = (questiontext.get("format") or "html").strip()
        if not self.title:
            return self.fail("the question has no <name><text>, which Moodle requires")
        if len(self.title) > 200:
            self.fail("the name is longer than 200 characters")
        name, choices = kind.xml_read(self)
        question = QuestionData(
            type=name,
            prompt=self.rich(questiontext, "question text", "html"),
            explanation=self.rich(child(self.element, "generalfeedback"), "general feedback"),
            title=self.title,
            key=own_text(child(self.element, "idnumber"))[:MAX_KEY_INPUT],
            line=self.line,
            choices=choices,
            category=self.category,
        )
        if kind.xml_combined_feedback:
            self.combined_feedback(question)
        for comment in self.element.comments:
            if match := re.fullmatch(r"review:\s*(\S+)", comment):
                question.review = match.group(1)[:100]
        for message in length_problems(question):
            self.fail(message)
        if not self.failed:
            for message in check_question(question):
                self.fail(message)
        return None if self.failed else question


def parse_moodle_xml(data, source="upload.xml"):
    """Parse Moodle XML (bytes). Raises ContentError listing every problem; returns a
    MoodleXmlResult whose images are checked but not yet stored."""
    problems, result = Problems(), MoodleXmlResult()
    root = read_tree(data, source, problems)
    category = ""
    for element in [] if root is None else root:
        if not isinstance(element.tag, str) or element.tag != "question":
            continue
        qtype = (element.get("type") or "").strip()
        if qtype == "category":
            category = plain_text(child(element, "category")) or own_text(
                child(element, "category")
            )
            category = category.strip()[:255]
            result.categories.append(category)
            continue
        reader = QuestionReader(element, source, result, problems, category)
        kind = types.xml_reader(qtype)
        if not qtype:
            reader.fail('a <question> needs a type, like type="multichoice"')
        elif kind is None:
            why = SKIPPED.get(qtype, "the site has no question of this type")
            name = reader.title or plain_text(child(element, "questiontext"))[:60]
            result.warnings.append(
                f"skipped {qtype} question '{name}' at line {reader.line}: {why}"
            )
        elif question := reader.read(kind):
            result.questions.append(question)
    if problems:
        raise ContentError(problems)
    result.warnings += lint_warnings(result.questions, source)
    give_keys(result.questions)
    return result


def import_moodle_xml_into_quiz(
    data, quiz=None, *, title="", slug="", source="upload.xml", lesson=None
):
    """Parse `data` (bytes) and store its questions and images; see importing.import_into_quiz.
    All or nothing: raises ContentError with every problem. Returns (quiz, MoodleXmlResult)."""
    return import_into_quiz(
        parse_moodle_xml(data, source), quiz, title=title, slug=slug, source=source, lesson=lesson
    )


# Export -----------------------------------------------------------------------------------


def xml_escape(value):
    """Moodle's xml_escape: CDATA when the text has markup characters."""
    value = INVALID_XML_CHARS.sub("", value or "")
    if value and html.escape(value) != value:
        return "<![CDATA[" + value.replace("]]>", "]]]]><![CDATA[>") + "]]>"
    return value


def percent(fraction):
    """A fraction as Moodle's percentage: 100, 50, -33.33333 (7 significant decimals at
    most, which Moodle matches to its grade list)."""
    value = f"{fraction * 100:.5f}".rstrip("0").rstrip(".")
    return "0" if value in ("", "-0") else value


def comment_text(value):
    """`value` made safe inside <!-- -->, which may hold neither "--" nor end with "-"."""
    value = INVALID_XML_CHARS.sub("", " ".join(value.split()))
    while "--" in value:
        value = value.replace("--", "-")
    return value.rstrip("-")


class Writer:
    def __init__(self):
        self.media_path = settings.MARKDOWNX_MEDIA_PATH
        self.media_prefix = default_storage.url(self.media_path)
        self.warnings = []
        self.off_grid = set()  # percentages that are not among Moodle's grades

    def text(self, raw, indent):
        """`<text>…</text>` and the <file>s of the stored images `raw` shows."""
        pad = "  " * indent
        files = []

        def embed(match):
            url = match.group(0)
            name = url[len(self.media_prefix) :]
            path = self.media_path + name
            if not default_storage.exists(path):
                self.warnings.append(f"the image {url} is missing from storage; not embedded")
                return url
            with default_storage.open(path, "rb") as stored:
                content = base64.b64encode(stored.read()).decode("ascii")
            if name not in (n for n, _ in files):
                files.append((name, content))
            return f"@@PLUGINFILE@@/{name}"

        pattern = re.escape(self.media_prefix) + r"[A-Za-z0-9_-]+\.(?:png|jpg)"
        raw = re.sub(pattern, embed, raw or "")
        out = f"{pad}<text>{xml_escape(raw)}</text>\n"
        for name, content in files:
            out += f'{pad}<file name="{name}" path="/" encoding="base64">{content}</file>\n'
        return out

    def field(self, tag, raw, indent=2, fmt="markdown"):
        pad = "  " * indent
        return f'{pad}<{tag} format="{fmt}">\n{self.text(raw, indent + 1)}{pad}</{tag}>\n'

    def answer(self, choice, text, *, fmt="markdown", extra="", comments=()):
        self.check_grade(choice.fraction)
        out = f'    <answer fraction="{percent(choice.fraction)}" format="{fmt}">\n'
        out += self.text(text, 3)
        out += self.field("feedback", choice.feedback, 3)
        out += extra
        if tag := comment_text(choice.misconception):
            comments = [*comments, f"misconception: {tag}"]
        out += "".join(f"      <!-- {c} -->\n" for c in comments)
        return out + "    </answer>\n"

    def check_grade(self, fraction):
        if not any(math.isclose(abs(fraction), g, abs_tol=1e-6) for g in MOODLE_GRADES):
            self.off_grid.add(percent(fraction))

    def combined(self, question):
        return (
            self.field("correctfeedback", question.correct_feedback)
            + self.field("partiallycorrectfeedback", question.partial_feedback)
            + self.field("incorrectfeedback", question.incorrect_feedback)
        )

    # For the types' xml_write --------------------------------------------------------------

    @staticmethod
    def number(value):
        return repr(float(value)).removesuffix(".0")

    @staticmethod
    def element(tag, value, indent=3):
        return f"{'  ' * indent}<{tag}>{xml_escape(value)}</{tag}>\n"

    def question(self, question):
        written = types.of(question).xml_write(self, question, list(question.choices.all()))
        if written is None:
            return None
        qtype, body = written
        penalty = "1.0000000" if qtype == "truefalse" else "0.3333333"
        out = f"<!-- question: {question.pk}  -->\n"
        out += f'  <question type="{qtype}">\n'
        out += "    <name>\n" + self.text(question.title or f"Q{question.order}", 3)
        out += "    </name>\n"
        out += self.field("questiontext", question.prompt)
        out += self.field("generalfeedback", question.explanation)
        out += "    <defaultgrade>1.0000000</defaultgrade>\n"
        out += f"    <penalty>{penalty}</penalty>\n"
        out += "    <hidden>0</hidden>\n"
        out += f"    <idnumber>{xml_escape(question.key)}</idnumber>\n"
        if question.review_anchor:
            out += f"    <!-- review: {comment_text(question.review_anchor)} -->\n"
        return out + body + "  </question>\n"

    @staticmethod
    def category(path):
        return (
            "<!-- question: 0  -->\n"
            '  <question type="category">\n'
            "    <category>\n"
            f"      <text>{xml_escape(path)}</text>\n"
            "    </category>\n"
            '    <info format="moodle_auto_format">\n'
            "      <text></text>\n"
            "    </info>\n"
            "    <idnumber></idnumber>\n"
            "  </question>\n"
        )


def moodle_xml_export(quiz):
    """(the quiz as Moodle XML, warnings). Every question type the site has is written."""
    writer = Writer()
    parts, current = [], None
    for question in quiz.questions.live().prefetch_related("choices"):
        block = writer.question(question)
        if block is None:
            name = question.title or question.key
            writer.warnings.append(f"skipped question '{name}': no Moodle XML for {question.type}")
            continue
        # Each question under its own category, written where it changes, as Moodle does.
        category = question.category or f"stressed/{quiz.slug}"
        if category != current:
            parts.append(writer.category(category))
            current = category
        parts.append(block)
    if writer.off_grid:
        writer.warnings.append(
            f"weights {', '.join(sorted(writer.off_grid, key=float))} (%) are not among Moodle's "
            "grades: when importing into Moodle, choose 'Nearest grade if not listed' under "
            "'Match grades'"
        )
    text = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n'
        f"<!-- {comment_text(quiz.title)}: exported from stressed (Moodle XML; text is "
        "Markdown) -->\n" + "\n".join(parts) + "\n</quiz>\n"
    )
    return text, writer.warnings


def export_moodle_xml(quiz):
    return moodle_xml_export(quiz)[0]

"""The one place Markdown becomes HTML.

Every Markdown field on the site (lessons, quiz text, glossary definitions, the markdownx
preview) goes through `render` or `render_document`: Python-Markdown, then nh3 against an
explicit allowlist. Nothing else in the project turns user text into markup.
"""

import re
from dataclasses import dataclass, field
from html import escape, unescape

import markdown
import nh3
from markdown.extensions import Extension
from markdown.extensions.footnotes import FootnoteInlineProcessor
from markdown.inlinepatterns import (
    IMAGE_LINK_RE,
    IMAGE_REFERENCE_RE,
    LINK_RE,
    REFERENCE_RE,
    ImageInlineProcessor,
    ImageReferenceInlineProcessor,
    LinkInlineProcessor,
    ReferenceInlineProcessor,
    ShortImageReferenceInlineProcessor,
    ShortReferenceInlineProcessor,
)
from markdown.preprocessors import Preprocessor

# Longest Markdown source, in characters. The admin's forms and the content loader refuse longer
# text with a message; `render_document` shows a notice instead of rendering it. Documented in
# docs/content-format.md ("Limits").
MAX_FRAGMENT_LENGTH = 20_000  # prompts, options, feedback, explanations, intros, definitions
MAX_DOCUMENT_LENGTH = 50_000  # a lesson body (the longest lesson is about 18,000)

EXTENSIONS = ["toc", "attr_list", "tables", "footnotes", "fenced_code", "sane_lists", "abbr"]
EXTENSION_CONFIGS = {"toc": {"toc_depth": "2-3"}}

ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "caption",
    "code",
    "dd",
    "del",
    "details",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "kbd",
    "li",
    "mark",
    "ol",
    "p",
    "pre",
    "s",
    "small",
    "span",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "*": {"id", "title"},
    "a": {"href"},
    "abbr": {"title"},
    "img": {"src", "alt", "width", "height", "loading"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align", "scope"},
    "ol": {"start"},
}
# Classes authors may use; anything else is dropped. Footnote classes come from the
# footnotes extension itself.
ALLOWED_CLASSES = {
    "p": {
        "evidence",
        "evidence-strong",
        "evidence-moderate",
        "evidence-low",
        "evidence-very-low",
        "evidence-mixed",
        "note",
        "lead",
    },
    "div": {"footnote", "callout", "note"},
    "a": {"footnote-ref", "footnote-backref"},
    "figure": {"wide"},
    "table": {"compact"},
}
URL_SCHEMES = {"http", "https", "mailto"}
# Images only from our own static files or uploads: no tracking pixels, no data: URLs.
IMAGE_PREFIXES = ("/static/", "/media/")


def _filter_attribute(tag, attribute, value):
    if tag == "img" and attribute == "src" and not value.startswith(IMAGE_PREFIXES):
        return None
    return value


_cleaner_options = {
    "tags": ALLOWED_TAGS,
    "attributes": ALLOWED_ATTRIBUTES,
    "allowed_classes": ALLOWED_CLASSES,
    "url_schemes": URL_SCHEMES,
    "attribute_filter": _filter_attribute,
    "clean_content_tags": {"script", "style"},
    "link_rel": "noopener noreferrer",
}


def sanitize(html: str) -> str:
    """Reduce any HTML to the allowlist above."""
    return nh3.clean(html, **_cleaner_options)


@dataclass
class Rendered:
    html: str
    toc: list = field(default_factory=list)


def _simplify_toc(tokens):
    return [
        {
            "id": t["id"],
            "title": t["name"],
            "level": t["level"],
            "children": _simplify_toc(t["children"]),
        }
        for t in tokens
    ]


# Python-Markdown scans forward from every "[" for its "]" and from every "](" for its ")", and
# the standard library's HTML parser (which Markdown feeds the whole text) scans from every
# unclosed "<tag" to the next ">": each unclosed opener costs the rest of the paragraph, so
# 20,000 "[" took 40 s. The guards below keep every such scan short and the total bounded,
# without changing the output of any ordinary text:
LINK_TEXT_WINDOW = 1_000  # "[" … "]": longer link or image text stays literal
LINK_TARGET_WINDOW = 2_000  # "(" … ")" or "[id]" after it: longer targets stay literal
SCAN_BUDGET_BASE = 200_000  # characters all link scans of one text may read, plus
SCAN_BUDGET_PER_CHAR = 10  # this many per character of the text
MAX_UNCLOSED_TAGS = 20  # "<tag" openers in a row with no ">": later ones become &lt;
MAX_MARKED_SECTIONS = 20  # "<![CDATA[" and friends, each scanned to its "]]>"
MAX_ABBREVIATIONS = 100  # "*[ABBR]: …" definitions, all joined into one regular expression
FOOTNOTE_REF_RE = r"\[\^([^\]]{1,100})\]"  # the extension's own allows any length


class ScanBudget:
    """Characters the link processors of one conversion may still read."""

    def __init__(self, chars):
        self.left = chars

    def spend(self, chars):
        self.left -= chars


class BoundedScans:
    """Mixin for Python-Markdown's link processors: every scan reads a bounded window of the
    paragraph, and all scans together at most the budget; after that "[" stays literal."""

    def __init__(self, pattern, md, budget):
        super().__init__(pattern, md)
        self.budget = budget

    def getText(self, data, index):  # noqa: N802 - Python-Markdown's name
        if self.budget.left <= 0:
            return "", index, False
        window = data[: index + LINK_TEXT_WINDOW]
        text, end, handled = super().getText(window, index)
        self.budget.spend((end if handled else len(window)) - index)
        return text, end, handled

    def getLink(self, data, index):  # noqa: N802 - Python-Markdown's name
        if self.budget.left <= 0:
            return "", None, index, False
        window = data[: index + LINK_TARGET_WINDOW]
        href, title, end, handled = super().getLink(window, index)
        self.budget.spend((end if handled else len(window)) - index)
        return href, title, end, handled

    def evalId(self, data, index, text):  # noqa: N802 - Python-Markdown's name
        return super().evalId(data[: index + LINK_TARGET_WINDOW], index, text)


class BoundedLink(BoundedScans, LinkInlineProcessor):
    pass


class BoundedImage(BoundedScans, ImageInlineProcessor):
    pass


class BoundedReference(BoundedScans, ReferenceInlineProcessor):
    pass


class BoundedImageReference(BoundedScans, ImageReferenceInlineProcessor):
    pass


class BoundedShortReference(BoundedScans, ShortReferenceInlineProcessor):
    pass


class BoundedShortImageReference(BoundedScans, ShortImageReferenceInlineProcessor):
    pass


# The same names, patterns and priorities as Python-Markdown's own (build_inlinepatterns).
BOUNDED_PROCESSORS = [
    (BoundedReference, REFERENCE_RE, "reference", 170),
    (BoundedLink, LINK_RE, "link", 160),
    (BoundedImage, IMAGE_LINK_RE, "image_link", 150),
    (BoundedImageReference, IMAGE_REFERENCE_RE, "image_reference", 140),
    (BoundedShortReference, REFERENCE_RE, "short_reference", 130),
    (BoundedShortImageReference, IMAGE_REFERENCE_RE, "short_image_ref", 125),
]

MAX_NESTING = 10  # list and quote markers opening one line ("> > - 1. …"): one level each
HTML_OPENER = re.compile(r"<!\[|<[A-Za-z!?/]|>")
ABBREVIATION = re.compile(r"^ {0,3}\*\[")
CONTAINER_MARKER = re.compile(r"[ \t]*(?:>|[-*+](?=[ \t])|\d{1,9}(?=[.)][ \t]))")
THEMATIC_BREAK = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")


def limit_nesting(line):
    """Escape the list or quote marker that would open the 11th level on this line (a deeper
    structure recursed until Python gave up, or took seconds)."""
    if THEMATIC_BREAK.match(line):
        return line
    position = 0
    for level in range(MAX_NESTING + 1):
        match = CONTAINER_MARKER.match(line, position)
        if not match:
            return line
        # The marker's last character: ">", "-", "*", "+", or the "." or ")" after digits.
        marker = match.end() if line[match.end() - 1].isdigit() else match.end() - 1
        if level == MAX_NESTING:
            return line[:marker] + "\\" + line[marker:]
        position = marker + 1
    return line


class OpenerGuard(Preprocessor):
    """Escapes what would make the block or HTML parser rescan or recurse: the 21st and later
    "<tag" in a row with no ">" between them, marked sections beyond the 20th, abbreviation
    definitions beyond the 100th, and list or quote nesting beyond 10 levels on one line.
    Runs after fenced code is set aside, before the HTML block parser."""

    def run(self, lines):
        abbreviations = 0
        for number, line in enumerate(lines):
            if ABBREVIATION.match(line):
                abbreviations += 1
                if abbreviations > MAX_ABBREVIATIONS:
                    line = "\\" + line.lstrip(" ")
            lines[number] = limit_nesting(line)
        text = "\n".join(lines)
        if "<" not in text:
            return lines
        parts, last, in_a_row, sections = [], 0, 0, 0
        for match in HTML_OPENER.finditer(text):
            opener = match.group(0)
            if opener == ">":
                in_a_row = 0
                continue
            in_a_row += 1
            sections += opener == "<!["
            if in_a_row > MAX_UNCLOSED_TAGS or sections > MAX_MARKED_SECTIONS:
                parts.append(text[last : match.start()])
                parts.append("&lt;")
                last = match.start() + 1
        if not parts:
            return lines
        parts.append(text[last:])
        return "".join(parts).split("\n")


class Guards(Extension):
    """Keeps rendering time bounded (see the constants above). What remains superlinear is
    Python-Markdown copying a paragraph once per inline match, which MAX_DOCUMENT_LENGTH bounds:
    the worst text measured at that length renders in about a second."""

    def __init__(self, budget, **kwargs):
        super().__init__(**kwargs)
        self.budget = budget

    def extendMarkdown(self, md):  # noqa: N802 - Python-Markdown's name
        for processor, pattern, name, priority in BOUNDED_PROCESSORS:
            md.inlinePatterns.register(processor(pattern, md, self.budget), name, priority)
        if "footnote" in md.inlinePatterns:
            footnotes = md.inlinePatterns["footnote"].footnotes
            md.inlinePatterns.register(
                FootnoteInlineProcessor(FOOTNOTE_REF_RE, footnotes), "footnote", 175
            )
        md.preprocessors.register(OpenerGuard(md), "stressed_opener_guard", 22)


def too_long_notice(text):
    message = (
        f"This text is {len(text):,} characters long; the limit is {MAX_DOCUMENT_LENGTH:,}. "
        "It was not rendered."
    )
    return f'<p class="note">{escape(message)}</p>'


def render_document(text: str) -> Rendered:
    """Render a whole document; also return its table of contents (h2/h3 with stable ids).

    Never slow: text over MAX_DOCUMENT_LENGTH is not rendered (a notice says so), and the
    guards bound the work for the rest."""
    text = text or ""
    if len(text) > MAX_DOCUMENT_LENGTH:
        return Rendered(html=too_long_notice(text))
    budget = ScanBudget(SCAN_BUDGET_BASE + SCAN_BUDGET_PER_CHAR * len(text))
    md = markdown.Markdown(
        extensions=[*EXTENSIONS, Guards(budget)], extension_configs=EXTENSION_CONFIGS
    )
    try:
        converted = md.convert(text)
    except RecursionError:
        # The nesting guard stops every deep structure we know of; should another appear,
        # the reader still gets the text rather than an error page.
        return Rendered(html=f"<pre>{escape(text)}</pre>")
    return Rendered(html=wrap_tables(sanitize(converted)), toc=_simplify_toc(md.toc_tokens))


TABLE_RE = re.compile(r"<table\b[^>]*>.*?</table>", re.S)
CAPTION_RE = re.compile(r"<caption\b[^>]*>(.*?)</caption>", re.S)
HEADER_RE = re.compile(r"<th\b[^>]*>(.*?)</th>", re.S)
TAG_RE = re.compile(r"<[^>]+>")


def _table_label(table):
    """A name for a table's scroll region: its caption, else its column headings."""
    caption = CAPTION_RE.search(table)
    text = caption.group(1) if caption else ", ".join(HEADER_RE.findall(table)[:4])
    text = " ".join(unescape(TAG_RE.sub("", text)).split())
    return f"Table: {text}"[:120] if text else "Table"


def wrap_tables(html):
    """Put each table in a scroll region of its own (wide tables scroll sideways on a phone,
    not the page), one that a keyboard can focus and scroll and that has a name. Runs after
    sanitizing: the wrapper is ours, never the author's; the label is text from the already
    sanitized table, escaped again."""

    def wrap(match):
        label = escape(_table_label(match.group(0)), quote=True)
        return (
            f'<div class="table-scroll" role="region" tabindex="0" aria-label="{label}">'
            f"{match.group(0)}</div>"
        )

    return TABLE_RE.sub(wrap, html)


def render(text: str) -> str:
    """Render a Markdown fragment to safe HTML (also markdownx's preview function)."""
    return render_document(text).html


def render_inline(text: str) -> str:
    """Render a short fragment such as an option label without the wrapping paragraph."""
    html = render(text).strip()
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return html

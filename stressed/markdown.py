"""The one place Markdown becomes HTML.

Every Markdown field on the site (lessons, quiz text, glossary definitions, the markdownx
preview) goes through `render` or `render_document`: Python-Markdown, then nh3 against an
explicit allowlist. Nothing else in the project turns user text into markup.
"""

from dataclasses import dataclass, field

import markdown
import nh3

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


def render_document(text: str) -> Rendered:
    """Render a whole document; also return its table of contents (h2/h3 with stable ids)."""
    md = markdown.Markdown(extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS)
    html = sanitize(md.convert(text or ""))
    return Rendered(html=html, toc=_simplify_toc(md.toc_tokens))


def render(text: str) -> str:
    """Render a Markdown fragment to safe HTML (also markdownx's preview function)."""
    return render_document(text).html


def render_inline(text: str) -> str:
    """Render a short fragment such as an option label without the wrapping paragraph."""
    html = render(text).strip()
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return html

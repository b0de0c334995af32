"""Glossary auto-linking over rendered, sanitized lesson HTML.

The first mention of each term (by name or alias) in each section becomes a link to the term's
page, followed by a popover holding its short definition. It works on the HTML token stream, so
it never links inside headings, existing links, code, figure captions or summaries. Longest
match wins ("dopamine β-hydroxylase" before "dopamine").
"""

import re
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from html import escape
from html.parser import HTMLParser

from stressed.glossary.models import Occurrence, Term

SKIP_TAGS = {
    "a",
    "code",
    "pre",
    "kbd",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "figcaption",
    "summary",
    "abbr",
    "sup",
    "script",
    "style",
    "button",
    "label",
}
SECTION_TAGS = {"h2", "h3"}
VOID_TAGS = {"br", "hr", "img", "wbr", "col", "input", "source", "area"}
BOUNDARY = r"[\w\-\u2010-\u2015]"

_relinking_deferred = ContextVar("relinking_deferred", default=False)


@contextmanager
def defer_relinking():
    """Inside this block term saves don't re-link lessons; the caller re-links once at the end."""
    token = _relinking_deferred.set(True)
    try:
        yield
    finally:
        _relinking_deferred.reset(token)


def relinking_deferred() -> bool:
    return _relinking_deferred.get()


def is_case_sensitive(label: str) -> bool:
    """Short abbreviations (NE, ACh, NET) must not match ordinary words like 'ne' or 'net'."""
    return len(label) <= 4 and any(ch.isupper() for ch in label[1:] or label)


@dataclass
class Matcher:
    pattern: re.Pattern | None
    exact: dict
    folded: dict

    @classmethod
    def for_terms(cls, terms):
        exact, folded = {}, {}
        for term in terms:
            for label in [term.name, *term.alias_list]:
                if is_case_sensitive(label):
                    exact.setdefault(label, term)
                else:
                    folded.setdefault(label.lower(), term)
        labels = sorted(set(exact) | set(folded), key=len, reverse=True)
        if not labels:
            return cls(None, exact, folded)
        alternatives = "|".join(
            re.escape(label) if label in exact else f"(?i:{re.escape(label)})" for label in labels
        )
        pattern = re.compile(rf"(?<!{BOUNDARY})({alternatives})(?:s|es)?(?!{BOUNDARY})")
        return cls(pattern, exact, folded)

    def term_for(self, text):
        return self.exact.get(text) or self.folded.get(text.lower())


@dataclass
class Linked:
    html: str
    occurrences: list = field(default_factory=list)  # (term, section_id, section_title)


class _Linker(HTMLParser):
    def __init__(self, matcher):
        super().__init__(convert_charrefs=True)
        self.matcher = matcher
        self.out = []
        self.skip_depth = 0
        self.section_id = ""
        self.section_title = ""
        self.in_heading = False
        self.linked_in_section = set()
        self.occurrences = []
        self.tip_counter = 0

    def handle_starttag(self, tag, attrs):
        self.out.append(self.get_starttag_text() or "")
        if tag in VOID_TAGS:
            return
        if tag in SECTION_TAGS:
            self.section_id = dict(attrs).get("id") or ""
            self.section_title = ""
            self.in_heading = True
            self.linked_in_section = set()
        if tag in SKIP_TAGS:
            self.skip_depth += 1

    def handle_startendtag(self, tag, attrs):
        self.out.append(self.get_starttag_text() or "")

    def handle_endtag(self, tag):
        self.out.append(f"</{tag}>")
        if tag in SECTION_TAGS:
            self.in_heading = False
        if tag in SKIP_TAGS and self.skip_depth:
            self.skip_depth -= 1

    def handle_data(self, data):
        if self.in_heading:
            self.section_title += data
        if self.skip_depth or self.matcher.pattern is None:
            self.out.append(escape(data, quote=False))
            return
        position = 0
        for match in self.matcher.pattern.finditer(data):
            term = self.matcher.term_for(match.group(1))
            if term is None or term.pk in self.linked_in_section:
                continue
            self.linked_in_section.add(term.pk)
            self.out.append(escape(data[position : match.start()], quote=False))
            self.out.append(self._link(term, match.group(0)))
            position = match.end()
            self.occurrences.append((term, self.section_id, self.section_title.strip()))
        self.out.append(escape(data[position:], quote=False))

    def handle_entityref(self, name):  # only reached with convert_charrefs=False
        self.out.append(f"&{name};")

    def _link(self, term, text):
        self.tip_counter += 1
        tip_id = f"tip-{term.slug}-{self.tip_counter}"
        return (
            f'<span class="term-ref"><a class="term" href="{escape(term.get_absolute_url())}" '
            f'aria-describedby="{tip_id}">{escape(text, quote=False)}</a>'
            f'<span class="term-tip" role="tooltip" id="{tip_id}">'
            f"<strong>{escape(term.name, quote=False)}</strong> "
            f"{escape(term.short, quote=False)}</span></span>"
        )


def link_terms(html: str, matcher: Matcher | None = None) -> Linked:
    if matcher is None:
        matcher = Matcher.for_terms(Term.objects.all())
    linker = _Linker(matcher)
    linker.feed(html)
    linker.close()
    return Linked("".join(linker.out), linker.occurrences)


def record_occurrences(lesson, occurrences):
    Occurrence.objects.filter(lesson=lesson).delete()
    Occurrence.objects.bulk_create(
        [
            Occurrence(
                term=term,
                lesson=lesson,
                section_id=section_id[:100],
                section_title=title[:200],
                position=index,
            )
            for index, (term, section_id, title) in enumerate(occurrences)
        ]
    )

"""Keeps the search index (`Entry` rows) in step with the content.

Each lesson gives one entry per section (the text under each ## or ### heading, linked to
`#<heading id>`, plus its introduction), each glossary term one entry, each quiz one (its
title and intro). `index_lesson`, `index_term` and `index_quiz` replace a source's entries;
signals call them on every save and delete (stressed/search/signals.py), and `rebuild()` redoes
everything (`manage.py load_content` saves through the same signals)."""

from html.parser import HTMLParser

from django.db import transaction

from stressed.glossary.models import Term
from stressed.glossary.normalize import fold
from stressed.lessons.models import Lesson
from stressed.quizzes.models import Quiz
from stressed.search.models import Entry

HEADINGS = {"h2", "h3"}
BLOCKS = {"p", "li", "td", "th", "figcaption", "h2", "h3", "h4", "dd", "dt", "pre", "br"}


class _Sections(HTMLParser):
    """Splits sanitized lesson HTML into (heading id, heading text, body text) sections."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.sections = [["", "", []]]
        self.in_heading = False

    def handle_starttag(self, tag, attrs):
        if tag in HEADINGS:
            anchor = dict(attrs).get("id") or ""
            self.sections.append([anchor, "", []])
            self.in_heading = True
        elif tag in BLOCKS:
            self.sections[-1][2].append(" ")

    def handle_endtag(self, tag):
        if tag in HEADINGS:
            self.in_heading = False
        elif tag in BLOCKS:
            self.sections[-1][2].append(" ")

    def handle_data(self, data):
        if self.in_heading:
            self.sections[-1][1] += data
        else:
            self.sections[-1][2].append(data)


def squash(text):
    return " ".join(text.split())


def sections_of(html):
    parser = _Sections()
    parser.feed(html or "")
    parser.close()
    return [
        (anchor, squash(title), squash("".join(body))) for anchor, title, body in parser.sections
    ]


def html_text(html):
    return " ".join(body for _a, _t, body in sections_of(html) if body).strip()


def _entry(kind, source_id, url, title, body, *, anchor="", context="", published=True, position=0):
    return Entry(
        kind=kind,
        source_id=source_id,
        anchor=anchor[:100],
        url=url[:300],
        title=title[:300],
        context=context[:300],
        body=body,
        index_title=fold(title),
        index_body=fold(body),
        published=published,
        position=position,
    )


def _replace(kind, source_id, entries):
    with transaction.atomic():
        Entry.objects.filter(kind=kind, source_id=source_id).delete()
        Entry.objects.bulk_create(entries)


def lesson_entries(lesson):
    url = lesson.get_absolute_url()
    context = f"Lesson {lesson.order}: {lesson.title}"
    entries = []
    for position, (anchor, heading, body) in enumerate(sections_of(lesson.body_html)):
        if not anchor:  # the introduction, before the first heading
            heading, body = lesson.title, squash(f"{lesson.summary} {body}")
        if not (heading or body):
            continue
        entries.append(
            _entry(
                Entry.Kind.SECTION,
                lesson.pk,
                f"{url}#{anchor}" if anchor else url,
                heading or lesson.title,
                body,
                anchor=anchor,
                context=context,
                published=lesson.published,
                position=position,
            )
        )
    return entries


def index_lesson(lesson):
    _replace(Entry.Kind.SECTION, lesson.pk, lesson_entries(lesson))


def index_term(term):
    body = squash(f"{term.short} {' · '.join(term.alias_list)} {html_text(term.definition_html)}")
    title = term.name
    entry = _entry(Entry.Kind.TERM, term.pk, term.get_absolute_url(), title, body)
    # Aliases count as names: "NE" finds norepinephrine by its title column. The bars keep
    # them apart for ranking (search.query.tier); the tokenizers ignore them.
    entry.index_title = fold(" | ".join([term.name, *term.alias_list]))
    _replace(Entry.Kind.TERM, term.pk, [entry])


def index_quiz(quiz):
    body = html_text(quiz.intro_html)
    context = ""
    if quiz.lesson_id is not None:
        lesson = quiz.lesson
        context = f"Lesson {lesson.order}: {lesson.title}"
    entry = _entry(
        Entry.Kind.QUIZ,
        quiz.pk,
        quiz.get_absolute_url(),
        quiz.title,
        body,
        context=context,
        published=quiz.published,
    )
    _replace(Entry.Kind.QUIZ, quiz.pk, [entry])


def unindex(kind, source_id):
    Entry.objects.filter(kind=kind, source_id=source_id).delete()


def rebuild():
    with transaction.atomic():
        Entry.objects.all().delete()
        entries = []
        for lesson in Lesson.objects.all():
            entries += lesson_entries(lesson)
        Entry.objects.bulk_create(entries)
        for term in Term.objects.all():
            index_term(term)
        for quiz in Quiz.objects.select_related("lesson"):
            index_quiz(quiz)
    return Entry.objects.count()

"""Site search: lesson sections, glossary terms and quiz intros, on each database's own
full-text engine (SQLite FTS5, PostgreSQL full-text search with trigram similarity for
fuzzy matches), with escaped, highlighted snippets and a "Did you mean" from the site's own
vocabulary (rapidfuzz)."""

import re
from dataclasses import dataclass, field

from django.db import connection
from django.utils.html import escape
from django.utils.safestring import mark_safe
from rapidfuzz import fuzz, process

from stressed.core.cache import ContentMemo
from stressed.glossary.models import Term
from stressed.glossary.normalize import compact, fold
from stressed.search.models import Entry

MAX_QUERY = 100
MAX_TERMS = 8
LIMIT = 30
SNIPPET_WORDS = 28
TOKEN = re.compile(r"[a-z0-9]+")
WORD = re.compile(r"\w+")
_memo = ContentMemo()


@dataclass
class Hit:
    entry: Entry
    snippet: str


@dataclass
class Results:
    query: str
    hits: list = field(default_factory=list)
    suggestion: str = ""

    @property
    def groups(self):
        """Hits by kind (lesson sections, glossary terms, quizzes), the kind of the best hit
        first, for the template."""
        kinds = list(dict.fromkeys(hit.entry.kind for hit in self.hits))
        return [
            (Entry.Kind(kind).label, [hit for hit in self.hits if hit.entry.kind == kind])
            for kind in kinds
        ]


def tokens(query):
    """The query's words, folded (lower case, accents off, Greek spelled out): safe to put
    into either engine's query syntax, since only [a-z0-9] survive."""
    return TOKEN.findall(fold(query[:MAX_QUERY]))[:MAX_TERMS]


def search(query, limit=LIMIT):
    words = tokens(query)
    results = Results(query=query)
    if not words:
        return results
    if connection.vendor == "postgresql":
        entries = _postgres(words, limit * 2)
    else:
        entries = _sqlite(words, limit * 2)
    key = compact(query)
    entries = sorted(entries, key=lambda entry: tier(entry, key))[:limit]
    results.hits = [Hit(entry, snippet(entry.body, words)) for entry in entries]
    results.suggestion = suggest(query) if misspelt(words) else ""
    return results


def tier(entry, key):
    """The engine ranks by relevance; a name or alias typed in full still comes first
    ("NE" → norepinephrine), then titles that start with the query, then the rest."""
    names = [compact(name) for name in entry.index_title.split("|")]
    if key in names:
        return 0
    if any(name.startswith(key) for name in names):
        return 1
    return 2


def _published(ids):
    entries = Entry.objects.in_bulk(ids)
    return [entries[pk] for pk in ids if pk in entries and entries[pk].published]


def _sqlite(words, limit):
    # Every word must appear, the last one as a prefix (results come as you type). Each word
    # is quoted, so nothing the visitor types is FTS5 syntax. Titles weigh ten times more.
    match = " ".join(f'"{word}"' for word in words[:-1])
    match = f'{match} "{words[-1]}"*'.strip()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rowid FROM search_entry_fts WHERE search_entry_fts MATCH %s "
            "ORDER BY bm25(search_entry_fts, 10.0, 1.0) LIMIT %s",
            [match, limit * 2],
        )
        ids = [row[0] for row in cursor.fetchall()]
    return _published(ids)[:limit]


def _postgres(words, limit):
    from django.contrib.postgres.search import (
        SearchQuery,
        SearchRank,
        SearchVector,
        TrigramWordSimilarity,
    )

    vector = SearchVector("index_title", weight="A", config="english") + SearchVector(
        "index_body", weight="B", config="english"
    )
    # Only [a-z0-9] words reach here, so the raw tsquery cannot be malformed.
    raw = " & ".join([*words[:-1], f"{words[-1]}:*"])
    query = SearchQuery(raw, search_type="raw", config="english")
    published = Entry.objects.filter(published=True)
    found = list(
        published.annotate(rank=SearchRank(vector, query))
        .filter(rank__gt=0)
        .order_by("-rank", "kind", "position")[:limit]
    )
    if found:
        return found
    # Nothing matched as typed: trigram similarity on titles catches near misses.
    text = " ".join(words)
    return list(
        published.annotate(similarity=TrigramWordSimilarity(text, "index_title"))
        .filter(similarity__gte=0.5)
        .order_by("-similarity", "kind", "position")[:limit]
    )


def snippet(text, words, size=SNIPPET_WORDS):
    """Escaped text around the first match, each matching word in <mark>. Only the text we
    stored (plain text, never HTML) goes in, and every piece of it is escaped."""
    pieces = list(WORD.finditer(text))
    if not pieces:
        return ""

    def matches(piece):
        folded = fold(piece.group())
        return any(
            folded.startswith(word) or (len(folded) > 3 and word.startswith(folded))
            for word in words
        )

    hits = [i for i, piece in enumerate(pieces) if matches(piece)]
    first = hits[0] if hits else 0
    start = max(0, first - size // 3)
    end = min(len(pieces), start + size)
    begin_at = pieces[start].start()
    end_at = pieces[end - 1].end()
    out = ["…" if begin_at > 0 else ""]
    position = begin_at
    for piece in pieces[start:end]:
        if matches(piece):
            out.append(escape(text[position : piece.start()]))
            out.append(f"<mark>{escape(piece.group())}</mark>")
            position = piece.end()
    out.append(escape(text[position:end_at]))
    if end_at < len(text):
        out.append("…")
    return mark_safe("".join(out))


def vocabulary():
    """The site's own words for "Did you mean": glossary names and aliases, lesson titles and
    headings. Built once per content version."""
    memo = _memo.current()
    if "vocabulary" not in memo:
        words = set()
        for name, aliases in Term.objects.values_list("name", "aliases"):
            words.add(name)
            words.update(a.strip() for a in aliases.splitlines() if a.strip())
        words.update(
            Entry.objects.filter(published=True, kind=Entry.Kind.SECTION).values_list(
                "title", flat=True
            )
        )
        memo["vocabulary"] = sorted(w for w in words if w)
    return memo["vocabulary"]


def known_words():
    memo = _memo.current()
    if "words" not in memo:
        words = {word for phrase in vocabulary() for word in TOKEN.findall(fold(phrase))}
        for title, body in Entry.objects.filter(published=True).values_list(
            "index_title", "index_body"
        ):
            words.update(TOKEN.findall(title))
            words.update(TOKEN.findall(body))
        memo["words"] = words
    return memo["words"]


def misspelt(words):
    """A word of the query is not one of the site's own (the last may be half typed)."""
    known = known_words()
    *whole, last = words
    if any(word not in known for word in whole):
        return True
    return last not in known and not any(word.startswith(last) for word in known)


def suggest(query, choices=None):
    """The closest name, alias or heading to a query that looks misspelt, or ""."""
    query = query.strip()[:MAX_QUERY]
    if len(query) < 3:
        return ""
    choices = vocabulary() if choices is None else choices
    best = process.extractOne(
        query, choices, scorer=fuzz.ratio, processor=lambda s: fold(s), score_cutoff=75
    )
    if best is None or fold(best[0]) == fold(query):
        return ""
    return best[0]

"""Read `content/glossary/*.yaml`: lists of glossary terms."""

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from stressed.content.fields import Fields
from stressed.content.yamlio import line_of, load_yaml, read_text, strip_lines
from stressed.glossary.labels import SHORT_MAX

TERM_FIELDS = {
    "slug",
    "name",
    "aliases",
    "category",
    "short",
    "definition",
    "related",
    "references",
}


@dataclass
class TermData:
    path: str
    line: int
    source_hash: str
    slug: str
    name: str
    aliases: list
    category: str
    short: str
    definition: str
    related: list
    references: list
    related_line: int = 1


def parse_glossary_file(path: Path, problems, categories, display_path=None):
    shown = display_path or str(path)
    text = read_text(path, shown, problems)
    entries = None if text is None else load_yaml(text, shown, problems)
    if entries is None:
        return []
    if not isinstance(entries, list):
        problems.add(shown, 1, "a glossary file must be a YAML list of terms")
        return []
    terms = []
    for entry in entries:
        f = Fields(entry, shown, problems, what="term")
        if not f.ok:
            continue
        f.unknown(TERM_FIELDS)
        category = f.text("category")
        if category and category not in categories:
            f.problem(
                f"unknown category {category!r}; use one of {', '.join(sorted(categories))}",
                "category",
            )
        canonical = json.dumps(strip_lines(entry), sort_keys=True, ensure_ascii=False, default=str)
        term = TermData(
            path=shown,
            line=f.line,
            source_hash=hashlib.sha256(canonical.encode()).hexdigest(),
            slug=f.slug("slug"),
            name=f.text("name", max_length=120),
            aliases=f.text_list("aliases", required=False),
            category=category,
            short=f.text("short", max_length=SHORT_MAX),
            definition=f.text("definition"),
            related=f.text_list("related", required=False),
            references=f.text_list("references", required=False),
            related_line=line_of(entry, key="related"),
        )
        if f.ok:
            terms.append(term)
    return terms

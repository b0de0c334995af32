"""Read `content/lessons/*.md`: YAML front matter plus a Markdown body."""

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from stressed.content.fields import Fields
from stressed.content.yamlio import decode_text, line_of, load_yaml
from stressed.markdown import MAX_DOCUMENT_LENGTH, render_document

LESSON_FIELDS = {
    "title",
    "slug",
    "order",
    "summary",
    "objectives",
    "key_terms",
    "key_points",
    "references",
    "last_reviewed",
    "published",
}
REFERENCE_FIELDS = {"id", "text", "doi"}
IMG_SRC = re.compile(r'<img\b[^>]*\bsrc="([^"]*)"[^>]*>')
IMG_ALT = re.compile(r'\balt="([^"]*)"')


@dataclass
class LessonData:
    path: str
    source_hash: str
    title: str
    slug: str
    order: int
    summary: str
    objectives: list
    key_points: list
    key_terms: list
    references: list  # dicts: label, citation, doi
    last_reviewed: object
    published: bool
    body: str
    section_ids: set = field(default_factory=set)
    key_terms_line: int = 1


def split_front_matter(text, path, problems):
    """Return (front matter text, body, line where the body starts) or None."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        problems.add(path, 1, "a lesson must start with '---' and YAML front matter")
        return None
    for index, line in enumerate(lines[1:], start=1):
        if line.strip() == "---":
            return "".join(lines[1:index]), "".join(lines[index + 1 :]), index + 2
    problems.add(path, 1, "front matter is not closed by a second '---' line")
    return None


def static_file_exists(url):
    relative = url.removeprefix(settings.STATIC_URL)
    return any((Path(d) / relative).is_file() for d in settings.STATICFILES_DIRS)


def _check_body(body, rendered, path, body_line, problems):
    for match in IMG_SRC.finditer(rendered.html):
        alt = IMG_ALT.search(match.group(0))
        if not alt or not alt.group(1).strip():
            problems.add(path, body_line, "every image needs alt text")
    for src in re.findall(r'<img\b[^>]*\bsrc="([^"]*)"', body):
        line = body_line + body[: body.find(src)].count("\n")
        if not src.startswith(settings.STATIC_URL):
            problems.add(path, line, f"image {src!r} must be served from {settings.STATIC_URL}")
        elif not static_file_exists(src):
            problems.add(path, line, f"image {src!r} does not exist under static/")
    for number, line in enumerate(body.splitlines(), start=body_line):
        if re.match(r"^#{2,3}\s", line) and not re.search(r"\{#[a-z0-9-]+\}\s*$", line):
            problems.add(path, number, "every ## and ### heading needs a stable id like {#my-id}")
        if re.match(r"^#\s", line):
            problems.add(
                path, number, "no level-1 headings in a lesson body: the page shows the title"
            )


def parse_lesson(path: Path, problems, display_path=None):
    shown = display_path or str(path)
    raw = path.read_bytes()
    text = decode_text(raw, shown, problems)
    if text is None:
        return None
    parts = split_front_matter(text, shown, problems)
    if parts is None:
        return None
    front_text, body, body_line = parts
    meta = load_yaml(front_text, shown, problems, line_offset=1)
    if meta is None:
        return None
    f = Fields(meta, shown, problems, offset=1, what="front matter")
    if not f.ok:
        return None
    f.unknown(LESSON_FIELDS)
    references = []
    for item in f.list("references", min_items=1):
        r = Fields(item, shown, problems, offset=1, what="reference")
        r.unknown(REFERENCE_FIELDS)
        references.append(
            {
                "label": r.text("id", required=False, max_length=20),
                "citation": r.text("text"),
                "doi": r.text("doi", required=False),
            }
        )
        f.ok = f.ok and r.ok
    data = LessonData(
        path=shown,
        source_hash=hashlib.sha256(raw).hexdigest(),
        title=f.text("title", max_length=200),
        slug=f.slug("slug"),
        order=f.integer("order"),
        summary=f.text("summary", max_length=1_000),
        objectives=f.text_list("objectives", min_items=3, max_items=5),
        key_points=f.text_list("key_points", required=False),
        key_terms=f.text_list("key_terms", required=False),
        references=references,
        last_reviewed=f.date("last_reviewed"),
        published=f.boolean("published", default=False),
        body=body,
        key_terms_line=line_of(meta, offset=1, key="key_terms"),
    )
    if not body.strip():
        problems.add(shown, body_line, "the lesson body is empty")
        return None
    if len(body) > MAX_DOCUMENT_LENGTH:
        problems.add(
            shown,
            body_line,
            f"the lesson body is {len(body):,} characters; the limit is {MAX_DOCUMENT_LENGTH:,}",
        )
        return None
    rendered = render_document(body)
    data.section_ids = set(re.findall(r'<h[23] id="([^"]+)"', rendered.html))
    _check_body(body, rendered, shown, body_line, problems)
    return data if f.ok else None

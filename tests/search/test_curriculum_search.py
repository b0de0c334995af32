"""Search over the real curriculum, on SQLite and on PostgreSQL alike."""

import pytest

from stressed.glossary.search import search_terms, suggest_term
from stressed.search.query import search

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "query, first",
    [
        ("NE", "/glossary/norepinephrine/"),
        ("noradrenaline", "/glossary/norepinephrine/"),
        ("brown fat", "/glossary/brown-adipose-tissue/"),
        ("α2", "/glossary/alpha-2-receptor/"),
        ("reuptake", "/glossary/reuptake/"),
    ],
)
def test_names_and_aliases_come_first(curriculum, query, first):
    assert search(query).hits[0].entry.url == first


def test_every_lesson_section_is_indexed_with_its_anchor(curriculum):
    from stressed.lessons.models import Lesson
    from stressed.search.models import Entry

    for lesson in Lesson.objects.filter(published=True):
        anchors = set(
            Entry.objects.filter(kind="section", source_id=lesson.pk).values_list(
                "anchor", flat=True
            )
        )
        assert set(lesson.section_ids()) <= anchors, lesson.slug


def test_sections_are_found_by_their_words(curriculum):
    hits = search("shivering").hits
    assert any(h.entry.url.startswith("/lessons/") and "#" in h.entry.url for h in hits)
    assert any("<mark>shivering</mark>" in h.snippet.lower() for h in hits)


def test_typos_in_the_real_vocabulary(curriculum):
    assert search("norepinephirne").suggestion == "Norepinephrine"
    assert search("brwn fat").suggestion.lower() == "brown fat"
    assert search("norepinephrine").suggestion == ""


def test_glossary_ranking_on_the_real_glossary(curriculum):
    assert search_terms("NE")[0].slug == "norepinephrine"
    definitions = [t for t in search_terms("receptor") if t.rank == 3]
    assert len(definitions) <= 10
    assert suggest_term("norepinephirne") == "Norepinephrine"
    assert suggest_term("brwn fat").lower() == "brown fat"

"""Site search on whichever database the suite runs on (SQLite FTS5 here, PostgreSQL full-text
and trigram search under .ci/with-postgres.sh)."""

import pytest
from django.db import connection
from django.urls import reverse

from stressed.search.models import Entry
from stressed.search.query import search, snippet, suggest

BODY = (
    "Intro about stress.\n\n## Brown fat {#brown-fat}\n\n"
    "Brown adipose tissue burns fuel to make heat when you are cold.\n\n"
    "## Reuptake {#reuptake}\n\nThe transporter NET pulls norepinephrine back into the nerve."
)


@pytest.fixture
def content(make_lesson, make_term):
    lesson = make_lesson("temperature", title="Temperature", body=BODY)
    ne = make_term()  # Norepinephrine, aliases noradrenaline and NE
    fat = make_term(
        "brown-adipose-tissue",
        "Brown adipose tissue",
        aliases="brown fat\nBAT",
        category="anatomy",
        definition="Fat that makes heat.",
    )
    return {"lesson": lesson, "ne": ne, "fat": fat}


def urls(query):
    return [hit.entry.url for hit in search(query).hits]


@pytest.mark.django_db
def test_engine_is_the_databases_own():
    # The FTS5 table exists on SQLite; pg_trgm is installed on PostgreSQL.
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE name = 'search_entry_fts'")
        else:
            cursor.execute("SELECT extname FROM pg_extension WHERE extname = 'pg_trgm'")
        assert cursor.fetchone()


@pytest.mark.django_db
def test_sections_deep_link_to_their_heading(content):
    assert "/lessons/temperature/#brown-fat" in urls("adipose")
    assert urls("transporter")[0] == "/lessons/temperature/#reuptake"


@pytest.mark.django_db
def test_exact_alias_ranks_first(content):
    assert urls("NE")[0] == "/glossary/norepinephrine/"
    assert urls("brown fat")[0] == "/glossary/brown-adipose-tissue/"


@pytest.mark.django_db
def test_results_come_as_you_type(content):
    assert "/lessons/temperature/#reuptake" in urls("norepineph")


@pytest.mark.django_db
def test_editing_a_lesson_updates_the_index(content):
    lesson = content["lesson"]
    assert urls("thermogenin") == []
    lesson.body = BODY + "\n\nUncoupling protein, also called thermogenin."
    lesson.save()
    assert urls("thermogenin") == ["/lessons/temperature/#reuptake"]
    lesson.delete()
    assert urls("thermogenin") == []


@pytest.mark.django_db
def test_drafts_and_deleted_terms_are_not_found(content, make_lesson):
    make_lesson("secret", title="Secret", published=False, body="## Hidden {#h}\n\nZymurgy.")
    assert urls("zymurgy") == []
    content["fat"].delete()
    assert "/glossary/brown-adipose-tissue/" not in urls("adipose")
    assert not Entry.objects.filter(kind="term", source_id=content["fat"].pk).exists()


@pytest.mark.django_db
def test_quiz_intros_are_found(quiz):
    quiz.intro = "Check the quiddity of receptors."
    quiz.save()
    assert quiz.get_absolute_url() in urls("quiddity")


@pytest.mark.django_db
def test_typos_get_a_suggestion_from_the_sites_vocabulary(content):
    assert search("norepinephirne").suggestion == "Norepinephrine"
    assert search("brwn fat").suggestion.lower() == "brown fat"
    assert suggest("norepinephrine") == ""


@pytest.mark.django_db
def test_query_syntax_is_never_the_engines(content):
    for query in ['"', "NEAR(", "a OR b", "'; DROP TABLE x", "*", "foo:*", "!!! &&& |||", "NOT"]:
        search(query)  # no error


def test_snippets_escape_text_and_mark_matches():
    html = snippet("<script>alert(1)</script> the reuptake of NE", ["reuptake"])
    assert "<script>" not in html
    assert "script&gt;alert(1)&lt;/script&gt;" in html
    assert "<mark>reuptake</mark>" in html


@pytest.mark.django_db
def test_search_page_is_public_and_works_without_and_with_htmx(client, content):
    response = client.get(reverse("search"), {"q": "adipose"})
    assert response.status_code == 200
    assert "public" in response["Cache-Control"]
    assert not response.cookies
    html = response.content.decode()
    assert 'href="/lessons/temperature/#brown-fat"' in html
    assert "<mark>adipose</mark>" in html
    assert "csrfmiddlewaretoken" not in html
    partial = client.get(reverse("search"), {"q": "adipose"}, headers={"HX-Request": "true"})
    assert "<html" not in partial.content.decode()
    assert "/lessons/temperature/#brown-fat" in partial.content.decode()


@pytest.mark.django_db
def test_hostile_query_is_escaped(client, content):
    response = client.get(reverse("search"), {"q": "<img src=x onerror=alert(1)>"})
    assert b"<img src=x" not in response.content


@pytest.mark.django_db
def test_every_page_has_the_header_search_form(client, content):
    html = client.get("/").content.decode()
    assert 'role="search"' in html and 'action="/search/"' in html
    assert "csrfmiddlewaretoken" not in html

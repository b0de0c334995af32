import pytest
from django.urls import reverse

from stressed.glossary.models import Term
from stressed.glossary.normalize import compact
from stressed.glossary.search import search_terms
from tests.hostile import HOSTILE_TEXT, executable_bits


@pytest.fixture
def terms(make_term):
    return [
        make_term(),
        make_term(
            "alpha-1-receptor",
            "α1-adrenoceptor",
            aliases="alpha-1 receptor\nα1",
            category="receptor",
            definition="Gq-coupled; constricts vessels.",
        ),
        make_term(
            "brown-adipose-tissue",
            "Brown adipose tissue",
            aliases="brown fat",
            category="anatomy",
            definition="Makes heat with UCP1 (thermogénèse).",
        ),
    ]


@pytest.mark.parametrize("query", ["α1", "alpha-1", "alpha 1", "Alpha1", "ALPHA 1 receptor"])
def test_greek_letters_and_separators_are_equivalent(terms, query):
    assert [t.slug for t in search_terms(query)] == ["alpha-1-receptor"]


def test_search_finds_aliases_and_definition_text_accent_insensitively(terms):
    assert [t.slug for t in search_terms("noradrenaline")] == ["norepinephrine"]
    assert [t.slug for t in search_terms("thermogenese")] == ["brown-adipose-tissue"]
    assert list(search_terms("   ")) == []


def test_name_matches_rank_above_definition_matches(make_term):
    make_term(
        "a-term", "Zeta thing", aliases="", definition="Mentions vasoconstriction in passing."
    )
    make_term("vasoconstriction", "Vasoconstriction", aliases="", category="process")
    assert [t.slug for t in search_terms("vasoconstriction")] == ["vasoconstriction", "a-term"]


def test_compact():
    assert compact("β-Hydroxylase") == "betahydroxylase"
    assert compact("Thermogénèse") == "thermogenese"


def test_index_groups_by_letter_with_jump_bar(client, terms):
    html = client.get(reverse("glossary")).content.decode()
    assert 'href="#letter-A"' in html and 'id="letter-A"' in html
    # α1 files under A (alpha), before B.
    assert html.index("α1-adrenoceptor") < html.index("Brown adipose tissue")


def test_index_category_filter(client, terms):
    html = client.get(reverse("glossary") + "?category=receptor").content.decode()
    assert "α1-adrenoceptor" in html and "Brown adipose tissue" not in html
    html = client.get(reverse("glossary") + "?category=bogus").content.decode()
    assert "Brown adipose tissue" in html


def test_search_works_without_javascript_and_as_htmx_partial(client, terms):
    full = client.get(reverse("glossary-search"), {"q": "brown fat"})
    assert full.status_code == 200 and "<html" in full.content.decode()
    assert "Brown adipose tissue" in full.content.decode()
    partial = client.get(reverse("glossary-search"), {"q": "brown fat"}, HTTP_HX_REQUEST="true")
    assert "<html" not in partial.content.decode()
    assert "Brown adipose tissue" in partial.content.decode()
    assert "HX-Request" in partial["Vary"]


def test_term_page_shows_related_and_appears_in(client, terms, make_lesson):
    terms[0].related.add(terms[1])
    make_lesson(body="## Vessels {#vessels}\n\nNorepinephrine constricts.")
    html = client.get(terms[0].get_absolute_url()).content.decode()
    assert "α1-adrenoceptor" in html
    assert 'href="/lessons/lesson-one/#vessels"' in html


def test_hostile_definition_is_sanitized(client, make_term):
    term = make_term(definition=HOSTILE_TEXT)
    html = client.get(term.get_absolute_url()).content.decode()
    assert executable_bits(html.split('<div class="prose">')[1].split("</div>")[0]) == []


def test_unknown_term_is_404(client, db):
    assert client.get("/glossary/nope/").status_code == 404


def test_query_counts(client, terms, django_assert_num_queries):
    # The first request reads the content version that keys the page cache; this process
    # then remembers it for a second.
    with django_assert_num_queries(2):  # version, terms
        client.get(reverse("glossary"))
    with django_assert_num_queries(2):  # names and aliases, then definitions (capped)
        client.get(reverse("glossary-search"), {"q": "alpha"})
    with django_assert_num_queries(3):  # term, related terms, occurrences with lessons
        client.get(terms[0].get_absolute_url())


ADMIN_PAGES = ["admin:glossary_term_changelist", "admin:glossary_term_add"]


@pytest.mark.parametrize(
    ("role", "can_edit"),
    [
        ("anonymous", False),
        ("student", False),
        ("instructor", False),
        ("glossary_editor", True),
        ("admin", True),
        ("superuser", True),
    ],
)
def test_only_admins_and_glossary_editors_can_change_terms(client_as, make_term, role, can_edit):
    term = make_term()
    client = client_as(role)
    add = client.get(reverse("admin:glossary_term_add"))
    change_url = reverse("admin:glossary_term_change", args=[term.pk])
    delete_url = reverse("admin:glossary_term_delete", args=[term.pk])
    data = {
        "name": "Changed",
        "slug": "norepinephrine",
        "category": "transmitter",
        "short": "Changed.",
        "definition": "Changed.",
        "aliases": "",
        "references": "",
    }
    changed = client.post(change_url, data)
    if can_edit:
        assert add.status_code == 200
        assert changed.status_code == 302
        assert Term.objects.get(pk=term.pk).name == "Changed"
        assert Term.objects.get(pk=term.pk).edited_in_admin
        assert client.post(delete_url, {"post": "yes"}).status_code == 302
        assert not Term.objects.filter(pk=term.pk).exists()
    else:
        assert add.status_code in (302, 403)
        assert changed.status_code in (302, 403)
        assert client.post(delete_url, {"post": "yes"}).status_code in (302, 403)
        assert Term.objects.get(pk=term.pk).name == "Norepinephrine"


def test_ranking_exact_then_prefix_then_definitions(make_term):
    from stressed.glossary.search import DEFINITION_LIMIT

    make_term()  # Norepinephrine, alias NE
    make_term("ne-prefix", "Nebulous thing", aliases="", definition="Nothing to see.")
    make_term("inner", "Inner NEST", aliases="", definition="Contains it in the name.")
    for i in range(DEFINITION_LIMIT + 5):
        make_term(f"def-{i}", f"Term {i}", aliases="", definition="Mentions ne somewhere.")
    slugs = [t.slug for t in search_terms("NE")]
    assert slugs[:3] == ["norepinephrine", "ne-prefix", "inner"]
    assert len(slugs) == 3 + DEFINITION_LIMIT


def test_typos_get_a_suggestion(client, terms):
    for typo, expected in [("norepinephirne", "Norepinephrine"), ("brwn fat", "brown fat")]:
        response = client.get(reverse("glossary-search"), {"q": typo})
        assert "Did you mean <a href=" in response.content.decode()
        assert response.context["suggestion"] == expected
    response = client.get(reverse("glossary-search"), {"q": "noradrenaline"})
    assert response.context["suggestion"] == ""


@pytest.mark.parametrize(
    "name, aliases, other",
    [
        ("Noradrenaline", "", "Norepinephrine"),  # a name that is another term's alias
        ("Something", "n.e.", "Norepinephrine"),  # an alias that normalises to one
        ("NOREPINEPHRINE", "", "Norepinephrine"),
    ],
)
def test_admin_refuses_a_label_another_term_uses(admin_client, make_term, name, aliases, other):
    make_term()
    response = admin_client.post(
        reverse("admin:glossary_term_add"),
        {
            "name": name,
            "slug": "clash",
            "category": "transmitter",
            "aliases": aliases,
            "short": "Short.",
            "definition": "Long.",
            "references": "",
        },
    )
    assert response.status_code == 200
    assert f"the term &#x27;{other}&#x27;" in response.content.decode()
    assert not Term.objects.filter(slug="clash").exists()


def test_admin_limits_the_short_definition(admin_client, make_term):
    response = admin_client.post(
        reverse("admin:glossary_term_add"),
        {
            "name": "Fresh",
            "slug": "fresh",
            "category": "process",
            "aliases": "",
            "short": "x" * 201,
            "definition": "Long.",
            "references": "",
        },
    )
    assert response.status_code == 200
    assert not Term.objects.filter(slug="fresh").exists()
    term = make_term()
    url = reverse("admin:glossary_term_change", args=[term.pk])
    response = admin_client.post(
        url,
        {
            "name": term.name,
            "slug": term.slug,
            "category": term.category,
            "aliases": term.aliases,
            "short": "Edited.",
            "definition": "Long.",
            "references": "",
        },
    )
    assert response.status_code == 302  # its own labels are no clash

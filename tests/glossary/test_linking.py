"""Glossary auto-linking: first mention per section, longest match, never in the wrong place,
and re-linking exactly the lessons a term change touches."""

from stressed.glossary.linking import Matcher, link_terms
from stressed.glossary.models import Occurrence
from stressed.lessons.models import Lesson


def links(html):
    return html.count('class="term"')


def test_first_mention_per_section_is_linked(make_term):
    term = make_term()
    html = '<p>Norepinephrine and norepinephrine.</p><h2 id="b">B</h2><p>Noradrenaline again.</p>'
    result = link_terms(html, Matcher.for_terms([term]))
    assert links(result.html) == 2
    assert [(t.slug, section) for t, section, _title in result.occurrences] == [
        ("norepinephrine", ""),
        ("norepinephrine", "b"),
    ]
    assert 'role="tooltip"' in result.html and "Norepinephrine short definition." in result.html


def test_longest_match_wins(make_term):
    short = make_term("dopamine", "Dopamine", aliases="")
    long = make_term("dbh", "Dopamine β-hydroxylase", aliases="dopamine beta-hydroxylase")
    result = link_terms("<p>Dopamine β-hydroxylase makes it.</p>", Matcher.for_terms([short, long]))
    assert 'href="/glossary/dbh/"' in result.html
    assert 'href="/glossary/dopamine/"' not in result.html


def test_never_inside_headings_links_code_or_captions(make_term):
    term = make_term()
    html = (
        '<h2 id="x">Norepinephrine</h2>'
        '<p><a href="/x">norepinephrine</a> <code>norepinephrine</code></p>'
        "<figure><figcaption>norepinephrine</figcaption></figure><pre>norepinephrine</pre>"
    )
    assert links(link_terms(html, Matcher.for_terms([term])).html) == 0


def test_words_inside_other_words_are_not_linked(make_term):
    term = make_term("net", "Norepinephrine transporter", aliases="NET")
    html = "<p>The net effect, a NETwork, and the NET itself.</p>"
    result = link_terms(html, Matcher.for_terms([term]))
    assert links(result.html) == 1
    assert ">NET</a>" in result.html


def test_plurals_and_case(make_term):
    term = make_term("varicosity", "Varicosity", aliases="")
    result = link_terms(
        "<p>Varicosities? No: varicositys. VARICOSITY.</p>", Matcher.for_terms([term])
    )
    assert links(result.html) == 1


def test_text_is_escaped_again(make_term):
    term = make_term()
    result = link_terms("<p>a &lt;b&gt; &amp; norepinephrine</p>", Matcher.for_terms([term]))
    assert "a &lt;b&gt; &amp; " in result.html


def test_lesson_save_records_occurrences(make_term, make_lesson):
    make_term()
    lesson = make_lesson(body="## Intro {#intro}\n\nNoradrenaline rises.")
    occurrence = Occurrence.objects.get(lesson=lesson)
    assert (occurrence.section_id, occurrence.section_title) == ("intro", "Intro")


def test_editing_a_term_relinks_exactly_the_lessons_that_use_it(make_term, make_lesson):
    term = make_term()
    using = make_lesson("uses", body="## A {#a}\n\nNorepinephrine here.")
    other = make_lesson("other", order=2, body="## A {#a}\n\nNothing relevant.")
    other_before = Lesson.objects.get(pk=other.pk).updated_at
    term.short = "A brand-new short definition."
    term.save()
    assert "A brand-new short definition." in Lesson.objects.get(pk=using.pk).linked_html
    assert Lesson.objects.get(pk=other.pk).updated_at == other_before


def test_new_alias_and_new_term_are_linked(make_term, make_lesson):
    term = make_term(aliases="")
    lesson = make_lesson(body="## A {#a}\n\nNoradrenaline and brown fat.")
    assert links(Lesson.objects.get(pk=lesson.pk).linked_html) == 0
    term.aliases = "noradrenaline"
    term.save()
    assert links(Lesson.objects.get(pk=lesson.pk).linked_html) == 1
    make_term(
        "brown-adipose-tissue", "Brown adipose tissue", aliases="brown fat", category="anatomy"
    )
    assert links(Lesson.objects.get(pk=lesson.pk).linked_html) == 2


def test_deleting_a_term_unlinks_it(make_term, make_lesson):
    term = make_term()
    lesson = make_lesson(body="## A {#a}\n\nNorepinephrine.")
    term.delete()
    lesson.refresh_from_db()
    assert links(lesson.linked_html) == 0
    assert not Occurrence.objects.filter(lesson=lesson).exists()

import pytest

from stressed.markdown import render, render_document, render_inline
from tests.hostile import HOSTILE, executable_bits


@pytest.mark.parametrize("snippet", HOSTILE)
def test_every_hostile_snippet_is_neutralized(snippet):
    assert executable_bits(render(snippet)) == []


def test_safe_markup_survives():
    html = render(
        "## Heading {#my-id}\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nText[^1] and [a link](https://example.org).\n\n"
        "[^1]: A footnote.\n\nGraded.\n{: .evidence .evidence-low }"
    )
    assert '<h2 id="my-id">Heading</h2>' in html
    assert "<table>" in html and "<td>1</td>" in html
    assert 'class="footnote-ref"' in html
    assert '<a href="https://example.org" rel="noopener noreferrer">a link</a>' in html
    assert '<p class="evidence evidence-low">Graded.</p>' in html


def test_unknown_classes_and_foreign_images_are_dropped():
    html = render('Para\n{: .evil .evidence }\n\n<img src="https://tracker.example/p.gif" alt="t">')
    assert 'class="evidence"' in html
    assert "evil" not in html
    assert "tracker.example" not in html


def test_figures_from_static_are_kept():
    html = render(
        '<figure id="f"><img src="/static/img/x.svg" alt="A diagram"><figcaption>Cap</figcaption>'
        "<details><summary>Text description</summary><p>Words.</p></details></figure>"
    )
    assert '<img src="/static/img/x.svg" alt="A diagram">' in html
    assert "<details><summary>Text description</summary>" in html


def test_document_toc_uses_stable_ids():
    doc = render_document("## The α1 receptor {#alpha-1}\n\n### Detail {#detail}\n\nx")
    assert doc.toc == [
        {
            "id": "alpha-1",
            "title": "The α1 receptor",
            "level": 2,
            "children": [{"id": "detail", "title": "Detail", "level": 3, "children": []}],
        }
    ]


def test_inline_render_drops_single_paragraph():
    assert render_inline("**bold** option") == "<strong>bold</strong> option"
    assert render_inline("") == ""

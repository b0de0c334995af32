"""The real curriculum in content/: complete, well-formed, and every link on the site resolves."""

import re
from collections import Counter
from html import unescape
from urllib.parse import urldefrag, urlparse

import pytest

from stressed.glossary.models import Term
from stressed.lessons.models import Lesson
from stressed.quizzes.models import Question, Quiz

EXPECTED_LESSONS = [
    "stress-response-at-a-glance",
    "autonomic-nervous-system",
    "norepinephrine-synthesis-and-receptors",
    "norepinephrine-in-the-brain",
    "fight-or-flight-in-the-body",
    "vasoconstriction-and-body-temperature",
    "norepinephrine-pain-and-fibromyalgia",
    "snris",
    "massage-and-the-autonomic-nervous-system",
    "chronic-stress-and-recovery",
    "blood-pressure-and-fainting",
    "fuel-under-stress",
    "drugs-at-adrenergic-receptors",
    "measuring-stress-in-people",
]


def words(markdown):
    text = re.sub(r"<figure.*?</figure>", " ", markdown, flags=re.S)
    text = re.sub(r"\{[:#][^}]*\}", " ", text)
    return len(re.findall(r"[\w’'-]+", text))


def test_all_lessons_are_published_in_order(curriculum):
    lessons = list(Lesson.objects.all())
    assert [lesson.slug for lesson in lessons] == EXPECTED_LESSONS
    assert all(lesson.published for lesson in lessons)


@pytest.mark.parametrize("slug", EXPECTED_LESSONS)
def test_each_lesson_meets_the_bar(curriculum, slug):
    lesson = Lesson.objects.get(slug=slug)
    assert 3 <= len(lesson.objective_list) <= 5
    assert 900 <= words(lesson.body) <= 2000, words(lesson.body)
    assert lesson.references.count() >= 1
    assert all(ref.citation for ref in lesson.references.all())
    assert lesson.key_point_list, "a summary box"
    assert lesson.key_terms.exists()
    assert len(lesson.toc) >= 3
    figures = re.findall(r"<figure.*?</figure>", lesson.body_html, re.S)
    assert figures, "at least one figure"
    for figure in figures:
        alt = re.search(r'<img [^>]*alt="([^"]+)"', figure)
        assert alt and len(alt.group(1)) > 15, "meaningful alt text"
        assert "<details><summary>" in figure, "a text description for screen-reader users"
    assert lesson.last_reviewed
    assert Quiz.objects.filter(lesson=lesson, published=True).exists(), (
        "a quiz to check understanding"
    )


def test_lessons_on_weak_evidence_carry_labels(curriculum):
    for slug in (
        "norepinephrine-pain-and-fibromyalgia",
        "massage-and-the-autonomic-nervous-system",
        "chronic-stress-and-recovery",
        "blood-pressure-and-fainting",
        "fuel-under-stress",
        "drugs-at-adrenergic-receptors",
        "measuring-stress-in-people",
    ):
        assert 'class="evidence evidence-' in Lesson.objects.get(slug=slug).body_html, slug


def test_drug_and_health_lessons_say_education_not_advice(curriculum):
    for slug in (
        "snris",
        "norepinephrine-pain-and-fibromyalgia",
        "chronic-stress-and-recovery",
        "blood-pressure-and-fainting",
        "fuel-under-stress",
        "drugs-at-adrenergic-receptors",
    ):
        assert "medical advice" in Lesson.objects.get(slug=slug).body.lower(), slug


def test_quizzes_are_big_enough_and_mixed(curriculum):
    assert Question.objects.filter(quiz__published=True).count() >= 170
    assert Term.objects.count() >= 125
    for quiz in Quiz.objects.all():
        questions = list(quiz.questions.all())
        types = Counter(q.type for q in questions)
        assert len(questions) >= 8, quiz.slug
        assert {"single", "multiple", "truefalse"} <= set(types), (quiz.slug, types)
        assert len({"short", "numeric", "matching"} & set(types)) >= 2, (quiz.slug, types)
        for question in questions:
            assert question.explanation.strip() and question.review_anchor, question
            assert question.review_anchor in quiz.lesson.section_ids()


def test_wrong_options_teach(curriculum):
    wrong = Question.objects.filter(type="single").values_list(
        "choices__fraction", "choices__feedback"
    )
    assert all(feedback for fraction, feedback in wrong if fraction == 0)


def test_glossary_is_complete(curriculum):
    assert Term.objects.count() >= 60
    assert set(Term.Category.values) == set(Term.objects.values_list("category", flat=True))
    for term in Term.objects.all():
        assert term.short and term.definition_html, term.slug
    # Every lesson links glossary terms in its text.
    for lesson in Lesson.objects.all():
        assert lesson.linked_html.count('class="term"') >= 5, lesson.slug


REJECTED = r"\b(no|not|myth|claim|wrong|misconception|unproven|overclaim|contradicted)\b"


def test_source_post_errors_are_not_taught_as_fact(curriculum):
    """A few of FACTS.md's listed errors, as phrases that must not appear as claims."""
    forbidden = [
        r"produced primarily in the adrenal",
        r"norepinephrine (?:causes|produces|brings) (?:joy|euphoria)",
        r"energy boost",
        r"massage (?:releases|increases) (?:serotonin|dopamine)",
    ]
    for lesson in Lesson.objects.all():
        text = re.sub(r"<[^>]+>", " ", lesson.body_html).lower()
        for pattern in forbidden:
            for match in re.finditer(pattern, text):
                context = text[max(0, match.start() - 160) : match.end() + 160]
                assert re.search(REJECTED, context), (lesson.slug, context)


def internal_links(html):
    for url in re.findall(r'(?:href|src)="([^"]+)"', html):
        url = unescape(url)
        parsed = urlparse(url)
        if parsed.scheme or parsed.netloc or url.startswith(("mailto:", "#")):
            continue
        yield url


def test_every_internal_link_and_image_resolves(curriculum, client):
    """Crawl the whole public site from the home page: every page, image and #anchor exists."""
    seen, queue, anchors_wanted, pages = set(), ["/"], [], {}
    while queue:
        url = queue.pop()
        path, fragment = urldefrag(url)
        if fragment:
            anchors_wanted.append((path, fragment, url))
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        if "text/html" not in response["Content-Type"]:
            continue
        html = response.content.decode()
        assert "{#" not in html and "{%" not in html, f"template syntax leaked into {path}"
        pages[path] = html
        for link in internal_links(html):
            if link.startswith(("/admin/", "/accounts/logout")):
                continue
            if link.startswith("/static/"):
                static_path = link.split("?")[0]
                if static_path not in seen:
                    seen.add(static_path)
                    assert client.get(static_path).status_code == 200, static_path
                continue
            queue.append(link if link.startswith("/") else path + link)
    for path, fragment, url in anchors_wanted:
        assert f'id="{fragment}"' in pages[path], f"missing anchor {url}"
    lesson_pages = {p for p in pages if re.fullmatch(r"/lessons/[-a-z0-9]+/", p)}
    assert len(lesson_pages) == len(EXPECTED_LESSONS)
    assert sum(1 for p in pages if p.startswith("/glossary/")) >= 60


def test_every_quiz_can_be_taken_end_to_end_with_full_marks(curriculum, client):
    """Answer every question of every quiz right through the real views: each answer key
    grades as fully right and every quiz ends at 100%."""
    from django.urls import reverse

    from stressed.quizzes.models import Attempt
    from tests.quiz_helpers import right_answer, start

    for quiz in Quiz.objects.filter(published=True):
        attempt_id = start(client, quiz)
        for question in quiz.questions.all():
            url = reverse("answer", args=[attempt_id, question.pk])
            response = client.post(url, right_answer(attempt_id, question), HTTP_HX_REQUEST="true")
            assert response.status_code == 200, (quiz.slug, question.order)
            assert "<strong>Correct</strong>" in response.content.decode(), (
                quiz.slug,
                question.order,
            )
        client.post(reverse("attempt-finish", args=[attempt_id]))
        assert Attempt.objects.get(pk=attempt_id).score == 1, quiz.slug

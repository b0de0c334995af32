"""Moodle XML import and export (stressed/quizzes/moodlexml.py)."""

import base64
import io
import math
from pathlib import Path

import pytest
from defusedxml.ElementTree import fromstring
from PIL import Image

from stressed.content.errors import ContentError
from stressed.quizzes.gift import import_gift_into_quiz
from stressed.quizzes.models import Question
from stressed.quizzes.moodlexml import (
    MAX_BYTES,
    MAX_DEPTH,
    MOODLE_GRADES,
    import_moodle_xml_into_quiz,
    moodle_xml_export,
    parse_moodle_xml,
)
from stressed.quizzes.writer import CHOICE_FIELDS
from tests.quiz_helpers import add_ordering_question

FIXTURES = Path(__file__).parent / "fixtures"
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAQAAAADCAIAAAA7ljmRAAAAFElEQVR4nGM8ISfHAANMDEgAhQMAJtoBCkAAOw8"
    "AAAAASUVORK5CYII="
)


def fixture(name):
    return (FIXTURES / name).read_bytes()


def problems_of(data, source="upload.xml"):
    with pytest.raises(ContentError) as error:
        parse_moodle_xml(data, source)
    return [str(p) for p in error.value.problems]


def question_xml(body, qtype="multichoice", name="Q", extra=""):
    return f"""<question type="{qtype}">
    <name><text>{name}</text></name>
    <questiontext format="html"><text><![CDATA[{body}]]></text>{extra}</questiontext>
    <answer fraction="100"><text>right</text></answer>
    <answer fraction="0"><text>wrong</text></answer>
  </question>"""


def quiz_xml(*questions):
    return '<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n' + "\n".join(questions) + "\n</quiz>"


# Reading Moodle's export ------------------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path, db):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_reads_every_supported_type_of_a_moodle_export(media):
    result = parse_moodle_xml(fixture("moodle_export.xml"), "moodle_export.xml")
    assert [(q.type, q.title) for q in result.questions] == [
        ("single", "Skin vessels"),
        ("multiple", "Catecholamines"),
        ("truefalse", "Baroreflex"),
        ("short", "Enzyme"),
        ("numeric", "Response time"),
        ("matching", "Receptor effects"),
        ("ordering", "Synthesis order"),
    ]
    single, multiple, truefalse, short, numeric, matching, ordering = result.questions
    # idnumber is the key (made a slug), else the name.
    assert [q.key for q in result.questions] == [
        "skin-vessels",
        "catecholamines-21",
        "baroreflex",
        "enzyme",
        "response-time",
        "receptor-effects",
        "synthesis-order",
    ]
    assert single.explanation == "<p>α1 receptors couple to G<sub>q</sub>.</p>"
    assert [(c.text, c.fraction, c.feedback) for c in single.choices] == [
        ("<p>α1</p>", 1.0, "Yes, Gq."),
        ("<p>β2</p>", 0.0, "<p>β2 <em>dilates</em>.</p>"),
        # plain text is shown as typed: Markdown's characters are escaped
        (r"M3 (muscarinic) \*not\* adrenergic", 0.0, ""),
    ]
    assert (multiple.correct_feedback, multiple.partial_feedback, multiple.incorrect_feedback) == (
        "All three.",
        "Some of them.",
        "Catecholamines have a catechol ring.",
    )
    assert [c.fraction for c in multiple.choices] == [0.3333333, 0.3333333, 0.3333334, -1.0]
    assert [(c.text, c.fraction, c.feedback) for c in truefalse.choices] == [
        ("True", 0.0, "The baroreflex slows it."),
        ("False", 1.0, "Right: reflex bradycardia."),
    ]
    assert [(c.text, c.fraction, c.feedback) for c in short.choices] == [
        ("dopamine beta-hydroxylase", 1.0, ""),
        ("hydroxylase", 0.5, "Which one?"),
    ]
    assert [(c.value, c.tolerance, c.fraction) for c in numeric.choices] == [
        (2.0, 1.0, 1.0),
        (10.0, 5.0, 0.5),
    ]
    assert [(c.text, c.match_text) for c in matching.choices] == [
        ("<p>α1</p>", "Vasoconstriction"),
        ("<p>β1</p>", "Faster, stronger heartbeat"),
    ]
    assert [(c.text, c.value) for c in ordering.choices] == [
        ("Tyrosine", 1.0),
        ("L-DOPA", 2.0),
        ("Dopamine", 3.0),
    ]


def test_nested_categories_are_kept_on_each_question():
    result = parse_moodle_xml(fixture("moodle_export.xml"))
    assert result.categories == [
        "$course$/top/Stress response",
        "$course$/top/Stress response/Catecholamines",
        "$course$/top/Stress response/Catecholamines/Synthesis",
    ]
    assert [q.category.rsplit("/", 1)[-1] for q in result.questions] == [
        "Stress response",
        "Catecholamines",
        "Catecholamines",
        "Synthesis",
        "Synthesis",
        "Synthesis",
        "Synthesis",
    ]


def test_description_essay_units_and_unknown_types_are_skipped_with_warnings():
    result = parse_moodle_xml(fixture("moodle_export.xml"), "m.xml")
    assert (
        "skipped description question 'About this quiz' at line 325: it has no answer to grade"
        in (result.warnings)
    )
    assert (
        "skipped essay question 'Reflection' at line 342: essays cannot be auto-graded"
        in result.warnings
    )
    assert any("units are not kept (s, ms (×1000))" in w for w in result.warnings)
    cloze = quiz_xml(
        '<question type="cloze"><name><text>Gaps</text></name>'
        '<questiontext format="html"><text>{1:SHORTANSWER:=x}</text></questiontext></question>',
        question_xml("Which?"),
    )
    result = parse_moodle_xml(cloze.encode())
    assert len(result.questions) == 1
    assert result.warnings[0] == (
        "skipped cloze question 'Gaps' at line 3: the site has no question of this type"
    )


def test_embedded_image_is_checked_re_encoded_and_stored(media):
    quiz, result = import_moodle_xml_into_quiz(
        fixture("moodle_export.xml"), title="From Moodle", slug="from-moodle"
    )
    (stored,) = result.images
    assert (media / stored).exists()
    url = f"/media/{stored}"
    question = quiz.questions.get(key="skin-vessels")
    assert f'<img src="{url}" alt="A vessel"' in question.prompt
    assert url in question.prompt_html
    with Image.open(media / stored) as image:
        assert (image.format, image.size) == ("PNG", (4, 3))
    # Importing the same file again stores the image once.
    import_moodle_xml_into_quiz(fixture("moodle_export.xml"), title="Again", slug="again")
    assert len(list((media / "markdownx").iterdir())) == 1
    assert quiz.questions.count() == 7 and not quiz.published


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "only PNG"),
        (b"GIF89a" + bytes(40), "only PNG and JPEG"),
        ("truncated", "damaged"),
    ],
)
def test_an_image_that_is_not_a_real_png_or_jpeg_is_refused(content, message):
    if content == "truncated":
        buffer = io.BytesIO()
        Image.frombytes("RGB", (50, 50), bytes(range(250)) * 30).save(buffer, "PNG")
        content = buffer.getvalue()[:100]
    data = base64.b64encode(content).decode()
    xml = quiz_xml(
        question_xml(
            '<img src="@@PLUGINFILE@@/x.png">',
            extra=f'\n<file name="x.png" path="/" encoding="base64">{data}</file>',
        )
    )
    (problem,) = problems_of(xml.encode())
    assert problem.startswith(
        "upload.xml:6: question \"Q\": the image 'x.png' in the question text: "
    )
    assert message in problem


def test_an_image_with_too_many_pixels_is_refused_from_its_header():
    buffer = io.BytesIO()
    Image.new("1", (6000, 5000)).save(buffer, "PNG")  # 30 megapixels, a few kB
    data = base64.b64encode(buffer.getvalue()).decode()
    xml = quiz_xml(
        question_xml(
            '<img src="@@PLUGINFILE@@/big.png">',
            extra=f'<file name="big.png" path="/" encoding="base64">{data}</file>',
        )
    )
    (problem,) = problems_of(xml.encode())
    assert "6000×5000 pixels: the limit is 25 megapixels" in problem


def test_a_missing_or_broken_file_is_a_problem():
    xml = quiz_xml(
        question_xml('<img src="@@PLUGINFILE@@/gone.png">', name="A"),
        question_xml(
            '<img src="@@PLUGINFILE@@/x.png">',
            name="B",
            extra='<file name="x.png" path="/" encoding="base64">***</file>',
        ),
    )
    assert problems_of(xml.encode()) == [
        'upload.xml:5: question "A": the question text shows @@PLUGINFILE@@/gone.png, but the '
        'file has no <file name="gone.png"> for it',
        "upload.xml:11: question \"B\": the file 'x.png' in the question text is not valid base64",
    ]


# Problems, all at once ----------------------------------------------------------------------


def test_every_problem_is_reported_with_its_line_and_question_name():
    xml = quiz_xml(
        """<question type="multichoice">
    <name><text>Two right</text></name>
    <questiontext format="html"><text>Which?</text></questiontext>
    <single>true</single>
    <answer fraction="100"><text>a</text></answer>
    <answer fraction="100"><text>b</text></answer>
  </question>""",
        """<question type="numerical">
    <name><text>Not a number</text></name>
    <questiontext format="html"><text>How many?</text></questiontext>
    <answer fraction="100"><text>twelve</text><tolerance>1</tolerance></answer>
  </question>""",
        """<question type="shortanswer">
    <name><text>Bad weight</text></name>
    <questiontext format="html"><text>Name it.</text></questiontext>
    <answer fraction="half"><text>x</text></answer>
  </question>""",
        '<question type="truefalse"><questiontext><text>No name</text></questiontext></question>',
        "<question><name><text>No type</text></name></question>",
    )
    assert problems_of(xml.encode(), "week1.xml") == [
        'week1.xml:3: question "Two right": a single-choice question needs exactly one option '
        "with fraction 1",
        "week1.xml:13: question \"Not a number\": the answer 1 'twelve' is not a number",
        'week1.xml:18: question "Bad weight": the fraction "half" is not a percentage like 100 '
        "or -33.33333",
        "week1.xml:20: question: the question has no <name><text>, which Moodle requires",
        'week1.xml:21: question "No type": a <question> needs a type, like type="multichoice"',
    ]


# Hostile XML ---------------------------------------------------------------------------------


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<quiz>&lol3;</quiz>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE quiz [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<quiz><question type="category"><category><text>&secret;</text></category></question></quiz>"""


@pytest.mark.parametrize("data", [BILLION_LAUGHS, EXTERNAL_ENTITY])
def test_entities_and_dtds_are_refused(data):
    (problem,) = problems_of(data)
    assert problem.startswith("upload.xml:2: the file declares a DTD or entities")
    assert "refused" in problem


def test_an_undeclared_entity_is_not_well_formed():
    (problem,) = problems_of(b"<quiz>\n<question>&lol;</question></quiz>")
    assert problem.startswith("upload.xml:2: this is not well-formed XML: undefined entity")


def test_deep_nesting_is_refused():
    data = b"<quiz>" + b"<a>" * (MAX_DEPTH + 5) + b"</a>" * (MAX_DEPTH + 5) + b"</quiz>"
    (problem,) = problems_of(data)
    assert f"nested more than {MAX_DEPTH} deep" in problem


def test_a_file_over_the_size_limit_is_refused_before_parsing():
    (problem,) = problems_of(b" " * (MAX_BYTES + 1))
    assert (
        problem == "upload.xml:1: the file is larger than 10 MB; export fewer questions at a time"
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<quiz><question></quiz>", "upload.xml:1: this is not well-formed XML: mismatched tag"),
        (b"<questions/>", "upload.xml:1: the root element is <questions>, not Moodle's <quiz>"),
        (b"", "upload.xml:1: this is not well-formed XML: no element found"),
    ],
)
def test_not_moodle_xml(data, message):
    (problem,) = problems_of(data)
    assert problem.startswith(message)


# Export ---------------------------------------------------------------------------------------

ANSWER_FORMATS = {"html", "moodle_auto_format", "plain_text", "markdown", "wiki_like"}


def validate_moodle_structure(text):
    """What Moodle's qformat_xml reads, checked element by element: returns the questions."""
    root = fromstring(text.encode())
    assert root.tag == "quiz"
    questions = []
    for question in root:
        assert question.tag == "question"
        qtype = question.get("type")
        if qtype == "category":
            assert question.find("category/text").text
            continue
        questions.append(question)
        assert question.find("name/text").text.strip()
        for tag in ("questiontext", "generalfeedback"):
            element = question.find(tag)
            assert element.get("format") in ANSWER_FORMATS and element.find("text") is not None
        assert float(question.find("defaultgrade").text) == 1
        assert question.find("idnumber").text
        answers = question.findall("answer")
        if qtype == "multichoice":
            assert question.find("single").text in ("true", "false")
            assert question.find("shuffleanswers").text == "true"
            for tag in ("correctfeedback", "partiallycorrectfeedback", "incorrectfeedback"):
                assert question.find(tag).get("format") in ANSWER_FORMATS
        if qtype in ("multichoice", "shortanswer", "numerical", "truefalse"):
            assert answers
            for answer in answers:
                assert answer.get("format") in ANSWER_FORMATS
                assert -100 <= float(answer.get("fraction")) <= 100
                assert answer.find("text") is not None
                assert answer.find("feedback").get("format") in ANSWER_FORMATS
        if qtype == "truefalse":
            assert sorted(a.find("text").text for a in answers) == ["false", "true"]
            assert sorted(a.get("fraction") for a in answers) == ["0", "100"]
        if qtype == "numerical":
            for answer in answers:
                value = answer.find("text").text
                assert value == "*" or math.isfinite(float(value))
                tolerance = answer.find("tolerance")
                assert tolerance is None or float(tolerance.text) >= 0
        if qtype == "matching":
            for sub in question.findall("subquestion"):
                assert sub.get("format") in ANSWER_FORMATS
                assert sub.find("text") is not None and sub.find("answer/text").text
        if qtype == "ordering":
            assert question.find("gradingtype").text == "RELATIVE_NEXT_EXCLUDE_LAST"
            assert [a.get("fraction") for a in answers] == [
                str(n) for n in range(1, len(answers) + 1)
            ]
    return questions


def test_export_has_the_structure_moodle_reads(quiz):
    add_ordering_question(quiz)
    text, warnings = moodle_xml_export(quiz)
    assert warnings == []
    questions = validate_moodle_structure(text)
    assert [q.get("type") for q in questions] == [
        "multichoice",
        "multichoice",
        "truefalse",
        "shortanswer",
        "numerical",
        "matching",
        "ordering",
    ]
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n')
    assert (
        '  <question type="category">\n    <category>\n      <text>stressed/test-quiz</text>\n'
        in text
    )
    assert '    <questiontext format="markdown">\n      <text>Which receptor' in text
    assert "    <idnumber>" in text and "<!-- review: first -->" in text
    assert "<!-- misconception: beta2-constricts -->" in text
    assert '<answer fraction="-50" format="markdown">' in text
    # A range is Moodle's middle ± half the width, with the range kept in a comment.
    assert "<text>75</text>" in text and "<tolerance>15</tolerance>" in text
    assert "<!-- range: 60..90 -->" in text


def test_weights_moodle_does_not_list_are_reported(quiz):
    question = quiz.questions.get(order=2)
    for choice, fraction in zip(question.choices.all(), (0.33, 0.67, -0.5), strict=True):
        choice.fraction = fraction
        choice.save()
    _text, warnings = moodle_xml_export(quiz)
    assert warnings == [
        "weights 33, 67 (%) are not among Moodle's grades: when importing into Moodle, choose "
        "'Nearest grade if not listed' under 'Match grades'"
    ]
    assert not any(math.isclose(0.33, g) for g in MOODLE_GRADES)


def test_export_embeds_stored_images_as_base64_files(quiz, media):
    imported, _result = import_moodle_xml_into_quiz(
        fixture("moodle_export.xml"), title="From Moodle", slug="from-moodle"
    )
    text, _warnings = moodle_xml_export(imported)
    validate_moodle_structure(text)
    stored = next((media / "markdownx").iterdir())
    assert f'<img src="@@PLUGINFILE@@/{stored.name}"' in text
    assert (
        f'<file name="{stored.name}" path="/" encoding="base64">'
        f"{base64.b64encode(stored.read_bytes()).decode()}</file>" in text
    )
    # ...and reading it back finds the same image under the same name.
    again = parse_moodle_xml(text.encode())
    assert again.questions[0].prompt == imported.questions.get(key="skin-vessels").prompt


# Round trip --------------------------------------------------------------------------------


def exact_fields(choice):
    return tuple(getattr(choice, name) for name in CHOICE_FIELDS if name != "fraction")


def assert_round_trip(quiz):
    text, _warnings = moodle_xml_export(quiz)
    validate_moodle_structure(text)
    result = parse_moodle_xml(text.encode(), f"{quiz.slug}.xml")
    models = list(quiz.questions.live().prefetch_related("choices"))
    assert len(result.questions) == len(models)
    for model, data in zip(models, result.questions, strict=True):
        choices = list(model.choices.all())
        assert (data.key, data.type, data.title) == (
            model.key,
            model.type,
            model.title or f"Q{model.order}",
        )
        assert (data.prompt, data.explanation, data.review) == (
            model.prompt,
            model.explanation,
            model.review_anchor,
        ), model
        assert data.category == (model.category or f"stressed/{quiz.slug}")
        if model.type in ("single", "multiple", "matching", "ordering"):
            assert (data.correct_feedback, data.partial_feedback, data.incorrect_feedback) == (
                model.correct_feedback,
                model.partial_feedback,
                model.incorrect_feedback,
            )
        assert [exact_fields(c) for c in data.choices] == [exact_fields(c) for c in choices]
        assert all(
            math.isclose(a.fraction, b.fraction, abs_tol=1e-6)
            for a, b in zip(data.choices, choices, strict=True)
        )


def test_round_trip_of_every_type(quiz):
    add_ordering_question(quiz)
    Question.objects.filter(quiz=quiz, order=1).update(
        title="Receptors: α1 <vs> β2 & ]]> #1", explanation="Text with ]]> and <b>html</b>."
    )
    numeric = quiz.questions.get(order=5)
    numeric.choices.create(order=9, value=0.1 + 0.2, fraction=0)  # no tolerance
    assert_round_trip(quiz)


def test_import_replaces_questions_by_key(quiz):
    text, _warnings = moodle_xml_export(quiz)
    keys = set(quiz.questions.values_list("key", flat=True))
    _quiz, result = import_moodle_xml_into_quiz(text.encode(), quiz)
    assert set(result.written.kept) == keys and not result.written.created


# Moodle's catch-alls ------------------------------------------------


def test_matching_distractor_row_short_wildcard_and_numeric_other_answer():
    xml = quiz_xml(
        """<question type="matching">
    <name><text>Activities</text></name>
    <questiontext format="html"><text>Match.</text></questiontext>
    <subquestion format="html"><text>Discussions</text><answer><text>Forum</text></answer>
    </subquestion>
    <subquestion format="html"><text>Entries</text><answer><text>Database</text></answer>
    </subquestion>
    <subquestion format="html"><text></text><answer><text>Chat</text></answer></subquestion>
  </question>""",
        """<question type="shortanswer">
    <name><text>Animal</text></name>
    <questiontext format="html"><text>Which is the best animal?</text></questiontext>
    <answer fraction="100"><text>Frog</text><feedback><text>Good!</text></feedback></answer>
    <answer fraction="0"><text>*</text><feedback><text>Completely wrong</text></feedback></answer>
  </question>""",
        """<question type="numerical">
    <name><text>Range</text></name>
    <questiontext format="html"><text>A number from 1 to 5?</text></questiontext>
    <answer fraction="100"><text>3</text><tolerance>2</tolerance></answer>
    <answer fraction="0"><text>*</text><feedback><text>Completely wrong</text></feedback></answer>
  </question>""",
    )
    matching, short, numeric = parse_moodle_xml(xml.encode()).questions
    assert [(c.text, c.match_text) for c in matching.choices][-1] == ("", "Chat")
    assert (short.choices[-1].text, short.choices[-1].feedback) == ("*", "Completely wrong")
    assert numeric.choices[-1].value is None and numeric.choices[-1].feedback == "Completely wrong"


def test_round_trip_of_moodles_catch_alls_and_categories(db):
    """The Moodle-style GIFT file (distractor row, `*`, numeric other answer, categories)
    goes out as Moodle XML and comes back the same."""
    quiz, _result = import_gift_into_quiz(
        (FIXTURES / "moodle_style.gift").read_text(encoding="utf-8"), title="M", slug="m"
    )
    question = quiz.questions.get(key="catecholamines")
    question.correct_feedback, question.partial_feedback = "All.", "Some."
    question.save()
    assert_round_trip(quiz)
    text, _warnings = moodle_xml_export(quiz)
    assert (
        '    <subquestion format="markdown">\n      <text></text>\n      <answer>\n'
        "        <text>Sweating</text>" in text
    )
    assert "<text>*</text>" in text
    assert "<text>$course$/top/Stress response/Enzymes</text>" in text

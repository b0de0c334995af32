"""Moodle XML on the import page, the export URL and the two management commands."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from stressed.quizzes.models import Quiz
from tests.quizzes.test_moodlexml import BILLION_LAUGHS, validate_moodle_structure

FIXTURE = Path(__file__).parent / "fixtures" / "moodle_export.xml"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def upload(content, name="moodle.xml"):
    return {
        "title": "From Moodle",
        "slug": "from-moodle",
        "lesson": "",
        "file": SimpleUploadedFile(name, content, content_type="application/xml"),
    }


def test_the_import_page_reads_moodle_xml_by_its_extension(client_as):
    client = client_as("instructor")
    response = client.post(reverse("gift-import"), upload(FIXTURE.read_bytes()), follow=True)
    quiz = Quiz.objects.get(slug="from-moodle")
    assert response.redirect_chain[-1][0] == reverse("admin:quizzes_quiz_change", args=[quiz.pk])
    assert quiz.questions.count() == 7 and not quiz.published
    page = response.content.decode()
    assert "Imported 7 questions" in page
    assert "Skipped essay question &#x27;Reflection&#x27;" in page


def test_hostile_xml_is_refused_on_the_page_and_nothing_is_stored(client_as):
    client = client_as("instructor")
    response = client.post(reverse("gift-import"), upload(BILLION_LAUGHS))
    assert response.status_code == 422
    page = response.content.decode()
    assert "Nothing was imported: 1 problem to fix." in page
    assert "<strong>Line 2</strong>: the file declares a DTD or entities" in page
    assert not Quiz.objects.filter(slug="from-moodle").exists()


def test_a_file_of_another_kind_is_refused(client_as):
    client = client_as("instructor")
    response = client.post(reverse("gift-import"), upload(b"x", name="quiz.docx"))
    assert response.status_code == 422
    assert "Choose a .gift, .txt or .xml file." in response.content.decode()


@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 302), ("student", 403), ("glossary_editor", 403), ("instructor", 200)],
)
def test_export_xml_is_for_instructors(client_as, quiz, role, status):
    response = client_as(role).get(reverse("moodle-xml-export", args=[quiz.slug]))
    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == "application/xml; charset=utf-8"
        assert response["Content-Disposition"] == 'attachment; filename="test-quiz.xml"'
        validate_moodle_structure(response.content.decode())


def test_staff_see_the_export_link(client_as, quiz):
    page = client_as("instructor").get(reverse("quiz", args=[quiz.slug])).content.decode()
    assert f'href="{reverse("moodle-xml-export", args=[quiz.slug])}">Export Moodle XML</a>' in page


def test_commands_import_and_export_moodle_xml(db, tmp_path, capsys):
    call_command("import_gift", str(FIXTURE), "--slug", "from-moodle")
    quiz = Quiz.objects.get(slug="from-moodle")
    assert quiz.questions.count() == 7
    out = tmp_path / "out.xml"
    call_command("export_gift", "from-moodle", "-o", str(out))
    validate_moodle_structure(out.read_text(encoding="utf-8"))
    capsys.readouterr()
    call_command("export_gift", "from-moodle", "--format", "xml")
    assert capsys.readouterr().out.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<quiz>')
    # --format overrides the extension, and the XML goes back in by --into.
    renamed = tmp_path / "moodle.txt"
    renamed.write_bytes(out.read_bytes())
    call_command("import_gift", str(renamed), "--format", "xml", "--into", "from-moodle")
    assert quiz.questions.live().count() == 7


def test_the_import_command_reports_every_problem(db, tmp_path):
    bad = tmp_path / "bad.xml"
    bad.write_bytes(BILLION_LAUGHS)
    with pytest.raises(CommandError) as error:
        call_command("import_gift", str(bad), "--slug", "bad")
    assert "1 problem(s); nothing was stored" in str(error.value)
    assert f"{bad}:2: the file declares a DTD" in str(error.value)

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from stressed.content.errors import ContentError
from stressed.lessons.models import Lesson
from stressed.quizzes.gift import import_gift_into_quiz
from stressed.quizzes.models import Quiz
from stressed.quizzes.moodlexml import import_moodle_xml_into_quiz


class Command(BaseCommand):
    help = (
        "Import a Moodle GIFT or Moodle XML file as a new draft quiz, or replace the questions "
        "of an existing quiz with --into. All or nothing: any problem and nothing is stored."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The .gift/.txt (UTF-8) or .xml file.")
        parser.add_argument(
            "--format",
            choices=("gift", "xml"),
            help="The file's format (default: from its extension; .xml is Moodle XML).",
        )
        parser.add_argument("--slug", help="Slug of the new quiz (required without --into).")
        parser.add_argument("--title", help="Title of the quiz (default: from the slug).")
        parser.add_argument("--lesson", help="Slug of the lesson the quiz belongs to.")
        parser.add_argument("--into", metavar="QUIZ_SLUG", help="Replace this quiz's questions.")

    def handle(self, *args, path, slug=None, title=None, lesson=None, into=None, **options):
        if not into and not slug:
            raise CommandError(
                "give --slug for a new quiz, or --into to replace a quiz's questions"
            )
        is_xml = (
            options.get("format") or ("xml" if path.lower().endswith(".xml") else "")
        ) == "xml"
        text = self.read(path, is_xml)
        quiz = lesson_obj = None
        if into:
            quiz = Quiz.objects.filter(slug=into).first()
            if quiz is None:
                raise CommandError(f"no quiz with the slug {into!r}")
        if lesson:
            lesson_obj = Lesson.objects.filter(slug=lesson).first()
            if lesson_obj is None:
                raise CommandError(f"no lesson with the slug {lesson!r}")
        if not title and quiz is None:
            title = slug.replace("-", " ").capitalize()
        importer = import_moodle_xml_into_quiz if is_xml else import_gift_into_quiz
        try:
            quiz, result = importer(
                text, quiz, title=title or "", slug=slug or "", source=path, lesson=lesson_obj
            )
        except ContentError as error:
            lines = "\n".join(str(problem) for problem in error.problems)
            raise CommandError(
                f"{len(error.problems)} problem(s); nothing was stored:\n{lines}"
            ) from None
        for warning in result.warnings:
            self.stdout.write(self.style.WARNING(f"warning: {warning}"))
        state = "published" if quiz.published else "draft"
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {len(result.questions)} question(s) into {state} quiz "
                f"{quiz.title!r} ({quiz.slug}), {len(result.warnings)} warning(s)."
            )
        )

    @staticmethod
    def read(path, is_xml):
        """The file's text (GIFT) or bytes (Moodle XML: its declaration names its encoding)."""
        try:
            return Path(path).read_bytes() if is_xml else Path(path).read_text(encoding="utf-8-sig")
        except OSError as error:
            raise CommandError(f"{path}: cannot read the file ({error.strerror})") from None
        except UnicodeDecodeError:
            raise CommandError(f"{path}: not UTF-8 text; save the file as UTF-8") from None

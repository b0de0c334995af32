from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from stressed.quizzes.gift import gift_export
from stressed.quizzes.models import Quiz
from stressed.quizzes.moodlexml import moodle_xml_export


class Command(BaseCommand):
    help = "Write a quiz as Moodle GIFT or Moodle XML (Markdown text) to stdout or a file."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The quiz's slug.")
        parser.add_argument("-o", "--output", help="Write to this file instead of stdout.")
        parser.add_argument(
            "--format",
            choices=("gift", "xml"),
            help="GIFT or Moodle XML (default: from the output file's extension, else GIFT).",
        )

    def handle(self, *args, slug, output=None, **options):
        quiz = Quiz.objects.filter(slug=slug).first()
        if quiz is None:
            raise CommandError(f"no quiz with the slug {slug!r}")
        xml = (options.get("format") or ("xml" if (output or "").endswith(".xml") else "")) == "xml"
        text, warnings = (moodle_xml_export if xml else gift_export)(quiz)
        for warning in warnings:
            self.stderr.write(f"warning: {warning}")
        if output:
            Path(output).write_text(text, encoding="utf-8")
            self.stderr.write(f"Wrote {quiz.questions.live().count()} question(s) to {output}.")
        else:
            self.stdout.write(text, ending="")

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from stressed.quizzes.gift import gift_export
from stressed.quizzes.models import Quiz


class Command(BaseCommand):
    help = "Write a quiz as Moodle GIFT (Markdown text) to standard output or a file."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The quiz's slug.")
        parser.add_argument("-o", "--output", help="Write to this file instead of stdout.")

    def handle(self, *args, slug, output=None, **options):
        quiz = Quiz.objects.filter(slug=slug).first()
        if quiz is None:
            raise CommandError(f"no quiz with the slug {slug!r}")
        text, warnings = gift_export(quiz)
        for warning in warnings:
            self.stderr.write(f"warning: {warning}")
        if output:
            Path(output).write_text(text, encoding="utf-8")
            self.stderr.write(f"Wrote {quiz.questions.live().count()} question(s) to {output}.")
        else:
            self.stdout.write(text, ending="")

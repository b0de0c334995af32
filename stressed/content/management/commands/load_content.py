from django.core.management.base import BaseCommand, CommandError

from stressed.content.errors import ContentError
from stressed.content.lint import format_figures
from stressed.content.loader import load_content


class Command(BaseCommand):
    help = "Load lessons, glossary terms and quizzes from content/ (all or nothing)."

    def add_arguments(self, parser):
        parser.add_argument("--root", help="Content folder (default: content/ in the project).")
        parser.add_argument("--check", action="store_true", help="Validate only; write nothing.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Overwrite objects edited in the admin with the files' versions.",
        )

    def handle(self, *args, root=None, check=False, force=False, **options):
        try:
            report = load_content(root, check_only=check, force=force)
        except ContentError as error:
            for problem in error.problems:
                self.stderr.write(str(problem))
            raise CommandError(
                f"{len(error.problems)} problem(s) found; nothing was changed."
            ) from None
        if check:
            if options.get("verbosity", 1) > 1:
                for warning in report.warnings:
                    self.stdout.write(self.style.WARNING(warning))
            self.stdout.write("Quiz bank:")
            for line in format_figures(report.figures):
                self.stdout.write(f"  {line}")
            self.stdout.write(self.style.SUCCESS(f"OK: {len(report.unchanged)} items are valid."))
            return
        for label in report.kept:
            self.stdout.write(
                self.style.WARNING(f"kept {label}: it was edited in the admin (use --force)")
            )
        self.stdout.write(self.style.SUCCESS(report.summary()))

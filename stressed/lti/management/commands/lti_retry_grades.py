from django.core.management.base import BaseCommand

from stressed.lti import grades
from stressed.lti.models import GradePost


class Command(BaseCommand):
    help = (
        "Send the LMS grade posts that are due for a retry (run it every few minutes from cron). "
        "--failed first queues the ones that gave up again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--failed", action="store_true", help="Also retry posts marked failed.")

    def handle(self, *args, failed=False, **options):
        if failed:
            queued = grades.requeue(GradePost.objects.filter(status=GradePost.Status.FAILED))
            self.stdout.write(f"Queued {queued} failed post(s) again.")
        sent, not_sent = grades.retry_due()
        pending = GradePost.objects.filter(status=GradePost.Status.PENDING).count()
        gave_up = GradePost.objects.filter(status=GradePost.Status.FAILED).count()
        self.stdout.write(
            f"Sent {sent}, not sent {not_sent}; now {pending} pending, {gave_up} failed."
        )

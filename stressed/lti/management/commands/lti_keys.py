from django.core.management.base import BaseCommand

from stressed.lti import keys
from stressed.lti.models import ToolKey


class Command(BaseCommand):
    help = (
        "Create the LTI tool's key pair if there is none, or --rotate it. Prints the keys the "
        "JWKS publishes and the current public key (PEM) for platforms that want one pasted."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--rotate",
            action="store_true",
            help="Make a new current key; the old one stays in the JWKS as 'previous' until the "
            "next rotation or --retire-previous.",
        )
        parser.add_argument(
            "--retire-previous",
            action="store_true",
            help="Take the previous key out of the JWKS (once every platform has the new one).",
        )

    def handle(self, *args, rotate=False, retire_previous=False, **options):
        if rotate:
            key = keys.rotate()
            self.stdout.write(self.style.SUCCESS(f"Rotated: new current key {key.kid}."))
        elif not ToolKey.objects.filter(status=ToolKey.Status.CURRENT).exists():
            key = keys.create_key()
            self.stdout.write(self.style.SUCCESS(f"Created the tool key {key.kid}."))
        if retire_previous:
            count = keys.retire_previous()
            self.stdout.write(f"Retired {count} previous key(s).")
        for key in keys.published_keys():
            created = f"{key.created_at:%Y-%m-%d %H:%M}"
            self.stdout.write(f"{key.status:>8}  {key.kid}  created {created}")
        self.stdout.write(keys.current_key().public_pem)

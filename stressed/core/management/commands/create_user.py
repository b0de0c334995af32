from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from stressed.core.roles import ADMINS, GLOSSARY_EDITORS, INSTRUCTORS

ROLES = {"student": None, "instructor": INSTRUCTORS, "glossary-editor": GLOSSARY_EDITORS,
         "admin": ADMINS}  # fmt: skip


class Command(BaseCommand):
    help = "Create or update a user with a role: student, instructor, glossary-editor or admin."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--password", required=True)
        parser.add_argument("--role", choices=sorted(ROLES), default="student")
        parser.add_argument("--email", default="")

    def handle(self, username, password, role, email, **options):
        if len(password) < 8:
            raise CommandError("Use a password of at least 8 characters.")
        user, created = get_user_model().objects.get_or_create(username=username)
        user.email = email or user.email
        user.set_password(password)
        user.save()
        user.groups.clear()
        if ROLES[role]:
            user.groups.add(Group.objects.get(name=ROLES[role]))
        verb = "Created" if created else "Updated"
        self.stdout.write(self.style.SUCCESS(f"{verb} {role} {username}."))

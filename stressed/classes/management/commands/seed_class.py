"""A class of made-up students with work done, for the benchmark (`make bench`, phase (g)) and
for trying the gradebook by hand. Never run it on a site with real students: it creates users.

    manage.py seed_class --students 200 --assignments 20 --teacher bench-teacher --password …

Prints the new class's id. Assignments are the published quizzes, then lessons, in course
order; each student gets two finished attempts at each quiz (with one answer each) and has
read every other lesson."""

import random
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from stressed.classes import services
from stressed.classes.models import Assignment, Membership
from stressed.core.roles import INSTRUCTORS
from stressed.lessons.models import Lesson
from stressed.progress.models import LessonCompletion
from stressed.quizzes.models import Attempt, Quiz, Response


class Command(BaseCommand):
    help = "Create a class of made-up students with finished work (benchmarks, demos)."

    def add_arguments(self, parser):
        parser.add_argument("--students", type=int, default=200)
        parser.add_argument("--assignments", type=int, default=20)
        parser.add_argument("--teacher", default="bench-teacher")
        parser.add_argument("--password", required=True)
        parser.add_argument("--seed", type=int, default=17)

    @transaction.atomic
    def handle(self, *args, students, assignments, teacher, password, seed, **options):
        rng = random.Random(seed)
        User = get_user_model()
        if User.objects.filter(username=teacher).exists():
            raise CommandError(f"user {teacher} exists already")
        instructor = User.objects.create_user(teacher, password=password, is_staff=True)
        instructor.groups.add(Group.objects.get(name=INSTRUCTORS))
        school_class = services.create_class(instructor, name=f"Seeded class of {students}")
        quizzes = list(Quiz.objects.filter(published=True).order_by("lesson__order", "title"))
        lessons = list(Lesson.objects.filter(published=True).order_by("order"))
        quizzes = quizzes[:assignments]
        lessons = lessons[: max(0, assignments - len(quizzes))]
        if len(quizzes) + len(lessons) < assignments:
            raise CommandError("not enough published lessons and quizzes for that many")
        now = timezone.now()
        Assignment.objects.bulk_create(
            [
                Assignment(school_class=school_class, quiz=q, due_at=now + timedelta(days=n - 5))
                for n, q in enumerate(quizzes)
            ]
            + [Assignment(school_class=school_class, lesson=x) for x in lessons]
        )
        Assignment.objects.filter(school_class=school_class).update(
            created_at=now - timedelta(days=30)
        )
        users = User.objects.bulk_create(
            [
                User(username=f"{teacher}-s{n:04d}", first_name="Student", last_name=str(n))
                for n in range(students)
            ]
        )
        Membership.objects.bulk_create(
            [Membership(school_class=school_class, user=u) for u in users]
        )
        Membership.objects.filter(school_class=school_class).update(
            joined_at=now - timedelta(days=20)
        )
        first_question = {
            q.pk: q.questions.live().values_list("pk", flat=True).first() for q in quizzes
        }
        started = now - timedelta(days=10)
        attempts = Attempt.objects.bulk_create(
            [
                Attempt(user=u, quiz=q, finished_at=started + timedelta(days=n), score=score)
                for u in users
                for q in quizzes
                for n, score in enumerate((rng.random(), rng.random()))
            ]
        )
        Attempt.objects.filter(user__class_memberships__school_class=school_class).update(
            started_at=started
        )
        Response.objects.bulk_create(
            [
                Response(attempt=a, question_id=first_question[a.quiz_id], answer={},
                         fraction=a.score)
                for a in attempts
                if first_question[a.quiz_id]
            ]
        )  # fmt: skip
        read = [x.pk for x in lessons] + [q.lesson_id for q in quizzes if q.lesson_id]
        LessonCompletion.objects.bulk_create(
            [LessonCompletion(user=u, lesson_id=pk) for u in users[::2] for pk in set(read)],
            ignore_conflicts=True,
        )
        self.stdout.write(str(school_class.pk))

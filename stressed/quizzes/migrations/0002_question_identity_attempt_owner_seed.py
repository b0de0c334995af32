"""Questions get a stable key, a version and a retired flag; attempts lose the raw session key
(a secret) for an opaque owner id, and get a secret seed for option order."""

import hashlib
import secrets

from django.db import migrations, models

import stressed.quizzes.models


def keys_seeds_and_owners(apps, schema_editor):
    Question = apps.get_model("quizzes", "Question")
    Attempt = apps.get_model("quizzes", "Attempt")
    # The same keys content/quizzes/*.yaml gave its questions: the review anchor, numbered when
    # repeated; GIFT-only questions by title or position.
    seen = {}
    for question in Question.objects.order_by("quiz_id", "order", "id"):
        base = question.review_anchor or question.title or f"q{question.order}"
        base = "".join(c if c.isalnum() else "-" for c in base.lower()).strip("-")[:90] or "q"
        count = seen[(question.quiz_id, base)] = seen.get((question.quiz_id, base), 0) + 1
        question.key = base if count == 1 else f"{base}-{count}"
        question.save(update_fields=["key"])
    for attempt in Attempt.objects.all():
        attempt.seed = secrets.token_hex(16)
        if attempt.user_id is None and attempt.session_key:
            # One-way: groups a visitor's old attempts without keeping the key itself.
            attempt.owner = hashlib.sha256(attempt.session_key.encode()).hexdigest()[:32]
        attempt.save(update_fields=["seed", "owner"])


class Migration(migrations.Migration):
    dependencies = [("quizzes", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="question",
            name="key",
            field=models.SlugField(
                blank=True,
                help_text="Stable identity within the quiz: reloading a file or GIFT matches "
                "questions by key, never by position. Leave empty to have one made.",
                max_length=100,
            ),
        ),
        migrations.AddField(
            model_name="question",
            name="version",
            field=models.PositiveIntegerField(
                default=1,
                help_text="Bumped when the answers change after students answered; old answers "
                "keep the version they saw.",
            ),
        ),
        migrations.AddField(
            model_name="question",
            name="retired",
            field=models.BooleanField(
                default=False,
                help_text="Retired questions are kept for the answers given to them but never "
                "appear in new attempts.",
            ),
        ),
        migrations.AddField(
            model_name="attempt",
            name="owner",
            field=models.CharField(
                blank=True,
                db_index=True,
                help_text="Anonymous attempts: an opaque id kept in the visitor's session (never "
                "the session key), so their attempts can be told apart and merged on sign-up.",
                max_length=32,
            ),
        ),
        migrations.AddField(
            model_name="attempt",
            name="seed",
            field=models.CharField(
                default=stressed.quizzes.models.new_seed,
                editable=False,
                help_text="Secret: orders this attempt's options and keys its option tokens.",
                max_length=32,
            ),
        ),
        migrations.RunPython(keys_seeds_and_owners, migrations.RunPython.noop),
        migrations.RemoveField(model_name="attempt", name="session_key"),
        migrations.AddConstraint(
            model_name="question",
            constraint=models.UniqueConstraint(
                condition=models.Q(("retired", False)),
                fields=("quiz", "key"),
                name="one_live_question_per_key",
            ),
        ),
        migrations.AddConstraint(
            model_name="question",
            constraint=models.UniqueConstraint(
                fields=("quiz", "key", "version"), name="one_question_per_key_version"
            ),
        ),
    ]

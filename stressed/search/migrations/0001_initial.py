from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="Entry",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("kind", models.CharField(choices=[("section", "Lesson"), ("term", "Glossary"), ("quiz", "Quiz")], max_length=10)),
                ("source_id", models.PositiveIntegerField(help_text="The lesson, term or quiz it comes from.")),
                ("anchor", models.CharField(blank=True, help_text="The heading id, if any.", max_length=100)),
                ("url", models.CharField(max_length=300)),
                ("title", models.CharField(max_length=300)),
                ("context", models.CharField(blank=True, help_text="e.g. the lesson's title.", max_length=300)),
                ("body", models.TextField(blank=True, help_text="Plain text, shown in snippets.")),
                ("index_title", models.TextField(blank=True, help_text="The title, folded for matching.")),
                ("index_body", models.TextField(blank=True, help_text="The body, folded for matching.")),
                ("published", models.BooleanField(default=True)),
                ("position", models.PositiveIntegerField(default=0, help_text="Order within the source.")),
            ],
            options={
                "db_table": "search_entry",
                "verbose_name_plural": "entries",
                "indexes": [models.Index(fields=["kind", "source_id"], name="search_entr_kind_6f1f2b_idx")],
            },
        ),
    ]

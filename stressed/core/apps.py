from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "stressed.core"
    label = "core"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from stressed.core import fastcsrf

        fastcsrf.install()

        from stressed.core.cache import bump_content_version

        def bump(sender, **kwargs):
            bump_content_version()

        # Any content change makes every cached anonymous page stale.
        for model in (
            "lessons.Lesson",
            "lessons.Reference",
            "glossary.Term",
            "quizzes.Quiz",
            "quizzes.Question",
            "quizzes.Choice",
        ):
            post_save.connect(bump, sender=model, weak=False, dispatch_uid=f"bump-{model}-save")
            post_delete.connect(bump, sender=model, weak=False, dispatch_uid=f"bump-{model}-del")

        from django.contrib.auth import get_user_model
        from django.db.models.signals import m2m_changed

        from stressed.core.roles import sync_staff_flag

        def groups_changed(sender, instance, action, reverse, **kwargs):
            if action in ("post_add", "post_remove", "post_clear") and not reverse:
                sync_staff_flag(instance)

        m2m_changed.connect(
            groups_changed,
            sender=get_user_model().groups.through,
            weak=False,
            dispatch_uid="sync-staff-flag",
        )

from django.apps import AppConfig, apps


class CoreConfig(AppConfig):
    name = "stressed.core"
    label = "core"

    def ready(self):
        from django.contrib.auth import get_user_model
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from stressed.core.cache import bump_content_version
        from stressed.core.models import PublicContent
        from stressed.core.roles import sync_staff_flag

        def bump(sender, **kwargs):
            bump_content_version()

        def bump_on_m2m(sender, instance, action, **kwargs):
            if action.startswith("post_") and isinstance(instance, PublicContent):
                bump_content_version()

        # Any change to a model that declares itself PublicContent makes every cached public
        # page stale. Connected per model, so deleting other rows keeps Django's fast path.
        for model in apps.get_models():
            if issubclass(model, PublicContent):
                uid = f"bump-{model.__module__}.{model.__name__}"
                post_save.connect(bump, sender=model, weak=False, dispatch_uid=f"{uid}-save")
                post_delete.connect(bump, sender=model, weak=False, dispatch_uid=f"{uid}-del")
        m2m_changed.connect(bump_on_m2m, weak=False, dispatch_uid="bump-content-m2m")

        def groups_changed(sender, instance, action, reverse, **kwargs):
            if action in ("post_add", "post_remove", "post_clear") and not reverse:
                sync_staff_flag(instance)

        m2m_changed.connect(
            groups_changed,
            sender=get_user_model().groups.through,
            weak=False,
            dispatch_uid="sync-staff-flag",
        )

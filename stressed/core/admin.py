"""The user admin, closed against privilege escalation.

Admins-group members manage users, but only a superuser may hand out power: for everyone else
`is_superuser`, `is_staff`, groups and permissions are read-only, and superusers can be seen
but not changed or deleted (nor their passwords set).
"""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group

from stressed.core.adminforms import SafeFormsMixin

User = get_user_model()

POWER_FIELDS = ("is_superuser", "is_staff", "groups", "user_permissions")


class GuardedUserAdmin(SafeFormsMixin, UserAdmin):
    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        if request.user.is_superuser:
            return readonly
        return (*readonly, *POWER_FIELDS)

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)


if admin.site.is_registered(User):
    admin.site.unregister(User)
admin.site.register(User, GuardedUserAdmin)


class BoundedGroupAdmin(SafeFormsMixin, GroupAdmin):
    """Django's group admin; a permission id too large for the database is a form error."""


if admin.site.is_registered(Group):
    admin.site.unregister(Group)
admin.site.register(Group, BoundedGroupAdmin)

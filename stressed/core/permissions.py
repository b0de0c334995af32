"""The one way views check a role: Django's `login_required` and `user_passes_test`, the
pieces Django's own `permission_required` is made of, plus the staff flag our roles use.
Permissions are checked in views (DESIGN.md): an htmx partial can be requested directly."""

from django.contrib.auth.decorators import login_required, user_passes_test
from django.core.exceptions import PermissionDenied


def staff_permission_required(perm=None, *, staff=True, login=True):
    """Decorate a view: visitors not logged in go to the log-in page (or get 403 when
    `login` is False); logged-in users get 403 unless they are staff (when `staff`) and have
    `perm` (when given; superusers have every permission)."""

    def check(user):
        if not user.is_authenticated:
            return False
        if staff and not user.is_staff:
            raise PermissionDenied
        if perm is not None and not user.has_perm(perm):
            raise PermissionDenied
        return True

    def decorate(view):
        if login:
            return login_required(user_passes_test(check)(view))

        def strict(user):
            if not check(user):
                raise PermissionDenied
            return True

        return user_passes_test(strict)(view)

    return decorate

"""Password reset: Django's views, plus a mail rate limit and unlocking on success.

Without a limit, anyone could make the site mail a stranger thirty times a minute. Over the
limit, the form answers exactly as it does when it sends (so it reveals nothing) but sends
nothing. The counters live in the cache: shared between hosts when CACHE_URL is set.

A completed reset proves the user owns the account, so it also clears their log-in lockouts
(django-axes), which otherwise anyone can set off by typing their username wrongly.
"""

import hashlib

from axes.helpers import get_client_ip_address
from axes.utils import reset as reset_lockouts
from django.contrib.auth import views as auth_views
from django.core.cache import cache
from django.http import HttpResponseRedirect

RESET_MAILS_PER_ADDRESS = 3
RESET_MAILS_PER_IP = 10
RESET_WINDOW = 60 * 60  # seconds


def count_and_check(key, limit, window=RESET_WINDOW):
    """Count one more use of `key` in a window that starts at its first use; True while the
    count is within `limit`."""
    if cache.add(key, 1, window):
        return True
    try:
        return cache.incr(key) <= limit
    except ValueError:  # the window ended between add() and incr()
        cache.add(key, 1, window)
        return True


def may_send_reset_mail(request, email):
    address = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    ip = get_client_ip_address(request) or "unknown"
    # Both counters always advance, so neither limit can be dodged by tripping the other.
    ip_ok = count_and_check(f"password-reset:ip:{ip}", RESET_MAILS_PER_IP)
    address_ok = count_and_check(f"password-reset:address:{address}", RESET_MAILS_PER_ADDRESS)
    return ip_ok and address_ok


class PasswordResetView(auth_views.PasswordResetView):
    def form_valid(self, form):
        if may_send_reset_mail(self.request, form.cleaned_data["email"]):
            return super().form_valid(form)
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    def form_valid(self, form):
        response = super().form_valid(form)
        reset_lockouts(username=form.user.get_username())
        return response

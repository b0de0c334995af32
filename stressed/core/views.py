import sys

from django.shortcuts import render
from django.views.decorators.http import require_safe

from stressed.core.caching import public_page
from stressed.core.unavailable import unavailable_response


@require_safe
@public_page
def about(request):
    return render(request, "core/about.html")


def error_page(request, status, title, message):
    """The site's own error page, for any 4xx a view decides on."""
    return render(
        request,
        "core/error.html",
        {"status": status, "title": title, "message": message},
        status=status,
    )


def bad_request(request, exception=None):
    return error_page(request, 400, "Bad request", "The request could not be understood.")


def permission_denied(request, exception=None):
    return error_page(request, 403, "Not allowed", "You do not have permission to do that.")


def csrf_failure(request, reason=""):
    return error_page(
        request,
        403,
        "Form expired",
        "This form was open too long or came from another site. Go back, reload the page and "
        "try again.",
    )


def page_not_found(request, exception=None):
    return error_page(request, 404, "Page not found", "There is no page at this address.")


def server_error(request):
    # Django calls this inside its `except` block, so the error is at hand: a busy or read-only
    # database that failed outside a view (saving the session, say) is a 503, not a 500.
    unavailable = unavailable_response(sys.exc_info()[1])
    if unavailable is not None:
        return unavailable
    # Rendered without a request context: the failure may be in a context processor.
    from django.http import HttpResponseServerError
    from django.template import loader

    html = loader.get_template("core/500.html").render()
    return HttpResponseServerError(html)

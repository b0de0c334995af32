from django.shortcuts import render
from django.views.decorators.http import require_GET


@require_GET
def about(request):
    return render(request, "core/about.html")


def _error(request, status, title, message):
    return render(
        request,
        "core/error.html",
        {"status": status, "title": title, "message": message},
        status=status,
    )


def bad_request(request, exception=None):
    return _error(request, 400, "Bad request", "The request could not be understood.")


def permission_denied(request, exception=None):
    return _error(request, 403, "Not allowed", "You do not have permission to do that.")


def page_not_found(request, exception=None):
    return _error(request, 404, "Page not found", "There is no page at this address.")


def server_error(request):
    # Rendered without a request context: the failure may be in a context processor.
    from django.http import HttpResponseServerError
    from django.template import loader

    html = loader.get_template("core/500.html").render()
    return HttpResponseServerError(html)

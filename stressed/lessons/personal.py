"""The personal parts of the home and lesson pages, supplied by a higher layer.

Lessons sit below progress in the app layers (pyproject.toml, [tool.importlinter]), yet the
home page shows a logged-in student's progress and a lesson page their standing. So lessons
ask for that context here, and the progress app registers the functions that build it when
it starts (ProgressConfig.ready). With no provider registered the pages are simply public.
"""

home_providers = []  # f(request, lessons) -> dict for the home page
lesson_providers = []  # f(request, lesson) -> dict for a lesson page


def home_context(request, lessons):
    context = {}
    for provider in home_providers:
        context.update(provider(request, lessons))
    return context


def lesson_context(request, lesson):
    context = {}
    for provider in lesson_providers:
        context.update(provider(request, lesson))
    return context

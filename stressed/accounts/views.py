import json

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model, login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import UserCreationForm
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_safe

from stressed.progress.store import merge_session_into_account
from stressed.quizzes.grading import answer_text


class SignupForm(UserCreationForm):
    email = forms.EmailField(
        required=False, help_text="Optional: only used to reset your password."
    )

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ("username", "email")


class LoginView(auth_views.LoginView):
    """Django's log-in, plus: anonymous progress moves into the account."""

    def form_valid(self, form):
        # login() keeps an anonymous session's data (it only cycles the key), so the
        # progress is still there to merge.
        response = super().form_valid(form)
        merge_session_into_account(self.request, form.get_user())
        return response


def safe_next(request):
    """Where to go after signing up: `next` (a class's join link, say) when it is a path on
    this site, else the progress page."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if target and allowed else ""


@require_http_methods(["GET", "HEAD", "POST"])
def signup(request):
    next_url = safe_next(request)
    if request.user.is_authenticated:
        return redirect(next_url or "progress")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # All or nothing: if anything below fails, no account is left half-made.
        with transaction.atomic():
            user = form.save()
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            merge_session_into_account(request, user)
        messages.success(request, "Welcome! Your account is ready and your progress is saved.")
        return redirect(next_url or "progress")
    return render(request, "registration/signup.html", {"form": form, "next": next_url})


@login_required
@require_safe
def account(request):
    return render(request, "registration/account.html")


def _response_data(response):
    """One answer in words (what was asked, what was answered), with the ids kept."""
    question = response.question
    return {
        "question": " ".join(question.prompt.split()),
        "answer": answer_text(question, list(question.choices.all()), response.answer),
        "fraction": response.fraction,
        "answered_at": response.answered_at,
        "question_id": question.pk,
        "answer_ids": response.answer,
    }


def user_data(user):
    """Everything we hold about a student, for the JSON download."""
    attempts = []
    attempts_of_user = user.attempts.select_related("quiz").prefetch_related(
        "responses__question__choices"
    )
    for attempt in attempts_of_user:
        attempts.append(
            {
                "quiz": attempt.quiz.slug if attempt.quiz else None,
                "quiz_title": attempt.quiz.title
                if attempt.quiz
                else "Practice of missed questions",
                "started_at": attempt.started_at,
                "finished_at": attempt.finished_at,
                "score": attempt.score,
                "responses": [_response_data(r) for r in attempt.responses.all()],
            }
        )
    return {
        "username": user.get_username(),
        "email": user.email,
        "date_joined": user.date_joined,
        "completed_lessons": [
            {"lesson": c.lesson.slug, "completed_at": c.completed_at}
            for c in user.lesson_completions.select_related("lesson")
        ],
        "quiz_attempts": attempts,
        "flashcards": [
            {"term": c.term.slug, "due": c.due, "reviews": c.reviews, "card": c.card}
            for c in user.cards.select_related("term")
        ],
        # Classes the student is in: their instructors see their work on what it assigns.
        "classes": [
            {
                "class": m.school_class.name,
                "joined_at": m.joined_at,
                "teachers": [t.get_username() for t in m.school_class.teachers.all()],
            }
            for m in user.class_memberships.select_related("school_class").prefetch_related(
                "school_class__teachers"
            )
        ],
        "classes_taught": [c.name for c in user.classes_taught.all()],
    }


@login_required
@require_safe
def export_data(request):
    body = json.dumps(user_data(request.user), cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)
    response = HttpResponse(body, content_type="application/json")
    response["Content-Disposition"] = 'attachment; filename="stressed-my-data.json"'
    return response


class DeleteAccountForm(forms.Form):
    password = forms.CharField(widget=forms.PasswordInput, help_text="Confirm with your password.")

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That password is not right.")
        return password


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def delete_account(request):
    form = DeleteAccountForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        user.delete()
        messages.success(request, "Your account and all its data have been deleted.")
        # To a private page: the home page is public, shared by every visitor, and must
        # never carry one visitor's message.
        return redirect("account-deleted")
    return render(request, "registration/delete.html", {"form": form})


@require_safe
def account_deleted(request):
    """Where a deleted account lands; shows the message. Private, like every page that is not
    decorated public (core.caching.CachePolicyMiddleware)."""
    return render(request, "registration/deleted.html")

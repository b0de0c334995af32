from django.contrib.auth import views as auth_views
from django.urls import path

from stressed.progress import account_views, reset_views, views

urlpatterns = [
    path("progress/", views.progress, name="progress"),
    path("lessons/<slug:slug>/complete/", views.lesson_complete, name="lesson-complete"),
    path("lessons/<slug:slug>/your-progress/", views.lesson_progress, name="lesson-progress"),
    path("review/", views.review, name="review"),
    path("review/missed/", views.practise_missed, name="review-missed"),
    path("review/cards/", views.flashcards, name="flashcards"),
    path("review/cards/<int:term_id>/", views.rate_card, name="flashcard-rate"),
    path("accounts/signup/", account_views.signup, name="signup"),
    path("accounts/login/", account_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/change/", auth_views.PasswordChangeView.as_view(), name="password_change"
    ),
    path(
        "accounts/password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path(
        "accounts/password/reset/", reset_views.PasswordResetView.as_view(), name="password_reset"
    ),
    path(
        "accounts/password/reset/done/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        reset_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("accounts/", account_views.account, name="account"),
    path("accounts/export/", account_views.export_data, name="account-export"),
    path("accounts/delete/", account_views.delete_account, name="account-delete"),
    path("accounts/deleted/", account_views.account_deleted, name="account-deleted"),
]

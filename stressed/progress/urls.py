from django.urls import path

from stressed.progress import views

urlpatterns = [
    path("progress/", views.progress, name="progress"),
    # The home page's personal part, fetched by the public home page for visitors with a session.
    path("progress/summary/", views.home_progress, name="home-progress"),
    path("lessons/<slug:slug>/complete/", views.lesson_complete, name="lesson-complete"),
    path("lessons/<slug:slug>/your-progress/", views.lesson_progress, name="lesson-progress"),
    path("lessons/<slug:slug>/position/", views.lesson_position, name="lesson-position"),
    path("lessons/<slug:slug>/read/", views.lesson_read, name="lesson-read"),
    path("review/", views.review, name="review"),
    path("review/missed/", views.practise_missed, name="review-missed"),
    path("review/cards/", views.flashcards, name="flashcards"),
    path("review/cards/<int:term_id>/", views.rate_card, name="flashcard-rate"),
]

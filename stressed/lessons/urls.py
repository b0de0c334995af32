from django.urls import path

from stressed.lessons import views

urlpatterns = [
    path("", views.home, name="home"),
    path("lessons/<slug:slug>/", views.lesson, name="lesson"),
    # The home page's personal part, fetched by the public home page for visitors with a session.
    path("progress/summary/", views.home_progress, name="home-progress"),
]

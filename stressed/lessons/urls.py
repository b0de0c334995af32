from django.urls import path

from stressed.lessons import views

urlpatterns = [
    path("", views.home, name="home"),
    path("lessons/<slug:slug>/", views.lesson, name="lesson"),
]

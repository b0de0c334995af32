from django.urls import path

from stressed.search import views

urlpatterns = [
    path("", views.site_search, name="search"),
]

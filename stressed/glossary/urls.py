from django.urls import path

from stressed.glossary import views

urlpatterns = [
    path("", views.glossary, name="glossary"),
    path("search/", views.glossary_search, name="glossary-search"),
    path("<slug:slug>/", views.term, name="term"),
]

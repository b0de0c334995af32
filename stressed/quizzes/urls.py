from django.urls import path

from stressed.quizzes import gift_views, stats_views, views

urlpatterns = [
    # GIFT import/export and statistics (before quizzes/<slug>/, so "import" is not a slug).
    path("quizzes/import/", gift_views.gift_import, name="gift-import"),
    path("quizzes/<slug:slug>/export.gift", gift_views.gift_export, name="gift-export"),
    path("quizzes/<slug:slug>/export.xml", gift_views.moodle_xml_export, name="moodle-xml-export"),
    path(
        "quizzes/<slug:slug>/statistics/", stats_views.quiz_statistics_page, name="quiz-statistics"
    ),
    path(
        "quizzes/<slug:slug>/responses.csv",
        stats_views.quiz_responses_csv,
        name="quiz-responses-csv",
    ),
    path("quizzes/<slug:slug>/", views.quiz, name="quiz"),
    path("quizzes/<slug:slug>/take/", views.quiz_take, name="quiz-take"),
    path("quizzes/<slug:slug>/start/", views.quiz_start, name="quiz-start"),
    path("quizzes/<slug:slug>/preview/", views.preview, name="quiz-preview"),
    path(
        "quizzes/<slug:slug>/preview/<int:question_id>/",
        views.preview_answer,
        name="quiz-preview-answer",
    ),
    path("attempts/<int:attempt_id>/", views.attempt, name="attempt"),
    path("attempts/<int:attempt_id>/questions/<int:question_id>/", views.answer, name="answer"),
    path("attempts/<int:attempt_id>/finish/", views.finish, name="attempt-finish"),
    path("attempts/<int:attempt_id>/summary/", views.summary, name="attempt-summary"),
    path("attempts/<int:attempt_id>/practise/", views.practise_missed, name="attempt-practise"),
]

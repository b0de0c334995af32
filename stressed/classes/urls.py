from django.urls import path

from stressed.classes import views

urlpatterns = [
    path("", views.class_list, name="class-list"),
    path("new/", views.class_create, name="class-create"),
    path("join/", views.class_join, name="class-join"),
    path("join/<str:code>/", views.class_join_link, name="class-join-link"),
    path("assigned/", views.assigned, name="assigned"),
    path("<int:class_id>/", views.class_detail, name="class-detail"),
    path("<int:class_id>/edit/", views.class_edit, name="class-edit"),
    path("<int:class_id>/code/", views.class_code, name="class-code"),
    path("<int:class_id>/archive/", views.class_archive, name="class-archive"),
    path("<int:class_id>/leave/", views.class_leave, name="class-leave"),
    path("<int:class_id>/teachers/", views.class_teacher_add, name="class-teacher-add"),
    path(
        "<int:class_id>/teachers/<int:user_id>/remove/",
        views.class_teacher_remove,
        name="class-teacher-remove",
    ),
    path(
        "<int:class_id>/students/<int:user_id>/remove/",
        views.class_student_remove,
        name="class-student-remove",
    ),
    path("<int:class_id>/students/<int:user_id>/", views.class_student, name="class-student"),
    path("<int:class_id>/assignments/new/", views.assignment_create, name="assignment-create"),
    path(
        "<int:class_id>/assignments/<int:assignment_id>/",
        views.assignment_edit,
        name="assignment-edit",
    ),
    path(
        "<int:class_id>/assignments/<int:assignment_id>/delete/",
        views.assignment_delete,
        name="assignment-delete",
    ),
    path(
        "<int:class_id>/assignments/<int:assignment_id>/statistics/",
        views.class_quiz_statistics,
        name="class-quiz-statistics",
    ),
    path("<int:class_id>/gradebook/", views.gradebook, name="gradebook"),
    path("<int:class_id>/gradebook.csv", views.gradebook_csv, name="gradebook-csv"),
    path("<int:class_id>/responses.csv", views.responses_csv, name="class-responses-csv"),
]

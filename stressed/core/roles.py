"""The site's roles as Django groups, created by a migration (core/0001_roles)."""

INSTRUCTORS = "Instructors"
GLOSSARY_EDITORS = "Glossary editors"
ADMINS = "Admins"

QUIZ_AUTHORING = [
    f"quizzes.{action}_{model}"
    for model in ("quiz", "question", "choice")
    for action in ("add", "change", "delete", "view")
] + ["quizzes.view_statistics", "quizzes.view_attempt"]
READ_CONTENT = ["lessons.view_lesson", "lessons.view_reference", "glossary.view_term"]
GLOSSARY_EDITING = [f"glossary.{action}_term" for action in ("add", "change", "delete", "view")]
CONTENT_EDITING = (
    [
        f"lessons.{a}_{m}"
        for m in ("lesson", "reference")
        for a in ("add", "change", "delete", "view")
    ]
    + GLOSSARY_EDITING
    + QUIZ_AUTHORING
    + [f"auth.{a}_user" for a in ("add", "change", "delete", "view")]
    + ["auth.view_group", "progress.view_lessoncompletion"]
)

ROLE_PERMISSIONS = {
    INSTRUCTORS: QUIZ_AUTHORING + READ_CONTENT,
    GLOSSARY_EDITORS: GLOSSARY_EDITING + READ_CONTENT,
    ADMINS: CONTENT_EDITING,
}
STAFF_ROLES = set(ROLE_PERMISSIONS)


def sync_staff_flag(user):
    """Members of a role group use the admin, so they are staff; students never are."""
    in_role = user.is_superuser or user.groups.filter(name__in=STAFF_ROLES).exists()
    if user.is_staff != in_role:
        user.is_staff = in_role
        user.save(update_fields=["is_staff"])

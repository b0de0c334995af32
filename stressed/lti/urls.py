from django.urls import path

from stressed.lti import views

urlpatterns = [
    path("login/", views.login, name="lti-login"),
    path("login/continue/", views.login_continue, name="lti-login-continue"),
    path("login/new-window/", views.login_new_window, name="lti-login-new-window"),
    path("launch/", views.launch, name="lti-launch"),
    # The same endpoint as launch/ (it reads the message type); a URL of its own because LMSs
    # ask for a deep-linking URL separately.
    path("deep-link/", views.launch, name="lti-deep-link"),
    path("deep-link/choose/", views.deep_link_choose, name="lti-deep-link-choose"),
    path("jwks.json", views.jwks, name="lti-jwks"),
    path("setup/", views.setup, name="lti-setup"),
    path("teach/", views.teach, name="lti-teach"),
    path("grades/", views.grade_posts, name="lti-grades"),
]

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Sign-up, log-in, the account page, data export, deletion and password reset: the top
    layer, over progress (whose session data a new account takes over)."""

    name = "stressed.accounts"
    label = "accounts"

"""Signals other apps listen to, so the attempt flow never imports them (LTI grade passback,
class gradebooks).

`attempt_finished(sender=Attempt, attempt=...)` is sent once per attempt, after the transaction
that scored it commits (so a receiver that posts the grade elsewhere never reports a score that
was rolled back)."""

from django.dispatch import Signal

attempt_finished = Signal()

"""Durable escalation of unacknowledged one-key calls (django-tasks, enqueued with run_after
in the call's own transaction, so it survives a restart and a rolled-back call leaves none)."""

from django_tasks import task


@task()
def onekey_escalate(call_id: int) -> int:
    from .services import onekey_escalate as escalate

    call = escalate(call_id=call_id)
    return call.escalation_level if call else -1

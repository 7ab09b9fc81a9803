from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.http import HttpRequest

from gongzhi.core.models import AuditLog

if TYPE_CHECKING:
    from gongzhi.core.types import Actor


def client_ip(request: HttpRequest | None) -> str | None:
    return request.META.get("REMOTE_ADDR") if request is not None else None


def audit_record(
    *,
    actor: Actor,
    action: str,
    target: models.Model | type[models.Model],
    fields: str = "",
    reason: str = "",
    request: HttpRequest | None = None,
) -> AuditLog:
    """The one way to write an audit row. `target` is a row, or a model class when the action
    touched many rows (an export or an import): then no id is recorded."""
    return AuditLog.objects.create(
        actor=actor,
        action=action,
        target_type=target._meta.label_lower,
        target_id="" if isinstance(target, type) else str(target.pk),
        fields=fields,
        reason=reason[:200],
        ip=client_ip(request),
    )

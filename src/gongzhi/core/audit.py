from gongzhi.core.models import AuditLog


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") if request is not None else None


def audit_record(*, actor, action: str, target, fields: str = "", reason: str = "", request=None):
    return AuditLog.objects.create(
        actor=actor,
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        fields=fields,
        reason=reason[:200],
        ip=client_ip(request),
    )

from django.urls import reverse

from gongzhi.core.models import AuditLog
from gongzhi.people.services import resident_reveal


def test_the_audit_log_is_listed_but_cannot_be_added_changed_or_deleted(district, login):
    row = resident_reveal(
        by=district.users["admin"], resident=district.residents["a_head"], reason="核查"
    )
    entry = AuditLog.objects.get()
    client = login("admin")
    assert "核查" in client.get(reverse("admin:core_auditlog_changelist")).content.decode()
    assert client.get(reverse("admin:core_auditlog_add")).status_code == 403
    change = client.post(reverse("admin:core_auditlog_change", args=[entry.pk]), {"reason": "改"})
    assert change.status_code == 403
    delete = client.post(reverse("admin:core_auditlog_delete", args=[entry.pk]), {"post": "yes"})
    assert delete.status_code == 403
    assert AuditLog.objects.get().reason == "核查"
    assert row["name"] == "茹玉芳"

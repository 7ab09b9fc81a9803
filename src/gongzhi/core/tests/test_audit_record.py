"""audit_record: the one writer of audit rows, for one row or a whole model."""

from gongzhi.core.audit import audit_record
from gongzhi.core.models import AuditLog
from gongzhi.people.models import Resident


def test_a_row_target_records_its_type_and_id(district):
    resident = district.residents["a_head"]
    row = audit_record(
        actor=district.users["center"],
        action=AuditLog.Action.REVEAL,
        target=resident,
        reason="核实身份",
    )
    assert (row.target_type, row.target_id) == ("people.resident", str(resident.pk))


def test_a_model_target_records_its_type_and_no_id(district):
    row = audit_record(
        actor=district.users["center"],
        action=AuditLog.Action.EXPORT,
        target=Resident,
        fields="导出3条",
        reason="全部" * 200,
    )
    assert (row.target_type, row.target_id, row.fields) == ("people.resident", "", "导出3条")
    assert len(row.reason) == 200

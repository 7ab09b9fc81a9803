"""Counselling appointments and appointment requests: one state table each.

An appointment is booked, then cancelled or held (a counsellor's note marks it done); a
request (a hall referral or a resident's own) is scheduled into a slot or declined.
"""

from django.utils.translation import gettext_lazy

from gongzhi.core.states import StateTable

from .models import Appointment, AppointmentRequest

A = Appointment.Status
R = AppointmentRequest.Status

APPOINTMENT_TRANSITIONS: dict[tuple[str, str], str] = {
    (A.BOOKED, "cancel"): A.CANCELLED,
    (A.BOOKED, "write_note"): A.DONE,
    (A.DONE, "write_note"): A.DONE,  # a further note on the same session
    (A.NO_SHOW, "write_note"): A.NO_SHOW,  # a note on the missed session
}
APPOINTMENT_ACTIONS = {
    "cancel": gettext_lazy("取消"),
    "write_note": gettext_lazy("填写咨询记录"),
}
APPOINTMENT = StateTable(
    states=A,
    transitions=APPOINTMENT_TRANSITIONS,
    actions=APPOINTMENT_ACTIONS,
    refusal=gettext_lazy("该预约当前为「%(status)s」,不能%(action)s"),
)

REQUEST_TRANSITIONS: dict[tuple[str, str], str] = {
    (R.PENDING, "schedule"): R.BOOKED,
    (R.PENDING, "decline"): R.DECLINED,
}
REQUEST_ACTIONS = {
    "schedule": gettext_lazy("安排咨询时段"),
    "decline": gettext_lazy("记录未安排"),
}
REQUEST = StateTable(
    states=R,
    transitions=REQUEST_TRANSITIONS,
    actions=REQUEST_ACTIONS,
    refusal=gettext_lazy("该咨询申请当前为「%(status)s」,不能%(action)s"),
)

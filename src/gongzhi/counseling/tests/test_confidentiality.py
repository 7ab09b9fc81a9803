"""Session notes: only the author and an authorised supervisor read them; every read is audited."""

import pytest
from django.contrib import admin
from django.core.exceptions import PermissionDenied

from gongzhi.core.models import AuditLog
from gongzhi.core.testing import PASSWORD
from gongzhi.counseling import services as svc
from gongzhi.counseling.models import SessionNote
from gongzhi.counseling.selectors import session_note_read, session_notes_for

from .conftest import NOTE_TEXT

OUTSIDERS = ["center", "leader", "admin", "counselor2"]


def _reads():
    return AuditLog.objects.filter(action=AuditLog.Action.READ_SENSITIVE).count()


def test_the_note_text_is_not_stored_in_clear(note):
    assert NOTE_TEXT not in SessionNote.objects.get(pk=note.pk).content_enc


@pytest.mark.parametrize("username", OUTSIDERS)
def test_it_hides_notes_from_everyone_but_the_author_in_the_selector(
    district, other_counselor, note, username
):
    user = district.users.get(username) or other_counselor.user
    assert not session_notes_for(user).exists()
    with pytest.raises(PermissionDenied):
        session_note_read(user=user, pk=note.pk)
    assert _reads() == 0


@pytest.mark.parametrize("username", OUTSIDERS)
def test_it_hides_notes_from_everyone_but_the_author_on_every_page(
    client, other_counselor, note, username
):
    assert client.login(username=username, password=PASSWORD)
    for url in (
        f"/counseling/notes/{note.pk}/",
        "/counseling/notes/",
        "/counseling/",
        "/counseling/stats/",
        f"/admin/counseling/sessionnote/{note.pk}/change/",
        "/admin/counseling/sessionnote/",
        "/api/v1/",
    ):
        response = client.get(url, follow=True)
        assert NOTE_TEXT not in response.content.decode(), url
    assert client.get(f"/counseling/notes/{note.pk}/").status_code in (403, 404)
    assert _reads() == 0


def test_the_django_admin_does_not_register_session_notes():
    assert SessionNote not in admin.site._registry


def test_the_author_reads_the_note_and_the_read_is_audited(login, note):
    response = login("counselor").get(f"/counseling/notes/{note.pk}/")
    assert NOTE_TEXT in response.content.decode()
    row = AuditLog.objects.get(action=AuditLog.Action.READ_SENSITIVE)
    assert (row.actor.username, row.target_id) == ("counselor", str(note.pk))


def test_an_authorised_supervisor_reads_the_note_and_the_read_is_audited(
    district, counselor, other_counselor, note
):
    svc.supervisor_grant(
        by=district.users["center"], supervisor=other_counselor, counselor=counselor
    )
    _, text = session_note_read(user=other_counselor.user, pk=note.pk)
    assert text == NOTE_TEXT
    assert AuditLog.objects.filter(actor=other_counselor.user, target_id=str(note.pk)).count() == 1


def test_a_revoked_supervisor_can_no_longer_read(district, counselor, other_counselor, note):
    grant = svc.supervisor_grant(
        by=district.users["center"], supervisor=other_counselor, counselor=counselor
    )
    svc.supervisor_revoke(by=district.users["center"], grant=grant)
    assert not session_notes_for(other_counselor.user).exists()


def test_it_refuses_to_make_an_administrator_a_supervisor(district, counselor):
    from django.core.exceptions import ValidationError

    from gongzhi.org.models import Staff

    admin_staff = Staff.objects.get(user=district.users["admin"])
    with pytest.raises(ValidationError, match="督导须为在岗的心理咨询师"):
        svc.supervisor_grant(
            by=district.users["admin"], supervisor=admin_staff, counselor=counselor
        )

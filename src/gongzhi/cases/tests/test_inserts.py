"""core.inserts stores a row exactly as Model.save() would, for the models that use it."""

import datetime as dt

import pytest
from django.db import connection
from django.db.models.signals import post_save, pre_save
from django.forms.models import model_to_dict

from gongzhi.cases.models import Case, CaseEvent, Category, Channel, Notification, State
from gongzhi.core import crypto
from gongzhi.core.inserts import insert_row, insert_rows

from .conftest import NEIGHBOURS, report

AT = dt.datetime(2030, 3, 4, 1, 2, 3, 456789, tzinfo=dt.UTC)


def _case(district, number):
    case = Case(
        number=number,
        title="标题",
        description="<b>描述</b>",
        channel=Channel.HOTLINE,
        category=Category.objects.get(code=NEIGHBOURS),
        grid=district.unit_a,
        owning_grid=district.unit_a,
        owning_level=5,
        extra={"层": 3, "list": ["a"]},
        lat=39.7321,
        lng=98.4942,
        created_at=AT,
        updated_at=AT,
        accept_red_at=AT,
        idempotency_key=f"k-{number}",
    )
    case.set_contact("王先生", "13800001234")
    return case


def _stored(obj):
    row = type(obj).objects.get(pk=obj.pk)
    return {k: v for k, v in model_to_dict(row).items() if k != "id"} | {
        f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields if f.name != "id"
    }


@pytest.mark.parametrize("model", [Case, CaseEvent, Notification])
def test_the_models_written_this_way_have_no_save_signals(model):
    assert not pre_save.has_listeners(model) and not post_save.has_listeners(model)


def test_a_case_reads_back_the_same_as_one_saved_by_the_orm(district):
    by_orm, by_insert = _case(district, "SJ20300304-0001"), _case(district, "SJ20300304-0002")
    by_orm.save()
    insert_row(by_insert)
    assert by_insert.pk and by_insert.pk != by_orm.pk and not by_insert._state.adding
    orm, fast = _stored(by_orm), _stored(by_insert)
    for key in ("number", "idempotency_key", "contact_name_enc", "contact_phone_enc"):  # nonces
        orm.pop(key), fast.pop(key)
    assert fast == orm
    stored = Case.objects.get(pk=by_insert.pk)
    assert crypto.decrypt(stored.contact_phone_enc) == "13800001234"
    assert stored.contact_phone_masked == "138****1234"


def test_several_rows_in_one_statement_get_their_own_keys_in_order(district):
    case = _case(district, "SJ20300304-0003")
    insert_row(case)
    events = [
        CaseEvent(case=case, action=f"a{i}", to_state=State.REPORTED, at=AT, data={"i": i})
        for i in range(3)
    ]
    insert_rows(events)
    assert [CaseEvent.objects.get(pk=e.pk).data for e in events] == [{"i": 0}, {"i": 1}, {"i": 2}]
    assert insert_rows([]) == []


def _prepared_create_runs() -> int:
    with connection.cursor() as cur:
        cur.execute(
            "SELECT coalesce(sum(generic_plans + custom_plans), 0) FROM pg_prepared_statements "
            "WHERE statement LIKE 'WITH num AS (SELECT gongzhi_case_number_next($1::date)%%'"
        )
        return cur.fetchone()[0]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements: PostgreSQL")
def test_the_create_statement_is_prepared_and_its_plan_reused(district):
    cases = [report(district, title=f"第{i}件") for i in range(8)]
    # By run 6 at the latest (threshold 5) the connection has prepared it, whatever ran before.
    prepared_runs = _prepared_create_runs()
    assert prepared_runs >= 3
    cases += [report(district, title=f"第{i}件") for i in range(8, 10)]
    assert _prepared_create_runs() == prepared_runs + 2  # both ran the prepared statement
    # Prepared or not, each case is numbered in turn and reads back whole.
    numbers = [int(c.number.rsplit("-", 1)[1]) for c in cases]
    assert numbers == list(range(numbers[0], numbers[0] + 10))
    stored = Case.objects.get(pk=cases[-1].pk)
    assert stored.title == "第9件" and stored.events.get().action == "report"
    assert Notification.objects.filter(case=stored).exists()

import pytest
from django.core.exceptions import ValidationError

from gongzhi.cases.models import Case, Channel
from gongzhi.workbench.models import ChecklistItem, InspectionChecklist, InspectionResult
from gongzhi.workbench.services import inspection_submit

from .factories import png


def test_failed_items_become_cases(district):
    checklist = InspectionChecklist.objects.get(place_type="沿街商铺")
    items = list(ChecklistItem.objects.filter(checklist=checklist))
    results = {i.pk: (True, "", None) for i in items}
    results[items[0].pk] = (False, "通道堆放纸箱", png())
    results[items[2].pk] = (False, "", None)
    inspection_submit(
        by=district.users["gridworker"], checklist=checklist, place="便民超市", results=results
    )
    cases = Case.objects.filter(channel=Channel.PATROL, grid=district.unit_a)
    assert cases.count() == 2
    assert set(InspectionResult.objects.filter(passed=False).values_list("case", flat=True)) == set(
        cases.values_list("pk", flat=True)
    )
    assert cases.get(title__contains=items[0].text).attachments.count() == 1


def test_an_incomplete_inspection_writes_nothing(district):
    checklist = InspectionChecklist.objects.get(place_type="沿街商铺")
    first = ChecklistItem.objects.filter(checklist=checklist).first()
    with pytest.raises(ValidationError, match="请逐项填写"):
        inspection_submit(
            by=district.users["gridworker"],
            checklist=checklist,
            place="超市",
            results={first.pk: (False, "", None)},
        )
    assert not Case.objects.exists()
    assert not InspectionResult.objects.exists()

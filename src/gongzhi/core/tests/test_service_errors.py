"""core.forms.service_errors: a service's refusal becomes a form error or a message, not a 500."""

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import RequestFactory

from gongzhi.core.forms import BaseForm, refusal_text, service_errors


class NameForm(BaseForm):
    name = forms.CharField(required=False)
    tags = forms.MultipleChoiceField(
        required=False, choices=[("a", "A")], widget=forms.CheckboxSelectMultiple
    )
    kind = forms.ChoiceField(required=False, choices=[("a", "A")], widget=forms.RadioSelect)


def _request():
    request = RequestFactory().post("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def _bound():
    form = NameForm({"name": "x"})
    assert form.is_valid()
    return form


def test_a_field_error_from_the_service_is_shown_next_to_that_field():
    form = _bound()
    with service_errors(form) as refusal:
        raise ValidationError({"name": "名称不能为空"})
    assert form.errors["name"] == ["名称不能为空"]
    assert isinstance(refusal.error, ValidationError)


def test_an_error_naming_an_unknown_field_is_shown_above_the_form():
    form = _bound()
    with service_errors(form):
        raise ValidationError({"nonexistent": "出错了"})
    assert form.non_field_errors() == ["出错了"]


def test_the_rest_of_the_block_does_not_run_after_a_refusal():
    form, ran = _bound(), []
    with service_errors(form):
        raise ValidationError("不行")
        ran.append(True)  # never reached: the refusal ends the block
    assert ran == []
    assert form.non_field_errors() == ["不行"]


def test_a_block_that_goes_through_leaves_no_error():
    form = _bound()
    with service_errors(form) as refusal:
        pass
    assert refusal.error is None
    assert not form.errors


def test_permission_denied_goes_on_to_the_403_page_unless_asked_for():
    with pytest.raises(PermissionDenied), service_errors(_bound()):
        raise PermissionDenied("无权")


def test_permission_denied_is_shown_on_the_form_when_asked_for():
    form = _bound()
    with service_errors(form, denied=True):
        raise PermissionDenied("您无权操作")
    assert form.non_field_errors() == ["您无权操作"]


def test_other_exceptions_are_not_swallowed():
    with pytest.raises(KeyError), service_errors(_bound(), denied=True):
        raise KeyError("x")


def test_with_a_request_the_refusal_becomes_one_error_message():
    request = _request()
    with service_errors(request=request, sep=";"):
        raise ValidationError({"a": ["一"], "b": ["二"]})
    assert [m.message for m in get_messages(request)] == ["一;二"]


def test_an_empty_permission_refusal_still_says_something():
    assert refusal_text(PermissionDenied()) == "操作未完成"


def test_a_form_or_a_request_is_needed_but_not_both():
    with pytest.raises(TypeError):
        service_errors()
    with pytest.raises(TypeError):
        service_errors(_bound(), request=_request())


def test_checkbox_and_radio_lists_get_the_check_style():
    form = NameForm()
    assert form.fields["name"].widget.attrs["class"] == "form-control"
    assert form.fields["tags"].widget.attrs["class"] == "form-check-input"
    assert form.fields["kind"].widget.attrs["class"] == "form-check-input"

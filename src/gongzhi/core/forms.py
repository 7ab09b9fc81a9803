"""Form helpers every app's pages share: Bootstrap styling, and a service's refusal shown on
the form (or as a message) instead of a 500.

Services judge input and raise ValidationError (bad input) or PermissionDenied (not yours);
views run them inside `service_errors(...)`:

    if request.method == "POST" and form.is_valid():
        with service_errors(form):
            dispute = svc.dispute_register(by=request.user, **form.cleaned_data)
            messages.success(request, _("已登记"))
            return redirect(...)
    return render(request, ..., {"form": form}, status=400 if form.is_bound else 200)

A refusal ends the block early; the code after it shows the form with the errors.
"""

from __future__ import annotations

from types import TracebackType
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from django.forms import BaseForm as _FormBase
    from django.http import HttpRequest
else:
    _FormBase = object


class BootstrapMixin(_FormBase):
    """Bootstrap 5 classes on every widget, so templates can render fields plainly."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style_widgets()

    def style_widgets(self) -> None:
        for field in self.fields.values():
            widget = field.widget
            # RadioSelect covers CheckboxSelectMultiple: both render one input per choice.
            if isinstance(widget, forms.CheckboxInput | forms.RadioSelect):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = css


class ServiceErrorsMixin(_FormBase):
    """Show a service's ValidationError next to the fields it names."""

    def add_service_errors(self, exc: ValidationError) -> None:
        if not hasattr(exc, "error_dict"):
            self.add_error(None, exc)
            return
        for field, messages_ in exc.message_dict.items():
            self.add_error(field if field in self.fields else None, messages_)


class BaseForm(BootstrapMixin, ServiceErrorsMixin, forms.Form):
    """The plain form of a page that calls a service: styled, and shows the service's errors."""


def refusal_text(exc: ValidationError | PermissionDenied, sep: str = " ") -> str:
    """A refusal as one line of text for a message."""
    text = sep.join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
    return text or _("操作未完成")


class service_errors:  # noqa: N801 - used like contextlib.suppress
    """Run service calls in a `with` block; a ValidationError they raise becomes the form's
    errors (`form`) or an error message (`request`), and the block ends there.

    PermissionDenied is shown the same way only with `denied=True`; otherwise it goes on to
    the 403 page. After the block, `.error` is the refusal (None when the calls went through).
    """

    def __init__(
        self,
        form: forms.Form | None = None,
        *,
        request: HttpRequest | None = None,
        denied: bool = False,
        sep: str = " ",
    ) -> None:
        if (form is None) == (request is None):
            raise TypeError("service_errors needs a form or a request, not both")
        self.form, self.request, self.denied, self.sep = form, request, denied, sep
        self.error: ValidationError | PermissionDenied | None = None

    def __enter__(self) -> service_errors:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> bool:
        caught = (ValidationError, PermissionDenied) if self.denied else (ValidationError,)
        if exc is None or not isinstance(exc, caught):
            return False
        self.error = exc
        if self.request is not None:
            messages.error(self.request, refusal_text(exc, self.sep))
        elif isinstance(self.form, ServiceErrorsMixin) and isinstance(exc, ValidationError):
            self.form.add_service_errors(exc)
        elif self.form is not None:
            self.form.add_error(None, refusal_text(exc))
        return True

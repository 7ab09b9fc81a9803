"""DRF glue shared by every app's api.py.

- `exception_handler`: Django ValidationError / PermissionDenied / Http404, unparsable
  bodies and lost write races become clean 400/403/404/409 answers in Chinese, never a 500;
  a database or Redis outage is a 503 with Retry-After (core/outage.py).
- `ScopedViewSetMixin`: every queryset goes through `Model.objects.restrict(user, action)`,
  with action "view" for reads and "change" for writes; writes need the CHANGE capability
  (403 for read-only roles), objects outside the user's scope are 404.
- `*_param`: query-string parsing that rejects bad input with a 400 before it reaches the
  database (PostgreSQL refuses NUL characters and out-of-range integers with a 500).
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any, Protocol, cast

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions
from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from gongzhi.core.access import can
from gongzhi.core.outage import is_outage, outage_message, retry_after
from gongzhi.core.roles import CHANGE

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from django.http import HttpResponse
    from rest_framework.request import Request
    from rest_framework.serializers import Serializer
    from rest_framework.views import APIView

    from gongzhi.core.types import Actor, AnyUser


logger = logging.getLogger(__name__)

NOT_FOUND = gettext_lazy("对象不存在,或不在您的管辖范围内")


class Conflict(exceptions.APIException):
    status_code = 409
    default_detail = gettext_lazy("数据已被其他操作修改或重复提交,请刷新后重试")
    default_code = "conflict"


_ID = re.compile(r"[0-9]{1,18}")  # 18 digits always fit a 64-bit primary key
ID_REGEX = r"[0-9]{1,18}"  # for router lookups: longer numbers are a plain 404


def exception_handler(exc: Exception, context: dict[str, Any]) -> HttpResponse | None:
    if is_outage(exc):
        # The database or Redis is down: the client should retry, not fix its input.
        logger.warning("outage answered 503: %r", exc)
        set_rollback()
        return retry_after(
            Response({"detail": outage_message(), "code": "unavailable"}, status=503)
        )
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, Http404):
        # Django's message names the model in English; say it once, in Chinese.
        exc = exceptions.NotFound(NOT_FOUND)
    elif isinstance(exc, exceptions.ParseError):
        exc = exceptions.ParseError(_("请求内容无法解析,请发送有效的 JSON"))
    elif isinstance(exc, IntegrityError):
        # A concurrent write won a race a service's own check could not see; the
        # service's transaction has rolled back, so the client can simply retry.
        logger.warning("integrity error answered as 409: %s", exc)
        exc = Conflict()
    return drf_exception_handler(exc, context)


if TYPE_CHECKING:
    from rest_framework.viewsets import GenericViewSet as _ViewSetBase
else:
    _ViewSetBase = object


class ChangeCapability(BasePermission):
    """Writes need the CHANGE capability: a read-only role gets 403, not an empty 404."""

    message = gettext_lazy("您没有修改权限")

    def has_permission(self, request: Request, view: APIView) -> bool:
        action = getattr(view, "action", None)
        if request.method in SAFE_METHODS or action in getattr(view, "read_actions", ()):
            return True
        return can(request.user, CHANGE)


class ScopedViewSetMixin(_ViewSetBase):
    """Subclasses implement `scoped_queryset(user, action)` through Model.objects.restrict."""

    permission_classes = [IsAuthenticated, ChangeCapability]
    lookup_value_regex = ID_REGEX
    # Actions that only read, even when sent as POST (e.g. an audited reveal).
    read_actions: frozenset[str] = frozenset({"list", "retrieve"})

    @property
    def actor(self) -> Actor:
        """The signed-in user: permission_classes let no one else through."""
        return cast("Actor", self.request.user)

    def scope_action(self) -> str:
        if self.request.method in SAFE_METHODS or self.action in self.read_actions:
            return "view"
        return "change"

    def get_queryset(self) -> QuerySet:
        return self.scoped_queryset(self.request.user, self.scope_action())

    def scoped_queryset(self, user: AnyUser, action: str) -> QuerySet:
        raise NotImplementedError

    def validated(self, serializer_class: type[Serializer], **kwargs: Any) -> dict:
        """Input checked for types and lengths, ready to pass to a service."""
        serializer = serializer_class(
            data=self.request.data, context=self.get_serializer_context(), **kwargs
        )
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def represent(self, pk: int) -> dict:
        """An object as the user may see it (after a write), read back through the view scope."""
        obj = self.scoped_queryset(self.request.user, "view").get(pk=pk)
        return self.get_serializer(obj).data


class ChoiceSet(Protocol):
    """A Choices class, or anything else with its `values` and `choices`."""

    @property
    def values(self) -> list[Any]: ...

    @property
    def choices(self) -> list[tuple[Any, Any]]: ...


def text_param(request: Request, name: str, *, max_length: int = 100) -> str:
    value = request.query_params.get(name, "").strip()
    if "\x00" in value:
        raise exceptions.ValidationError({name: [_("参数包含非法字符")]})
    if len(value) > max_length:
        raise exceptions.ValidationError({name: [_("参数不能超过%(n)d个字符") % {"n": max_length}]})
    return value


def id_param(request: Request, name: str) -> int | None:
    value = text_param(request, name)
    if not value:
        return None
    if not _ID.fullmatch(value):
        raise exceptions.ValidationError({name: [_("应为数字编号")]})
    return int(value)


def choice_param(request: Request, name: str, choices: ChoiceSet) -> str:
    value = text_param(request, name)
    if value and value not in choices.values:
        allowed = "、".join(f"{v}({label})" for v, label in choices.choices)
        raise exceptions.ValidationError(
            {name: [_("取值无效,可选:%(allowed)s") % {"allowed": allowed}]}
        )
    return value

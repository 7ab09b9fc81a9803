"""POST /api/v1/hotline/incoming/: a telephony system announces a ringing call.

The call is logged as pending for the center whose hotline (or duty phone) is `line`, and
the answer carries the URL of the prefilled intake screen for the staff who pick up.
Token auth like the rest of the API; the token's user must be hotline staff (center staff
or admin) with the line's center in scope. Bad input is a 400 in Chinese, nothing written.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.response import Response

from .models import HotlineCall
from .services import hotline_call_receive
from .views import intake_url


class IncomingCallSerializer(serializers.Serializer):
    # No braces in the text: DRF formats it with str.format(datatype=...).
    default_error_messages = {
        "invalid": _("请求内容应为 JSON 对象,含 caller(来电号码)和 line(热线号码)")
    }

    caller = serializers.CharField(
        max_length=30,
        help_text="来电号码(手机或带区号的座机)",
        error_messages={
            "required": _("请提供来电号码(caller)"),
            "blank": _("请提供来电号码(caller)"),
            "invalid": _("来电号码(caller)应为文本"),
            "max_length": _("来电号码过长"),
        },
    )
    line = serializers.CharField(
        max_length=30,
        required=False,
        allow_blank=True,
        help_text="呼入的热线号码;不填时为令牌用户所在综治中心",
        error_messages={"invalid": _("热线号码(line)应为文本"), "max_length": _("热线号码过长")},
    )


class IncomingCallResultSerializer(serializers.ModelSerializer):
    caller = serializers.CharField(source="caller_masked", help_text="来电号码(已脱敏)")
    center = serializers.CharField(source="center.name")
    url = serializers.CharField(help_text="预填好的受理页面地址")

    class Meta:
        model = HotlineCall
        fields = ["id", "status", "caller", "center", "line", "started_at", "url"]


class HotlineIncomingViewSet(viewsets.ViewSet):
    @extend_schema(
        request=IncomingCallSerializer,
        responses={201: IncomingCallResultSerializer},
        summary="热线来电接入(预填受理页面)",
    )
    def create(self, request):
        data = IncomingCallSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        call = hotline_call_receive(by=request.user, **data.validated_data)
        call.url = request.build_absolute_uri(intake_url(call))
        return Response(IncomingCallResultSerializer(call).data, status=status.HTTP_201_CREATED)

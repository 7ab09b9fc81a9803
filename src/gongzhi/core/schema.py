"""The API's OpenAPI generator: drf-spectacular's, plus the error answers every operation
can give, so the schema documents each status code the API really sends (issue 12, 13).

Errors are JSON: {"detail": "..."} or, for a form-like 400, {"field": ["..."]}.
"""

from __future__ import annotations

from typing import Any, Literal

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema

ERROR_SCHEMA = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "additionalProperties": True,
}
ERRORS = {
    "400": "请求参数或内容有误",
    "401": "未提供或无效的令牌",
    "403": "无权访问",
    "404": "不存在或不在权限范围内",
    "429": "请求过于频繁",
    "503": "服务暂不可用,请稍后重试",
}
WRITE_ERRORS = {"409": "数据已被他人修改或重复提交,请刷新后重试", "415": "不支持的内容类型"}


class AutoSchema(SpectacularAutoSchema):
    def _get_response_bodies(self, direction: Literal["request", "response"] = "response") -> Any:
        responses = super()._get_response_bodies(direction)
        errors = dict(ERRORS)
        if self.method not in ("GET", "HEAD", "OPTIONS"):
            errors |= WRITE_ERRORS
        for code, description in errors.items():
            responses.setdefault(
                code,
                {
                    "description": description,
                    "content": {"application/json": {"schema": ERROR_SCHEMA}},
                },
            )
        return responses

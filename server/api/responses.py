"""The error model every route answers with, and the error statuses each route documents in
the OpenAPI schema (`responses=errors(401, 403, 404)`)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel, Field


class ErrorOut(BaseModel):
    detail: str = Field(description="中文说明，可直接显示给使用者")
    code: str = Field(description="machine-readable code (docs/api.md)")


class FieldError(BaseModel):
    loc: list[str | int]
    type: str


class ValidationErrorOut(ErrorOut):
    errors: list[FieldError] = Field(default_factory=list, description="each field at fault")


DESCRIPTIONS = {
    400: "请求内容无法解析（不是 UTF-8 编码的 JSON，或嵌套过深）",
    401: "未登录、令牌无效或已失效（WWW-Authenticate: Bearer）",
    403: "无权执行（角色、设备类型、大厅或窗口不符）",
    404: "对象不存在",
    409: "当前状态不允许此操作",
    410: "已过期（号票链接在评价期结束后失效）",
    413: "请求内容过大",
    422: "请求内容不正确（detail 逐项说明字段）",
    429: "登录失败次数过多，请按 Retry-After 等待后再试",
    503: "服务器暂时无法处理，本次未保存（Retry-After 秒后再试）",
}


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    return {
        status: {
            "model": ValidationErrorOut if status == 422 else ErrorOut,
            "description": DESCRIPTIONS[status],
        }
        for status in statuses
    }


# The usual sets
AUTH = (401, 403)
BODY = (400, 413, 422)


def install(app: FastAPI) -> None:
    """FastAPI documents a 422 it would send itself (`detail` a list) on any route that does
    not list its own; ours is `ValidationErrorOut` everywhere, so the document says so."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        document = build()
        ours = {"$ref": "#/components/schemas/ValidationErrorOut"}
        for operations in document.get("paths", {}).values():
            for operation in operations.values():
                answer = operation.get("responses", {}).get("422")
                if answer is not None:
                    answer["content"] = {"application/json": {"schema": ours}}
                    answer["description"] = DESCRIPTIONS[422]
        schemas = document.setdefault("components", {}).setdefault("schemas", {})
        schemas.pop("HTTPValidationError", None)
        schemas.pop("ValidationError", None)
        schemas.setdefault("ValidationErrorOut", ValidationErrorOut.model_json_schema())
        app.openapi_schema = document
        return document

    app.openapi = openapi  # type: ignore[method-assign]

"""Domain errors and validation errors become JSON {"detail", "code"} with the right status."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from server.domain import errors as e

STATUS: list[tuple[type[e.DomainError], int]] = [
    (e.NotFound, 404),
    (e.AuthenticationRequired, 401),
    (e.PermissionDenied, 403),
    (e.InvalidInput, 422),
    (e.Conflict, 409),
]

FIELD_NAMES = {
    "service_id": "业务编号 service_id",
    "priority": "优先级 priority",
    "level": "评价等级 level",
    "outcome": "办理结果 outcome",
    "staff_no": "工号 staff_no",
    "password": "密码 password",
}


def status_for(error: e.DomainError) -> int:
    for cls, status in STATUS:
        if isinstance(error, cls):
            return status
    return 400


async def domain_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, e.DomainError)
    headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, e.AuthenticationRequired) else None
    return JSONResponse(
        {"detail": exc.message, "code": exc.code}, status_code=status_for(exc), headers=headers
    )


async def validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems = []
    for err in exc.errors():
        where = [str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path")]
        name = FIELD_NAMES.get(where[-1], where[-1]) if where else "请求"
        problems.append(f"{name}：{_explain(err)}")
    return JSONResponse(
        {
            "detail": "请求内容不正确：" + "；".join(problems),
            "code": "invalid_input",
            "errors": _plain(exc),
        },
        status_code=422,
    )


def _explain(err: dict[str, object]) -> str:
    kind = str(err.get("type", ""))
    ctx = err.get("ctx") if isinstance(err.get("ctx"), dict) else {}
    assert isinstance(ctx, dict)
    if kind == "missing":
        return "必填"
    if kind in ("int_parsing", "int_type"):
        return "应为整数"
    if kind == "greater_than_equal":
        return f"不能小于 {ctx.get('ge')}"
    if kind == "less_than_equal":
        return f"不能大于 {ctx.get('le')}"
    if kind == "enum" or kind == "literal_error":
        return f"只能是 {ctx.get('expected')}"
    if kind in ("string_too_short", "string_too_long"):
        return f"长度应在允许范围内（{ctx}）"
    if kind == "json_invalid":
        return "不是有效的 JSON"
    return str(err.get("msg", "格式不正确"))


def _plain(exc: RequestValidationError) -> list[dict[str, object]]:
    return [{"loc": list(err.get("loc", ())), "type": err.get("type")} for err in exc.errors()]


async def http_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    messages = {404: "请求的地址不存在。", 405: "该地址不支持此请求方法。"}
    return JSONResponse(
        {
            "detail": messages.get(exc.status_code, str(exc.detail)),
            "code": f"http_{exc.status_code}",
        },
        status_code=exc.status_code,
        headers=getattr(exc, "headers", None),
    )


def install(app: FastAPI) -> None:
    app.add_exception_handler(e.DomainError, domain_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)

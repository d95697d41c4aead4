"""The web console's pages at `/console/`: one HTML shell per page and the static files.

The pages are a small front end (Preact + htm, vendored, no build step) that talks to the
same REST API and `/ws` feed as every other client, signed in with the cookie session
(server/auth/console_session.py). Nothing is loaded from outside this server.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from server.domain.errors import NotFound

router = APIRouter(include_in_schema=False)

STATIC = Path(__file__).parent / "static"
PAGES = (
    "login",
    "password",
    "overview",
    "stats",
    "appointments",
    "rectifications",
    "complaints",
    "platform",
    "sms",
    "settings",
)
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}
SHELL = """<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>管理控制台 · 政务服务中心排队叫号系统</title>
<link rel="stylesheet" href="/console/static/console.css">
<script type="module" src="/console/static/js/app.js"></script>
</head>
<body data-page="{page}"><div id="app"><p class="booting">正在加载…</p></div>
<noscript>管理控制台需要启用 JavaScript。</noscript>
</body>
</html>
"""


@router.get("/console")
async def console_root() -> RedirectResponse:
    return RedirectResponse("/console/overview")


@router.get("/console/")
async def console_index() -> RedirectResponse:
    return RedirectResponse("/console/overview")


@router.get("/console/static/{path:path}")
async def static_file(path: str) -> Response:
    target = (STATIC / path).resolve()
    if not target.is_file() or STATIC.resolve() not in target.parents:
        raise NotFound("文件不存在。")
    return FileResponse(target, headers={"Cache-Control": "no-cache", **SECURITY_HEADERS})


@router.get("/console/{page}")
async def page(page: str) -> HTMLResponse:
    if page not in PAGES:
        raise NotFound("页面不存在，请从导航栏进入。")
    return HTMLResponse(
        SHELL.replace("{page}", page),
        headers={"Cache-Control": "no-store", **SECURITY_HEADERS},
    )

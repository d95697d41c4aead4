"""`govqueue serve`: the server process."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from server.cli.common import DbOption, fail, settings_for
from server.cli.database import database_url, opened, too_new


def register(app: typer.Typer) -> None:
    app.command()(serve)


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port")] = 8000,
    db: DbOption = None,
    data_dir: Annotated[
        Path | None, typer.Option(help="Data directory (SQLite file, keys)")
    ] = None,
    workers: Annotated[
        int, typer.Option(help="Server processes (more than 1 needs PostgreSQL)", min=1)
    ] = 1,
    log_level: Annotated[
        str, typer.Option(help="info (one line per request), warning, error (GOVQUEUE_LOG_LEVEL)")
    ] = "",
    log_file: Annotated[
        Path | None,
        typer.Option(
            help="The server's log (GOVQUEUE_LOG_FILE; default DATA_DIR/logs/govqueue.log)"
        ),
    ] = None,
    log_format: Annotated[
        str, typer.Option(help="plain or json: one JSON object per line (GOVQUEUE_LOG_FORMAT)")
    ] = "",
    forwarded_allow_ips: Annotated[
        str | None,
        typer.Option(
            "--forwarded-allow-ips",
            help="Reverse proxies whose X-Forwarded-For/-Proto are believed, comma-separated "
            "(e.g. 127.0.0.1 for nginx on this machine); default none "
            "(GOVQUEUE_FORWARDED_ALLOW_IPS). See docs/api.md",
        ),
    ] = None,
) -> None:
    """Run the server (REST /api/v1, live feed /ws, ticket pages /t/…).

    Applies the migrations first when the database is empty or behind.
    """
    import contextlib
    import os

    import uvicorn

    from server.api.serving import uvicorn_options
    from server.app import create_app
    from server.store import migrate
    from server.store.file_lock import DatabaseInUse, hold_serving_lock

    settings = settings_for(db, data_dir)
    if log_format and log_format not in ("plain", "json"):
        raise fail(f"日志格式“{log_format}”无效：请用 plain 或 json。", 2)
    default_log = (
        settings.data_dir / "logs" / ("govqueue.log" if workers == 1 else "govqueue-{pid}.log")
    )
    settings.log_file = (log_file or settings.log_file or default_log).absolute()
    settings.log_format = log_format or settings.log_format  # type: ignore[assignment]
    settings.log_level = log_level or settings.log_level
    if forwarded_allow_ips is not None:
        settings.forwarded_allow_ips = forwarded_allow_ips
    url = database_url(settings)
    if workers > 1 and not url.startswith("postgresql"):
        raise fail(
            "多个服务进程需要 PostgreSQL（进程间通过 LISTEN/NOTIFY 共享叫号推送）；"
            "内置 SQLite 请使用 --workers 1。",
            2,
        )
    # Open, migrate and read the key here, so that a database that cannot be opened is one
    # clear line rather than a traceback from inside the server's start-up.
    try:
        with opened(url):
            hold_serving_lock(url)  # one server per SQLite file (nothing to do on PostgreSQL)
            migrate.refuse_newer(url)
            if not migrate.is_up_to_date(url):
                migrate.upgrade_apart(url)  # the server does not keep Alembic loaded
            secret_key = settings.resolved_secret_key()
    except DatabaseInUse as exc:
        raise fail(exc.message, 2) from None
    except migrate.DatabaseTooNew as exc:
        raise fail(too_new(url, exc), 2) from None
    from server import logs
    from server.app import start_logging

    written = start_logging(settings)  # before uvicorn: its start-up lines go there too
    logs.stop_before_termination()  # the last lines written when systemd stops the server
    print(f"服务器日志：{written}（{settings.log_format}）", flush=True)
    options: dict[str, object] = {
        "host": host,
        "port": port,
        "log_level": settings.log_level,
        "log_config": None,  # the loggers are ours (server/logs.py)
        "access_log": False,  # one buffered line per request from server/logs.py instead
        **uvicorn_options(settings),  # the bounded head, the feed's WebSockets, proxies
    }
    if workers == 1:
        app = create_app(settings)
        server = uvicorn.Server(uvicorn.Config(app, **options))  # type: ignore[arg-type]
        # the server ends itself when its writer cannot be kept running (app.py, _give_up)
        app.state.stop_serving = lambda: setattr(server, "should_exit", True)
        with contextlib.suppress(KeyboardInterrupt):  # as uvicorn.run
            server.run()
        code = getattr(app.state, "exit_code", 0)
        if code:
            raise typer.Exit(code)
        if not server.started:  # as uvicorn.run: a start that failed is exit code 3
            raise typer.Exit(3)
        return
    os.environ["GOVQUEUE_DATABASE_URL"] = url
    os.environ["GOVQUEUE_SECRET_KEY"] = secret_key  # one key for all
    os.environ["GOVQUEUE_LOG_FILE"] = str(settings.log_file)  # govqueue-{pid}.log each
    os.environ["GOVQUEUE_LOG_FORMAT"] = settings.log_format
    os.environ["GOVQUEUE_LOG_LEVEL"] = settings.log_level
    if data_dir:
        os.environ["GOVQUEUE_DATA_DIR"] = str(data_dir)
    uvicorn.run("server.app:create_app", factory=True, workers=workers, **options)  # type: ignore[arg-type]

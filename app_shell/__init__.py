"""The apps' shared Qt layer: what the kiosk, the window client and the hall display share.

It sits on the Qt-free client library (`client/`) and gives each app, once:

- `bridge`     — one asyncio loop in a background thread; `Operation` runs a coroutine off the
                 GUI thread and calls `.success(...)` / `.failure(...)` back on it.
- `feed`       — `FeedBridge`: a hall's live feed as Qt signals, with its connection state.
- `settings`   — `AppSettings`: `GOVQUEUE_` variables, a settings file, command-line overrides.
- `theme`      — the CJK font, colours (checked for contrast), sizes.
- `texts`      — the Chinese sentences the apps share.
- `timefmt`    — times in the hall's zone (Asia/Shanghai), durations, waits.
- `widgets`    — the clock/date header, the 重新连接中 marker, a QR code.
- `launcher`   — QApplication set-up, fullscreen, `--screenshot FILE`.
- `cli`        — the typer options every app takes.

See docs/apps.md for how to build an app on it.
"""

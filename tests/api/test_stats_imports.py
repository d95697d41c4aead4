"""The serving process does not load numpy at start (+12 MB RSS in every server): the
statistics' numpy code (server/queries/stats/period.py and below) is imported only where
statistics are computed."""

from __future__ import annotations

from tests.helpers import modules_after


def test_importing_the_server_does_not_load_numpy() -> None:
    loaded = modules_after("import server.app")
    assert "server.api.routes.stats" in loaded  # the statistics routes are part of it
    assert "server.queries.stats.indicators" in loaded
    assert "numpy" not in loaded
    assert "server.queries.stats.period" not in loaded


def test_computing_statistics_loads_the_numpy_part() -> None:
    # the other side: the first call of compute imports the computation (here it then fails
    # on the missing session, after the import)
    loaded = modules_after(
        "import server.app\n"
        "from server.queries.stats.indicators import compute\n"
        "try:\n"
        "    compute(None, None, ['day'], counts_basic=True)  # type: ignore\n"
        "except AttributeError:\n"
        "    pass"
    )
    assert "server.queries.stats.period" in loaded
    assert "numpy" in loaded

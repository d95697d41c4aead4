"""The migrations form one line: one head, each revision numbered after the one it follows.
Two engineers landing a migration at once once left main with two heads (`alembic upgrade
head` then refuses to run)."""

from __future__ import annotations

from alembic.script import ScriptDirectory

from server.store.migrate import alembic_config, head_revision


def test_the_migrations_are_one_line_with_one_head() -> None:
    scripts = ScriptDirectory.from_config(alembic_config("sqlite://"))
    heads = scripts.get_heads()
    assert len(heads) == 1, f"several heads: {heads} — re-chain the newest migration"
    chain = list(scripts.walk_revisions())  # from the head down to the first
    assert chain[-1].down_revision is None
    numbers = [int(script.revision) for script in reversed(chain)]
    assert numbers == list(range(1, len(numbers) + 1)), numbers
    files = {script.path.rsplit("/", 1)[-1][:4] for script in chain}
    assert files == {f"{n:04d}" for n in numbers}, "file names follow the revision numbers"
    assert head_revision() == heads[0], "the server's own reading of the head agrees"

"""A writer job as data: a module-level function of `server.commands` and its arguments, so
that the job, and not only its result, can cross a process boundary (`pickle`, protocol 5).

Routes hand the writer `call(fn, *args, **kwargs)` instead of a lambda or a closure: the
writer runs `fn(tx, *args, **kwargs)`. A lambda or a local function does not pickle; a
`Call` pickles whenever `fn` is a module-level function and its arguments pickle (actors,
enums, dates, plain data). Every job's function lives in `server/commands/`, and the writer
refuses any other (`ensure_command`): unpickling a job then imports a command module, never
a route's (which would bring FastAPI into the writer process), and every change the server
can make is found in one folder.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Concatenate, Generic, ParamSpec, TypeVar

if TYPE_CHECKING:
    from server.store.transaction import Tx

R = TypeVar("R")
P = ParamSpec("P")

COMMANDS = "server.commands"


class ForeignJob(TypeError):
    """A writer job whose function is not a module-level function of the commands' package."""


@dataclass(frozen=True, slots=True)
class Call(Generic[R]):
    """A writer job as data: fn(tx, *args, **kwargs), picklable when fn is a module-level
    function and the arguments pickle."""

    fn: Callable[..., R]
    args: tuple[Any, ...] = ()
    kwargs: Mapping[str, Any] = field(default_factory=dict)  # a dict

    def __call__(self, tx: Tx) -> R:
        return self.fn(tx, *self.args, **self.kwargs)


def call(fn: Callable[Concatenate[Tx, P], R], *args: P.args, **kwargs: P.kwargs) -> Call[R]:
    """The job `fn(tx, *args, **kwargs)` for the writer (mypy checks the arguments against
    `fn`'s parameters)."""
    return Call(fn, args, kwargs)


def ensure_command(job: Callable[[Tx], Any], packages: tuple[str, ...] = (COMMANDS,)) -> None:
    """Refuse (ForeignJob) a job whose function is not a module-level function of one of
    `packages` (the writer's: server.commands; a test may add its own module)."""
    fn = job.fn if isinstance(job, Call) else job
    module = getattr(fn, "__module__", None) or ""
    name = getattr(fn, "__qualname__", None) or repr(fn)
    home = any(module == p or module.startswith(p + ".") for p in packages)
    if home and name.isidentifier():
        return
    raise ForeignJob(
        f"the writer runs only module-level functions of {COMMANDS}: {module}.{name} is not "
        f"one (move the job to {COMMANDS.replace('.', '/')}/ and hand it over as call(fn, ...))"
    )

"""The single writer: every change of the server goes through it (docs/runtime.md).

    group_commit.py  `Writer`: jobs in batches, one transaction and one fsync per batch; the
                     writer thread (PostgreSQL), and the batch runner of the writer process
    process.py       `WriterProcess`: the same writer in a process of its own (SQLite)
    child.py         that process's own side: takes jobs, runs batches, answers
    launch.py        starting it: a program of its own, or forked from a forkserver
    frames.py        the length-framed messages on its two pipes
    settling.py      answering the callers and publishing a batch's events, on their loop
    supervisor.py    restarting a writer that died, or giving up

A job is `call(fn, ...)` with `fn` a module-level function of server/commands/
(server/store/job.py): the writer refuses any other.
"""

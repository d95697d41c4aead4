"""The outbox: every message that leaves the hall (好差评 records to the government platform;
later SMS), one design.

- A writer job in server/commands/ writes the message (server/commands/outbox.py) in the
  same transaction as the change that causes it: no change without its message, no message
  without its change.
- A sender (sender.py), a thread of its own — not the event loop, not the writer — claims
  what is due, renders it with the hall's profile (profile.py: files under profiles/, one
  per receiver format, selected per hall, never code per province), posts it and records
  the answer. At least once: a message is sent until the receiver acknowledges it, always
  with the same idempotency key, so a repeat after a lost answer can be dropped.
- Failed tries wait longer and longer, with jitter (server/domain/outbox.py); messages of one
  subject (a ticket's rating loop) go in order; a refused message, or one still refused
  after the last try, is `failed` with the receiver's answer until an admin retries or marks
  it. `govqueue hcp replay` sends a period again.
"""

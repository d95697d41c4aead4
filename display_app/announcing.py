"""Which calls are spoken. Pure Python; the controller drives it with the feed's messages
and its connection state, and a timer for the end of a catch-up.

- A call that arrives live is spoken, each one, in order.
- After a (re)connect the server first replays what the screen missed. Those calls are all
  shown, in order, but only the latest of them is spoken, once: a hall does not want to hear
  ten old calls after a network blip. The catch-up ends when the feed has been quiet for
  `quiet_s` (a replay arrives in one burst) or `max_s` after the connect at the latest.
- A call is never spoken twice (its `seq` is remembered); a recall is a new event, spoken.
"""

from __future__ import annotations

from display_app.board import Call


class Announcer:
    def __init__(self) -> None:
        self.catching_up = False
        self._held: Call | None = None
        self._spoken_seq = 0

    def connected(self) -> None:
        """The feed (re)connected: what comes next, until `catch_up_over()`, is a replay."""
        self.catching_up = True

    def call(self, call: Call) -> Call | None:
        """A call was shown; the call to speak now, if any."""
        if call.seq <= self._spoken_seq:
            return None
        if self.catching_up:
            if self._held is None or call.seq > self._held.seq:
                self._held = call
            return None
        self._spoken_seq = call.seq
        return call

    def catch_up_over(self) -> Call | None:
        """The replay has ended: the latest call it brought, to be spoken once."""
        self.catching_up = False
        held, self._held = self._held, None
        if held is None or held.seq <= self._spoken_seq:
            return None
        self._spoken_seq = held.seq
        return held

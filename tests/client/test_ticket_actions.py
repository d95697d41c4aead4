"""One name for each ticket action (client/actions.py): the domain's state machine, the
server's routes and fast path, the client library and the window client all use it."""

from __future__ import annotations

from client.actions import WITHOUT_BODY, TicketAction
from server.api.fast_path import TRANSITIONS
from server.app import create_app
from server.domain.lifecycle import TICKET_TRANSITIONS
from server.settings import Settings
from window_client.actions import TICKET_ACTIONS, TICKET_PATHS, Action


def test_the_state_machine_knows_exactly_the_ticket_actions() -> None:
    assert set(TICKET_TRANSITIONS) == set(TicketAction)


def test_every_ticket_action_but_call_has_its_route_and_the_fast_path_the_bodiless_ones() -> None:
    paths = create_app(Settings(database_url="sqlite:///unused.db")).openapi()["paths"]
    for action in TicketAction:
        if action is not TicketAction.call:
            assert "post" in paths[f"/api/v1/tickets/{{ticket_id}}/{action.path}"], action
    assert TicketAction.no_show.path == "no-show"
    assert set(TRANSITIONS.values()) == set(WITHOUT_BODY)


def test_the_window_clients_buttons_are_the_ticket_actions() -> None:
    assert {Action(a.value) for a in TicketAction} == set(TICKET_ACTIONS)
    assert TICKET_PATHS[Action.no_show] == "no-show" and Action.call not in TICKET_PATHS

"""Who is calling: bearer tokens (tokens.py) and the web console's cookie session
(console_session.py), below every edge that asks (api, console, realtime)."""

"""The `govqueue` command (cli.py): the server's commands (server/cli/) and the apps' launchers
(each app's own cli.py) in one program. It stands above both: the server never imports an
app."""

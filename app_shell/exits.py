"""Exit codes of the app commands (Qt-free, shared by the launcher and the CLI)."""

EXIT_OK = 0  # done (screenshot saved, test print sent, window closed)
EXIT_FAILED = 1  # tried and failed: data never loaded, printer fault …
EXIT_USAGE = 2  # bad settings or options, no display

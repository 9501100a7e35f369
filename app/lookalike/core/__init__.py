"""The duplicate-finding engine. Never imports Qt: usable from the CLI, tests and the GUI."""

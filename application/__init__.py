"""The application layer: every use case once, for the command line and the UI."""

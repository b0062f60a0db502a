"""One module per ``creditfile`` subcommand; each defines ``register(sub, parent)``."""

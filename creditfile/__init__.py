"""creditfile: customer credit archives graded under a YAML credit policy."""

__version__ = "0.1.0"

"""The management report as one self-contained, printable HTML page."""

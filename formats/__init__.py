"""Customer interchange files: JSON arrays, JSON Lines and CSV."""

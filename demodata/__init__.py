"""Generated, realistic demo customers."""

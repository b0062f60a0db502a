"""The customer card: one screen per customer with its sections, editing and assessment."""

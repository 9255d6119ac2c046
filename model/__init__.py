"""Haven."""

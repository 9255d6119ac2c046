"""Comparing models on a prepared test split (``python -m training evaluate``)."""

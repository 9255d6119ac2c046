"""Reading, cleaning and splitting counseling datasets (``python -m training prepare``)."""

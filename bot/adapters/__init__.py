"""Platform front-ends: each translates its platform to ``Incoming`` and renders ``Reply``."""

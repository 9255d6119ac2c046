"""Shared pytest set-up."""

pytest_plugins = ["tests.support.fixtures"]

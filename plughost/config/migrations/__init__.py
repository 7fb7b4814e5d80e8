"""Tortoise migrations of the Config table (applied by :func:`plughost.config.connect`)."""

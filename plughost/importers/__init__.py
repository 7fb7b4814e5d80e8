"""Importers: another bot framework's data into a plughost instance (``plughost import-red``)."""

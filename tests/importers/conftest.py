"""Fixtures of the importer tests (see ``red.py``)."""

from .red import home, red_folder, run_cli

__all__ = ["home", "red_folder", "run_cli"]

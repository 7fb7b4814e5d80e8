"""The local Discord emulator and plughost's test kit.

Importing this package does not import pytest; the fixtures live in
`plughost.testing.pytest_plugin`, which pytest loads through its ``pytest11``
entry point.
"""

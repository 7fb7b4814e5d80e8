"""Faces over the local Discord: the offline console and the authors' publish check.

Both run a real bot against :mod:`plughost.testing`'s emulator. They sit above the
runtime so that the runtime itself never imports the test kit.
"""

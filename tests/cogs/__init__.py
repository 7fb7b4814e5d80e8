"""Tests of plughost.cogs (a package, so that test modules can import .dists)."""

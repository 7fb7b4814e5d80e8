"""Tests of plughost.config."""

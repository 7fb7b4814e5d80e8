"""Tests of the cog-author tools: new-cog and cogs check (a package, to import cogs.dists)."""

"""Translators' tools: the catalogue report, browser editing (rosetta) and locale formatting."""

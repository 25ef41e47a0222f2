"""Edits between two texts, pure: paragraphs aligned (moves included), words diffed, figures
revised. Texts in, a diff out; imports only `extract.normalize` (typography folding)."""

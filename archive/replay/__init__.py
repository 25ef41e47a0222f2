"""Replay through pywb: the CDXJ index pywb reads, finding pywb's own environment, running it
over the data folder, and the replay URL of a capture. Imports `index`, `store`, `timeutil`,
`exceptions` and `verify.files` (the strict reader decides which records are listed); never
pywb itself (it lives in its own environment)."""

"""Replay through pywb: the CDXJ index pywb reads, finding pywb's own environment, running it
over the data folder, and the replay URL of a capture. Imports `index`, `store`, `timeutil`
and `exceptions`; never pywb itself (it lives in its own environment)."""

"""Replay with pywb: the CDXJ index it reads, finding pywb's own environment, running it."""

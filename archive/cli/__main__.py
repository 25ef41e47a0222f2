"""`python -m archive.cli`: the same as the `palimpsest` command."""

from archive.cli import main

main()

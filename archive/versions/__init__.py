"""What the index knows about a page over time: its captures and versions, its text at a time,
what happened to it (edited, taken down, restored), and the diffs between its versions.
Imports `index`, `diff`, `warc` (to read texts back), `extract.language` (the language of a
version archived before languages were recorded), `replay.urls`, `net`, `store`."""

"""Screenshots made from the archive: each new version's capture replayed by pywb and rendered
in Debian's headless Chromium (Playwright), stored as `urn:view:` records. Imports `archiver`,
`index`, `replay`, `store`, `timeutil` and `exceptions`; Playwright and Pillow only here."""

"""The few domain errors Palimpsest raises; the CLI turns them into messages and exit codes."""


class PalimpsestError(Exception):
    """Base class of every error this project raises on purpose."""


class ConfigError(PalimpsestError):
    """A seed file, option or setting is invalid. The CLI exits with code 2."""


class PortInUseError(ConfigError):
    """A server was asked for a port something else listens on; found before it starts, so
    nothing is started or written (exit code 2)."""


class ArchiveWriteError(PalimpsestError):
    """A WARC record could not be written (disk full, I/O error). The crawl stops."""


class CorruptArchiveError(PalimpsestError):
    """A WARC file or record does not read back as it should."""


class NotFoundError(PalimpsestError):
    """The index has nothing for the URL or time asked about."""


class LockHeldError(PalimpsestError):
    """Another crawl holds the data folder's lock."""


class NothingArchivedError(NotFoundError):
    """Nothing to work on: the data folder, the collection or the URL asked for holds nothing.
    The CLI exits with code 2, as for bad usage: the command did nothing."""
class RecordRefusedError(PalimpsestError):
    """An exchange over a limit `verify` enforces (archive.limits) is not archived at all, so
    the archive never holds a record its own verifier calls defective. `reason` is the short
    name the crawl counts the failed page under."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason

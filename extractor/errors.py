"""Exceptions for input the extractor cannot read. Anything else is a bug."""


class ExtractorError(Exception):
    """Base class: a problem with the input or the settings, explained in one line."""


class DocumentLoadError(ExtractorError):
    """The file cannot be read at all (missing, empty, encrypted, truncated, unknown type)."""


class UnsupportedInput(DocumentLoadError):
    """The file is readable but of a kind this tool does not handle."""


class SettingsError(ExtractorError, ValueError):
    """A setting has a bad value; the message names the setting."""

"""One family of errors for everything a user can cause with bad input.

Each message names the file (and page when known) and says what to do next.
The CLI turns these into one-line messages; no traceback reaches a user.
"""
from __future__ import annotations


class BoardPapersError(Exception):
    """Base class: a problem with an input or the database, explained to the user."""

    def __init__(self, message: str, *, path: str | None = None, hint: str | None = None):
        self.path = path
        self.hint = hint
        self.message = message
        super().__init__(self.__str__())

    def __str__(self) -> str:
        text = f"{self.path}: {self.message}" if self.path else self.message
        if self.hint:
            text += f" ({self.hint})"
        return text


class UnsupportedFileError(BoardPapersError):
    """Not a PDF nor a text file."""


class EmptyFileError(BoardPapersError):
    """A file with no bytes, or a document with no text at all."""


class CorruptFileError(BoardPapersError):
    """A PDF that cannot be parsed: truncated, damaged or not really a PDF."""


class EncryptedFileError(BoardPapersError):
    """A password-protected PDF."""


class NoTextLayerError(BoardPapersError):
    """A scanned PDF: pages are images with no text to read."""


class TooLargeError(BoardPapersError):
    """Over a configured limit (pages or bytes)."""


class DatabaseError(BoardPapersError):
    """The database cannot be opened or written."""

"""The one exception the parser raises: input that cannot be read as text."""

from __future__ import annotations


class ReadoutError(Exception):
    """Raised for input the parser refuses (binary data, unknown encoding).

    The message is in Chinese because it is shown to the user as it is.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

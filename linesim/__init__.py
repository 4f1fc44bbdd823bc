"""linesim: an emulator of the LINE Messaging API platform for local tests."""

__all__ = ["__version__"]

__version__ = "0.1.0"

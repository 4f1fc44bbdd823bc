"""`python -m linesim`."""

from linesim.cli import cli

cli()

"""``python -m studio``: the studio command line."""

from studio.cli import app

if __name__ == "__main__":  # not when a spawned render process imports this module
    app()

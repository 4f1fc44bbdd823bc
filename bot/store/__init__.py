"""Redis-backed state of the bot, one small store per concern (see ``keys``)."""

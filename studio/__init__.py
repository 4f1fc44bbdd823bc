"""studio: a local NemoVideo-compatible backend (agent, renders) for trying and testing the bot."""

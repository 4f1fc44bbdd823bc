"""One module per action of the intent table; each exposes ``async def handle(ctx, event)``."""

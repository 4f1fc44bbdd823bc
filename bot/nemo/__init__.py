"""The NemoVideo API: wire client, typed errors, per-user recovery."""

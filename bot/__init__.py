"""The LINE bot service: webhook, workers, LINE and NemoVideo I/O, pure chat logic."""

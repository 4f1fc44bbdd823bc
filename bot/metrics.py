"""Prometheus metrics of web and worker (served at ``/metrics``)."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

WEBHOOKS = Counter("lpv_webhooks_total", "Webhook requests", ["outcome"])
EVENTS = Counter("lpv_events_total", "Events accepted, by lane", ["lane"])
INTENTS = Counter("lpv_intents_total", "Events handled, by intent", ["intent"])
SSE_RUNS = Counter("lpv_sse_runs_total", "Backend runs, by outcome", ["outcome"])
SSE_SECONDS = Histogram(
    "lpv_sse_run_seconds", "Backend run duration", buckets=(1, 5, 15, 30, 60, 120, 300, 600, 900)
)
RENDERS = Counter("lpv_renders_total", "Exports, by outcome", ["outcome"])
MESSAGES_SENT = Counter("lpv_line_messages_total", "Messages sent to LINE", ["via"])
ERRORS = Counter("lpv_errors_total", "Errors shown to users, by code", ["code"])
ACK_SECONDS = Histogram(
    "lpv_webhook_ack_seconds",
    "Time to answer a webhook",
    buckets=(0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.5, 2),
)

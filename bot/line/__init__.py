"""LINE Messaging API: the wire client and the reply-then-push messenger."""

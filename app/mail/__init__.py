"""Mail infrastructure below every domain: the outbox, the delivery job, the relay, templates."""

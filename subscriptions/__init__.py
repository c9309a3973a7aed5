"""Who hears about what: receivers of registry events, later subscriptions and feeds."""

"""Public information: services, procedures, regulations, contacts, FAQ, terms, privacy (later issues)."""

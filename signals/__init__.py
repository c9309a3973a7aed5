"""The registry: every item a person files, its routing, workflow, deadlines and access."""

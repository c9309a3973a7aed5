"""Departments of the administration, categories, routing rules and memberships."""

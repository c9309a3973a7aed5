"""The staff console (a later issue): department inboxes and working an item. Imports neither web nor open311."""

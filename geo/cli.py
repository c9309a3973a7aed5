"""`flask areas ...`: load district boundaries and the municipality outline."""

from flask.cli import AppGroup

areas_cli = AppGroup("areas", help="District boundaries and the municipality outline.")

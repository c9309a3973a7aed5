"""The WSGI entry point for gunicorn: `gunicorn wsgi:app`."""

from app import create_app
from app.accounts.safety import refuse_demo_accounts

app = create_app()
# In production, refuse to serve while demo accounts exist (a database check, so not in create_app).
refuse_demo_accounts(app)

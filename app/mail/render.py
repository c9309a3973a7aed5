"""Rendering mail templates (subject, text, HTML) in the recipient's locale."""

from __future__ import annotations

from flask import current_app, render_template
from flask_babel import force_locale


def render_mail(template: str, context: dict, locale: str) -> tuple[str, str, str]:
    """Render templates/mail/<template>.{subject,txt,html} in a locale; returns (subject, text, html)."""
    context = {**context, "base_url": current_app.config["PUBLIC_BASE_URL"], "locale": locale}
    with force_locale(locale):
        subject = render_template(f"mail/{template}.subject.txt", **context).strip()
        text = render_template(f"mail/{template}.txt", **context)
        html = render_template(f"mail/{template}.html", **context)
    return " ".join(subject.split()), text, html

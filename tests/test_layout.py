"""The layout keeps its promises: small modules, thin views, and every view documented."""

from __future__ import annotations

import inspect
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("app", "geo", "signals", "subscriptions")
MAX_MODULE_LINES = 400
MAX_VIEW_LINES = 20


def test_no_module_is_over_400_lines():
    long = {str(p.relative_to(ROOT)): n for package in PACKAGES for p in (ROOT / package).rglob("*.py")
            if (n := len(p.read_text().splitlines())) > MAX_MODULE_LINES}
    assert long == {}


def test_views_are_thin_and_documented(app):
    problems = []
    for endpoint, view in app.view_functions.items():
        if endpoint == "static":
            continue
        function = inspect.unwrap(view)
        lines, _ = inspect.getsourcelines(function)
        body = [line for line in lines if not line.lstrip().startswith("@")]
        if len(body) > MAX_VIEW_LINES:
            problems.append(f"{endpoint}: {len(body)} lines")
        if not (function.__doc__ or "").strip():
            problems.append(f"{endpoint}: no docstring")
    assert problems == []

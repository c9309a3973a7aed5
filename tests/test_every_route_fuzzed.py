"""Bad input as a class: every rule of app.url_map, with every method, gets generated path segments, query
arguments, headers and (for forms) fields and files — NUL, invalid UTF-8 and lone surrogates as raw bytes in the
WSGI environ, 100,000-character strings, NaN/Infinity/1e308, look-alike letters — and never answers 500, never
adds a registry row or an upload for a refused input.

Form POSTs carry a real CSRF token and submission key most of the time; the test fails unless at least 80 % of
them reach form validation (past the CSRF check). The limiter is keyed per example (a fresh client address).
Every route is tried as an anonymous visitor, a resident and a staff member. Budget: DEFAULT_EXAMPLES in all,
shared by the routes and readers, with a fixed seed; HYPOTHESIS_PROFILE=long runs ten times as many. A new route
joins automatically.
"""

from __future__ import annotations

import io
import os
import re
from pathlib import Path
from urllib.parse import quote_from_bytes

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, text
from werkzeug.test import EnvironBuilder, run_wsgi_app

from app import create_app
from app.accounts.models import Role
from app.extensions import db
from app.kinds import Kind
from app.mail.models import Delivery
from signals.models import Attachment, FilerContact, Signal, Update
from signals.web.forms import ReportForm
from tests.signals.formhelpers import jpeg

DEFAULT_EXAMPLES = 1400
LONG = os.environ.get("HYPOTHESIS_PROFILE") == "long"
METHODS = ["GET", "POST", "HEAD", "OPTIONS", "PUT", "DELETE"]
QUERY_NAMES = ["bbox", "days", "category", "status", "number", "t", "next", "kind", "_method", "_external",
               "photo_id", "page", "q", "lat", "lon", "locale", "place", "level", "v", "from"]
FORM_FIELDS = [name for name in ReportForm.__dict__ if not name.startswith("_")
               and hasattr(getattr(ReportForm, name), "field_class")] + ["remove_photo"]
NASTY = ["\x00", "\r\n", "\n", "\u202e", "\u200b", "\ufeff", "\u3164", "ﬁ", "СГ-2026-1", "NaN", "nan", "Infinity",
         "-inf", "1e308", "-1e308", "42,6977", "0", "-0", "9" * 400, "../../etc/passwd", "<script>", "%00", "'",
         "АВСЕНКМОРТХ", "sg 2026 1", "SG-2026-000001", "23.3265", "42.6945", "problem", "question"]


def _rules():
    """The rules, read from an app that touches no database."""
    probe = create_app({"SQLALCHEMY_DATABASE_URI": "postgresql+psycopg2://127.0.0.1:1/none", "SECRET_KEY": "x",
                        "FILER_TOKEN_KEY": "y", "VAR_DIR": "/tmp"})
    return sorted((rule.rule, rule.endpoint, tuple(sorted(rule.arguments))) for rule in probe.url_map.iter_rules())


RULES = _rules()
ROLES = ("anonymous", "resident", "staff")
BUDGET = max(8, DEFAULT_EXAMPLES // (len(RULES) * len(ROLES))) * (10 if LONG else 1)
POST_BUDGET = BUDGET * 3

texts = st.one_of(st.sampled_from(NASTY), st.text(max_size=40),
                  st.text(alphabet=st.characters(codec="utf-8", categories=["Cc", "Cf", "Zs", "Lo", "Nd"]), max_size=30),
                  st.just("x" * 100_000), st.text(alphabet="АВСЕНІКМОРЅТХаесорхуSG0123456789-", max_size=20))
raw = st.one_of(texts.map(lambda s: s.encode("utf-8", "surrogatepass")), st.binary(max_size=40),
                st.sampled_from([b"\xff\xfe", b"\xed\xa0\x80", b"%ff%fe", b"%00", b"\xc0\xaf"]))


def _segment(value: bytes) -> bytes:
    return value.replace(b"/", b"%2F").replace(b"?", b"%3F").replace(b"#", b"%23") or b"x"


@st.composite
def requests(draw, arguments: tuple[str, ...], rule: str, post: bool):
    """A raw request for one rule: path, query, headers, and for POST a body (urlencoded bytes or multipart)."""
    path = rule.encode()
    for name in arguments:
        value = draw(st.one_of(raw, st.integers(-10, 10**12).map(lambda n: str(n).encode())))
        path = re.sub(rf"<(?:[a-z]+:)?{name}>".encode(), _segment(value).replace(b"\\", b"\\\\"), path)
    pairs = draw(st.lists(st.tuples(st.one_of(st.sampled_from(QUERY_NAMES), texts.map(lambda s: s.encode("utf-8", "surrogatepass"))), raw),
                          max_size=4))
    query = b"&".join((k.encode() if isinstance(k, str) else quote_from_bytes(k).encode()) + b"="
                      + draw(st.sampled_from([lambda v: quote_from_bytes(v).encode(), lambda v: v]))(v)
                      for k, v in pairs)
    headers = {"Accept-Language": draw(st.one_of(st.sampled_from(["bg", "en", "ru", "*", ""]), texts)),
               "Cookie": "lang=" + draw(st.one_of(st.sampled_from(["bg", "en", "ru"]), texts))}
    return {"path": path, "query": query, "headers": headers, "form": draw(forms()) if post else None,
            "address": f"10.{draw(st.integers(0, 255))}.{draw(st.integers(0, 255))}.{draw(st.integers(1, 254))}"}


@st.composite
def forms(draw):
    """Report-form fields (and others) as text, or as raw bytes; files now and then."""
    fields = {name: draw(st.one_of(texts, st.sampled_from(["problem", "1", ""])))
              for name in draw(st.lists(st.sampled_from(FORM_FIELDS), max_size=len(FORM_FIELDS), unique=True))}
    files = draw(st.lists(st.one_of(st.just(jpeg()), st.binary(max_size=200)), max_size=4))
    as_files = draw(st.lists(st.sampled_from(FORM_FIELDS), max_size=2, unique=True))   # a field sent as a file part
    return {"fields": fields, "files": files, "as_files": as_files, "raw": draw(st.booleans()) and not files,
            "real_csrf": draw(st.sampled_from([True] * 19 + [False])), "content_type": draw(st.sampled_from(
                [""] * 36 + ["multipart/form-data", "application/x-www-form-urlencoded", "text/plain", "x/y; b=\x00"]))}


def _environ(request: dict, method: str, tokens: dict, cookie: str) -> dict:
    form = request["form"]
    headers = dict(request["headers"])
    builder_args = {"method": method}
    if form is not None:
        fields = {**form["fields"]}
        if form["real_csrf"]:
            fields.update(tokens)
            headers["Cookie"] = f'{cookie}; {headers["Cookie"]}'
        if form["raw"]:
            body = b"&".join(quote_from_bytes(str(k).encode("utf-8", "surrogatepass")).encode() + b"="
                             + quote_from_bytes(str(v).encode("utf-8", "surrogatepass")).encode()
                             for k, v in fields.items())
            builder_args.update(input_stream=io.BytesIO(body), content_length=len(body),
                                content_type="application/x-www-form-urlencoded")
        else:
            data = {k: v.encode("utf-8", "surrogatepass").decode("utf-8", "replace") for k, v in fields.items()}
            for name in form["as_files"]:
                data[name] = (io.BytesIO(data.get(name, "x").encode()), "field.txt")
            data["photos"] = [(io.BytesIO(content), f"p{i}.jpg") for i, content in enumerate(form["files"])]
            builder_args["data"] = data
    environ = EnvironBuilder(**builder_args).get_environ()
    environ["PATH_INFO"] = request["path"].decode("latin-1")
    environ["QUERY_STRING"] = request["query"].decode("latin-1")
    environ["REMOTE_ADDR"] = request["address"]
    for name, value in headers.items():     # raw, as a server passes them (Werkzeug's Headers refuse newlines)
        environ["HTTP_" + name.upper().replace("-", "_")] = value.encode("utf-8", "surrogatepass").decode("latin-1")
    if form is not None and form["content_type"] and not form["files"] and not form["raw"]:
        environ["CONTENT_TYPE"] = form["content_type"]
    return environ


def _registry_state(upload_dir: Path) -> tuple:
    counts = tuple(db.session.scalar(select(func.count()).select_from(model))
                   for model in (Signal, FilerContact, Update, Attachment, Delivery))
    counter = db.session.execute(text("SELECT coalesce(sum(last), 0) FROM registry_counters")).scalar_one()
    files = sorted(p.name for p in upload_dir.glob("*") if p.is_file()) if upload_dir.exists() else []
    return counts + (counter, tuple(files))


REACHED: dict[str, list[bool]] = {}


@pytest.mark.slow
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("rule,endpoint,arguments", RULES, ids=[r[0] for r in RULES])
def test_no_generated_request_gets_a_500_or_leaves_half_an_item(app, db_session, create_category, create_user,
                                                                 login_as, rule, endpoint, arguments, role):
    category = create_category(Kind.problem, code="potholes")
    client = app.test_client()
    if role != "anonymous":      # logged in on a real server-side session
        user = create_user(Role.staff if role == "staff" else Role.resident, department=category.department
                           if role == "staff" else None)
        login_as(user, client)
    with app.app_context():
        page = client.get("/signals/new").get_data(as_text=True)
    tokens = dict(re.findall(r'name="(csrf_token|submission_key)" type="hidden" value="([^"]+)"', page))
    cookie = f"session={client.get_cookie('session').value}"
    if client.get_cookie("sid") is not None:
        cookie += f"; sid={client.get_cookie('sid').value}"
    upload_dir = Path(app.config["UPLOAD_DIR"])
    posts = REACHED.setdefault((rule, role), [])

    methods = ["POST"] * 6 + METHODS if rule == "/signals/new" else METHODS

    @settings(max_examples=POST_BUDGET if rule == "/signals/new" else BUDGET, deadline=None, derandomize=True,
              database=None, suppress_health_check=list(HealthCheck))
    @given(method=st.sampled_from(methods), request=st.data())
    def one(method, request):
        generated = request.draw(requests(arguments, rule, method == "POST"))
        before = _registry_state(upload_dir)
        with app.app_context():
            body, status, headers = run_wsgi_app(app, _environ(generated, method, tokens, cookie))
            content = b"".join(body)
            if hasattr(body, "close"):
                body.close()
        code = int(status.split()[0])
        assert code < 500, (method, generated, status, content[:300])
        registered = code == 302 and "/registered" in dict(headers).get("Location", "")
        if not registered:
            assert _registry_state(upload_dir) == before, (method, generated, status)
        if method == "POST" and rule == "/signals/new":
            posts.append(b'data-expired="true"' not in content)

    one()
    if rule == "/signals/new":
        assert posts and sum(posts) / len(posts) >= 0.8, f"{sum(posts)} of {len(posts)} POSTs reached validation"


def _form_fields() -> list[str]:
    """The name of every field of every form the app defines."""
    from flask_wtf import FlaskForm

    forms_, names = [FlaskForm], set()
    while forms_:
        form = forms_.pop()
        forms_.extend(form.__subclasses__())
        names.update(name for name, value in vars(form).items() if hasattr(value, "field_class"))
    return sorted(names)


# Characters str.isdigit() calls digits: some int() refuses (superscripts, circled), some it reads (Arabic-Indic,
# full-width). A page, an id, a district or a zoom level typed so must be refused or read, never a 500.
DIGITS = ["²", "⑤", "٣", "１2", "d²", "p⑤"]
ROOT = Path(__file__).resolve().parents[1]


def _query_names() -> list[str]:
    """Every query argument the app reads (request.args.get("x"), args.get("x"), request.args["x"]), and ours."""
    found = set(QUERY_NAMES)
    for package in ("app", "signals", "subscriptions", "geo"):
        for path in (ROOT / package).rglob("*.py"):
            found.update(re.findall(r"""args(?:\.get\(|\[)["'](\w+)["']""", path.read_text()))
    return sorted(found)


@pytest.mark.parametrize("role", ROLES)
def test_digits_that_are_not_ascii_in_every_argument_and_field_never_get_a_500(app, db_session, create_category,
                                                                               create_user, login_as, role):
    category = create_category(Kind.problem, code="potholes")
    client = app.test_client()
    if role != "anonymous":
        login_as(create_user(Role.staff if role == "staff" else Role.resident,
                             department=category.department if role == "staff" else None), client)
    page = client.get("/signals/new").get_data(as_text=True)
    tokens = dict(re.findall(r'name="(csrf_token|submission_key)" type="hidden" value="([^"]+)"', page))
    fields, names, failures, sent = _form_fields(), _query_names(), [], 0
    for rule, _endpoint, arguments in RULES:
        for value in DIGITS:
            path = rule
            for name in arguments:
                path = re.sub(rf"<(?:[a-z]+:)?{name}>", value, path)
            query = {name: value for name in names}
            for method in ("GET", "POST"):
                data = {**{name: value for name in fields}, **tokens} if method == "POST" else None
                sent += 1                                   # each from its own address: limits are per address
                code = client.open(path, method=method, query_string=query, data=data,
                                   environ_base={"REMOTE_ADDR": f"10.77.{sent // 250}.{sent % 250 + 1}"}).status_code
                if code >= 500:
                    failures.append((method, path, value, code))
    assert not failures, failures[:20]

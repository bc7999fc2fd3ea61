"""manage.py import_zendesk --url: the same help center read live through Zendesk's API,
here a local stand-in server answering recorded pages, with pagination, side-loaded users,
token sign-in and a 429 with Retry-After on the way."""

import base64
import io
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from articles.models import Article, Comment, Post, Vote

from . import zendesk_data

EMAIL, TOKEN = "alex@acme.example", "recorded-token"


class StandIn:
    """A threaded HTTP server answering Zendesk's API paths from the recorded files."""

    def __init__(self, files):
        self.files = files
        self.requests: list[str] = []
        self.throttle_next: set[str] = set()
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                stand_in.requests.append(self.path)
                status, body, headers = stand_in.answer(self)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    self.wfile.write(body)
                except ConnectionError:
                    pass  # the client stopped reading (a file over the importer's bound)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def answer(self, handler):
        parts = urlsplit(handler.path)
        query = parse_qs(parts.query)
        path = parts.path
        if path.startswith("/hc/article_attachments/"):
            data = self.files.get(unquote(path.removeprefix("/hc/")))
            return (200, data, {"Content-Type": "image/png"}) if data else (404, b"", {})
        expected = "Basic " + base64.b64encode(f"{EMAIL}/token:{TOKEN}".encode()).decode()
        if handler.headers.get("Authorization") != expected:
            return 401, b'{"error": "Couldn\'t authenticate you"}', {"Content-Type": "application/json"}
        if path in self.throttle_next:
            self.throttle_next.discard(path)
            return 429, b"", {"Retry-After": "7"}
        if path == "/api/v2/users/show_many.json":
            ids = {int(i) for i in query["ids"][0].split(",")}
            users = [u for u in self.files["users.json"]["users"] if u["id"] in ids]
            return self._json({"users": users, "next_page": None})
        for prefix in ("/api/v2/help_center/", "/api/v2/"):
            if path.startswith(prefix):
                resource = path.removeprefix(prefix).removesuffix(".json")
                break
        page = int(query.get("page", ["1"])[0])
        name = f"{resource}.json" if page == 1 else f"{resource}-{page}.json"
        if name not in self.files or name == "users.json":
            return 404, b'{"error": "RecordNotFound"}', {"Content-Type": "application/json"}
        return self._json(self.files[name])

    def _json(self, value):
        text = json.dumps(value).replace(zendesk_data.BASE, self.url).replace(zendesk_data.HOST, self.url[7:])
        return 200, text.encode(), {"Content-Type": "application/json"}


@pytest.fixture
def stand_in():
    files = zendesk_data.help_center()
    files["articles-2.json"]["articles"][0]["body"] = "<p>Use an app.</p>"
    # Zendesk's own next_page links carry ?page=N: the recorded ones do too.
    server = StandIn(files)
    server.thread.start()
    yield server
    server.server.shutdown()
    server.server.server_close()


def run(url, *, email=EMAIL, token=TOKEN):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_zendesk", "--url", url, "--email", email, "--token", token, stdout=out, stderr=err)
    except CommandError as exc:
        return out.getvalue(), err.getvalue() + f"CommandError: {exc}", True
    return out.getvalue(), err.getvalue(), False


def test_the_live_api_is_read_page_by_page_and_imported(db, stand_in, monkeypatch, settings):
    waits = []
    monkeypatch.setattr("api.zendesk.sources.time.sleep", waits.append)
    stand_in.throttle_next.add("/api/v2/help_center/articles.json")
    out, err, failed = run(stand_in.url)
    assert not failed, err
    assert waits == [7]  # Retry-After honoured, then the page asked for again
    assert set(Article.objects.values_list("external_id", flat=True)) == {"115001", "115002", "115003"}
    assert any("page=2" in path for path in stand_in.requests)  # next_page followed
    first = Article.objects.get(external_id="115001")
    assert [c.external_id for c in first.comments.all()] == ["5001", "5002"]
    assert Vote.objects.filter(article=first).count() == 3
    assert Comment.objects.get(external_id="7001").is_official
    assert Post.objects.get(external_id="6001").author.email == "Casey@acme.example"  # domain normalised
    assert 'src="/media/uploads/zendesk-777.png"' in first.body_html  # downloaded from the server
    assert (settings.MEDIA_ROOT / "uploads" / "zendesk-777.png").is_file()
    out, err, failed = run(stand_in.url)
    assert not failed and "articles: 0 created, 3 updated" in out


def test_a_wrong_token_is_a_clear_error(db, stand_in):
    _out, err, failed = run(stand_in.url, token="wrong")
    assert failed and "401: check --email and --token" in err
    assert not Article.objects.exists()


def test_an_endless_429_gives_up_with_a_message(db, stand_in, monkeypatch):
    monkeypatch.setattr("api.zendesk.sources.time.sleep", lambda seconds: None)

    class Always(set):
        def __contains__(self, path):
            return path == "/api/v2/help_center/categories.json"

        def discard(self, path):
            pass

    stand_in.throttle_next = Always()
    _out, err, failed = run(stand_in.url)
    assert failed and "still rate limited (429)" in err


def test_the_url_must_be_a_web_address(db):
    _out, err, failed = run("ftp://acme")
    assert failed and "--url must look like https://SUBDOMAIN.zendesk.com" in err
    with pytest.raises(CommandError, match="--url needs --email and --token"):
        call_command("import_zendesk", "--url", "https://acme.zendesk.com", stdout=io.StringIO())

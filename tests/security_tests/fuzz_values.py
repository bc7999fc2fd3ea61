"""Hostile values for the fuzz suite (test_fuzz.py): what a visitor, a bot or a broken
client can put in a path segment, a query parameter, a form field or a header.

Fixed lists hold the values that broke pages before (issue 13) or that sit on an edge
(integer limits, calendar limits, DST gaps); Hypothesis mixes them with generated ones.
"""

import base64
import json
import re
import string

from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import strategies as st

NUMBERS = [
    "0", "00", "-1", "+1", " 7", "7 ", "1.5", "1e3", "0x10", "inf", "NaN", "-0",
    "99999999999999999999", str(2**31), str(2**53 + 1), str(2**63 - 1), str(2**63), str(2**64),
    "-99999999999999999999", "9" * 400, "9" * 5000,
    # Other scripts' digits: str.isdigit() says yes, int() reads some of them.
    "²", "١٢", "１２", "߁", "𝟗",
]

MOMENTS = [
    "9999-12-31T23:59", "9999-12-31T23:59:59+00:00", "0001-01-01T00:00", "0001-01-01T00:00-08:00",
    "2026-02-30T10:00", "2026-06-03T25:00", "2026-06-03T10:61", "2026-13-01T10:00",
    "2026-03-08T02:30",  # the hour Los Angeles skips (DST gap)
    "2026-11-01T01:30",  # the hour Los Angeles lives twice
    "2026-06-03T10:00+24:00", "2026-06-03T10:00+23:59", "2026-06-03T10:00-23:59", "2026-06-03T10:00Z",
    "2026-06-03T10:00 01:00", "2026-06-03T10:00\x00", "2026-06-03T10:00[Europe/Nowhere]",
    "2026-06-03", "10:00", "2026-W23-3", "20260603T1000", "1780476000", "-62135596800",
    "Europe/Nowhere", "America/Los_Angeles", "Etc/GMT+14", "UTC+25", "tomorrow", "１２:００",
    # HTTP dates (If-Modified-Since) and their broken cousins
    "Wed, 03 Jun 2026 10:00:00 GMT", "Fri, 31 Dec 9999 23:59:59 GMT", "Mon, 01 Jan 0001 00:00:00 GMT",
    "Wed, 32 Jun 2026 10:00:00 GMT", "Sunday, 06-Nov-94 08:49:37 GMT",
]

TEXT = [
    "", " ", "\x00", "a\x00b", "\r\n", "\t", "\u2028", "\u202e", "\ufeff", "🙂", "ß", "İ",
    "<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "{{ 7|add:7 }}", "{% debug %}",
    "../../etc/passwd", "..\\..\\boot.ini", "%00", "%2e%2e%2f", "'; DROP TABLE auth_user;--", "' OR '1'='1",
    "[x](javascript:alert(1))", "<style>body{display:none}</style>", "**" * 500, "[" * 2000, "> " * 1000,
    "http://evil.example/", "//evil.example", "https:evil.example", "mailto:a@b", "javascript:alert(1)",
    "on", "off", "yes", "no", "true", "false", "reply", "update", "One-Click", "null", "None", "[]", "{}",
    "article", "post", "section", "day", "week", "a@b", "a" * 255 + "@example.com",
    "x" * 10_000, "ü" * 10_000, "1," * 5_000, "\x00" * 10_000,
]

# Keys nobody asked for: the view must ignore them.
JUNK_KEYS = ["", "x", "\x00", "page[]", "__proto__", "csrfmiddlewaretoken", "k" * 300, "ü"]


def _long(alphabet: str) -> st.SearchStrategy[str]:
    # 10,000 characters of one kind (drawing 10,000 characters one by one is slow).
    return st.sampled_from(alphabet).map(lambda c: c * 10_000)


def hostile(known=()) -> st.SearchStrategy[str]:
    """One hostile text value; ``known`` are valid values of this parameter, mixed in so
    the page behind the first check is reached too."""
    options = [
        st.sampled_from(NUMBERS + MOMENTS + TEXT),
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
        st.text(max_size=40),
        st.text(alphabet=string.printable, max_size=40),
        st.datetimes().map(lambda d: d.isoformat()),
        _long("a9ü\x00<-"),
    ]
    if known:
        options.insert(0, st.sampled_from([str(v) for v in known]))
    return st.one_of(options)


def value_or_repeated(known=()) -> st.SearchStrategy:
    """A value, or the key repeated with several values (``?page=1&page=x``)."""
    return st.one_of(hostile(known), st.lists(hostile(known), min_size=2, max_size=3))


def uploads() -> st.SearchStrategy[SimpleUploadedFile]:
    """A file where one is expected, or where text is (a wrong type)."""
    names = st.sampled_from(["a.png", "a.txt", "a.pdf", "a.svg", "a.png.exe", "../../a.txt", "", "x" * 300 + ".txt",
                             "a\x00.txt", "ü.csv", ".txt", "a."])
    contents = st.sampled_from([b"", b"hello", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, b"GIF89a<script>",
                                b"%PDF-1.4 junk", b"\xff\xfe\x00", b"<svg onload=alert(1)>",
                                b"RIFF\x00\x00\x00\x00WEBP", b"a\x00b"])
    return st.builds(lambda n, c: SimpleUploadedFile(n or "blank", c), names, contents)


# Edges of a regex group's values (those that fit the group are used).
REGEX_EDGES = ["0", "00", "99999999999999999999", str(2**63 - 1), str(2**63), str(2**64), "1" * 20,
               "en", "EN-us", "zz-ZZZZ", "de-1234", "en-us", "iw", "xx-00"]


def path_segment(converter: str, known=()) -> st.SearchStrategy[str | None]:
    """A value that still matches the URL converter (else the URL is not even reversed);
    None in ``known`` leaves an optional regex group out."""
    known = [v if v is None else str(v) for v in known]
    if converter.startswith("re:"):
        regex = converter[3:]
        generated = st.one_of(st.from_regex(regex, fullmatch=True),
                              st.sampled_from([v for v in REGEX_EDGES if re.fullmatch(regex, v)] or [None]))
    elif converter == "int":
        generated = st.one_of(
            st.sampled_from(["0", "00", "007", "99999999999999999999", str(2**63 - 1), str(2**63), str(2**64),
                             "9" * 400, "9" * 5000]),
            st.integers(min_value=0, max_value=2**80).map(str),
        )
    elif converter == "slug":
        generated = st.one_of(
            st.from_regex(r"[-a-zA-Z0-9_]{1,40}", fullmatch=True),
            st.sampled_from(["-", "_", "a" * 10_000, "0", "99999999999999999999"]),
        )
    elif converter == "path":
        generated = st.one_of(
            st.sampled_from(["../../etc/passwd", "..", "a/../../b", "%2e%2e/x", "a\x00.png", "", "/", "x" * 10_000,
                             "uploads/../../settings.py", "ü.png", "a.png/"]),
            st.text(max_size=40),
        )
    else:  # "str": anything without a slash, not empty
        generated = st.one_of(
            st.sampled_from([t for t in NUMBERS + MOMENTS + TEXT if t and "/" not in t]),
            st.text(min_size=1, max_size=40).filter(lambda t: "/" not in t),
        )
    # Mostly the valid values: past the lookup is where the rest of the request is read.
    # Weighted by a draw (one_of drops repeated branches, so listing one three times does not),
    # its smallest value the valid one (a short run's first examples are the smallest).
    if not known:
        return generated
    return st.integers(0, 3).flatmap(lambda n: generated if n == 3 else st.sampled_from(known))


def remote_addr() -> st.SearchStrategy[str]:
    # Varied so rate limits (per IP) do not end every example in a 429.
    return st.one_of(st.ip_addresses().map(str), st.sampled_from(["", "unknown", "999.1.1.1", "::1", "x" * 300]))


def headers() -> st.SearchStrategy[dict]:
    """Request headers kb reads (page cache validators, Referer, client IP, analytics)."""
    def header(known=()):
        return st.one_of(st.none(), hostile(known))

    return st.fixed_dictionaries({
        "REMOTE_ADDR": remote_addr(),
    }, optional={
        "HTTP_REFERER": header(["http://testserver/articles/1-x/", "http://testserver/articles/99999999999999999999-x/",
                                "http://evil.example/articles/1-x/", "http://testserver/\x00", "/articles/1-x/"]),
        "HTTP_IF_MODIFIED_SINCE": header(MOMENTS),
        "HTTP_IF_NONE_MATCH": header(['"x"', "*", 'W/"1"', '"' * 300]),
        "HTTP_USER_AGENT": header(),
        "HTTP_X_FORWARDED_FOR": header(["1.2.3.4, 5.6.7.8", "::1"]),
        "HTTP_ACCEPT_LANGUAGE": header(["en", "de-DE,de;q=0.9", "*;q=x", "zz-ZZ", "es-MX,es;q=0.9,en;q=0.1"]),
        # Mostly our own name: a foreign one ends the request before any view (a 400).
        "HTTP_HOST": st.one_of(*[st.just("testserver")] * 4, hostile(["evil.example", "testserver:99999", "[::1"])),
        # Replaces the client's own cookies: applied to anonymous requests only.
        "HTTP_COOKIE": header(["sessionid=" + "x" * 300, "sessionid=\x00; csrftoken=;", "messages=junk:sig",
                               "sessionid=a; sessionid=b", "=; ;;==", "django_language=es",
                               "django_language=de; sessionid=x", "django_language=\x00zz"]),
    }).map(lambda d: {k: as_wsgi(v) for k, v in d.items() if v is not None})


def as_wsgi(value: str) -> str:
    """A header as a WSGI server hands it over: its UTF-8 bytes read as Latin-1 (PEP 3333)."""
    return value.encode("utf-8", "surrogatepass").decode("latin-1")


# --- The Help Center API ------------------------------------------------------------------


def _cursor(value) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


# Cursors (page[after], page[before], the incremental export's cursor): the API's own shape
# (base64 of a JSON list of sort values) with values of the wrong type, out of range, or
# text a database refuses; then plain junk.
CURSORS = [_cursor(v) for v in (
    [1], [0, 1], [0, "a", 1], ["x", 1], [None, 1], [[1], 1], [{"a": 1}, 1], [True, "a", 1], [2**63, "a", 2**63],
    [-2**63, "a", -1], [1e308, "a", 1], [1.5, "a", 1.5], [0, "a\x00b", 1], [0, "\ud800", 1], [0, "a" * 3000, 1],
    ["9999-12-31T23:59:59+14:00", 1], ["0001-01-01T00:00:00-14:00", 1], ["2026-06-03T10:00:00", 1],
    ["2026-06-03T10:00:00+00:00", 1], ["2026-02-30T10:00:00Z", 1], ["2026-06-03T10:00:00\x00", 1], [10**30, "x", 1],
)] + ["", "=", "!!!", "a" * 2001, base64.urlsafe_b64encode(b"\xff\xfe").decode(), _cursor("x"), _cursor({"a": 1}),
      base64.urlsafe_b64encode(b"[Infinity, NaN, 1]").decode(), base64.urlsafe_b64encode(b"[" * 5000).decode()]

# Query parameters of the API and their valid values (mixed in, to reach past the first check).
API_KNOWN = {
    "page": ["1", "2"], "per_page": ["1", "100", "101"], "page[size]": ["1", "2", "100", "101"],
    "page[after]": CURSORS, "page[before]": CURSORS, "cursor": CURSORS, "locale": ["en-us", "EN-US", "de"],
    "sort_by": ["position", "title", "created_at", "updated_at"], "sort_order": ["asc", "desc"],
    "label_names": ["account", "account,billing", ",,,"], "start_time": ["0", "1780476000", "253370764800"],
    "query": ["password", "reset password"], "category": ["1"], "section": ["1"], "topic": ["1"],
    **{f"{what}_{when}": ["2026-06-01", "2026-06-03T10:00:00Z"] for what in ("created", "updated")
       for when in ("before", "after", "at")},
}

# JSON values of the wrong type or size where a field is expected.
_JSON_LEAVES = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([0, -1, 2**31, 2**31 - 1, 2**63, 2**63 - 1, -(2**63) - 1, 10**400, 1e308, -0.0, 1.5]),
    st.floats(), hostile(),
)
HOSTILE_JSON = st.recursive(_JSON_LEAVES, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(["", "name", "title", "a", "\x00"]), inner,
                                                 max_size=3)), max_leaves=6)

# Bodies no JSON encoder writes: as they arrive from a broken client.
RAW_JSON = [
    b"", b"null", b"[]", b"{}", b'"x"', b"1e999", b"NaN", b"Infinity", b"[" * 100_000, b'{"a":' * 50_000,
    b"\xef\xbb\xbf{}", b"\xff\xfe{\x00}\x00", b"{\x00}", b'{"a": 1, "a": 2}', b"9" * 5000,
    b'{"article": {"title": ' + b"9" * 5000 + b"}}", b'{"article": {"title": "\\ud800"}}',
    b'{"article": {"title": "a\\u0000b", "body": "\\u0000"}}', b'{"comment": {"body": "\\udfff\\ud800"}}',
    b'{"category": {"name": "x"}, "category": []}', b'{"post": {"title": "x", "topic_id": 1e400}}',
    "{\"comment\": {\"body\": \"ü\"}}".encode("utf-16"), b'{"label": {"name": "' + b"a" * 10_000 + b'"}}',
]


# --- Article attachments (multipart uploads to the API) ---------------------------------

ATTACHMENT_MAX = 5 * 1024 * 1024  # api.services.ATTACHMENT_MAX_BYTES


def _png(width=4, height=3) -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), "red").save(out, format="PNG")
    return out.getvalue()


def _png_claiming(width: int, height: int) -> bytes:
    """A 1x1 PNG whose header claims another size (a decompression bomb's shape)."""
    import struct
    import zlib

    data = bytearray(_png(1, 1))
    header = b"IHDR" + struct.pack(">II", width, height) + bytes(data[24:29])
    data[12:29] = header
    data[29:33] = struct.pack(">I", zlib.crc32(header))
    return bytes(data)


PNG = _png()
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# (file name, bytes): valid files first (a short run's first examples are the smallest),
# then scripts renamed to an allowed type, types that are not allowed, an empty file, files
# over 5 MB (past the serializer, and past the body's bound) and hostile names.
ATTACHMENT_FILES = [
    ("guide.pdf", PDF), ("notes.txt", b"Hello.\n"), ("photo.png", PNG), ("inline.PNG", PNG),
    ("photo.png", b"#!/bin/sh\nrm -rf /\n"), ("invoice.pdf", b"<?php system($_GET['c']); ?>"),
    ("photo.png.exe", PNG), ("run.sh", b"#!/bin/sh\n"), ("a.svg", b"<svg onload=alert(1)>"),
    ("a.html", b"<script>alert(1)</script>"), ("a.gif", b"GIF89a<script>"), ("a.webp", b"RIFF\x00\x00\x00\x00WEBP"),
    ("bomb.png", _png_claiming(100_000, 100_000)), ("zero.png", _png_claiming(0, 0)),
    ("truncated.png", PNG[:40]), ("a.txt", b"\xff\xfe\x00 not UTF-8"), ("a.txt", b"a\x00b"), ("a.csv", b"=cmd|'/C calc'!A0"),
    ("empty.txt", b""), ("big.pdf", PDF + b"\x00" * ATTACHMENT_MAX), ("huge.txt", b"a" * (ATTACHMENT_MAX + 200_000)),
    ("", b"hello"), (".txt", b"hello"), ("../../etc/passwd.txt", b"x"), ("..\\..\\boot.txt", b"x"),
    ("x" * 300 + ".txt", b"x"), ("a\x00.txt", b"x"), ("ü\u202etxt.exe", b"x"), ("a\ud800.txt", b"x"),
    ('a".txt', b"x"), ("a\r\nContent-Type: text/html.txt", b"x"), ("CON.txt", b"x"),
]


def attachment_files() -> st.SearchStrategy[tuple[str, bytes]]:
    names = sorted({name for name, _ in ATTACHMENT_FILES})
    contents = [PDF, b"Hello.\n", PNG, b"", b"#!/bin/sh\n", b"GIF89a<script>"]
    return st.one_of(st.sampled_from(ATTACHMENT_FILES), st.tuples(st.sampled_from(names), st.sampled_from(contents)))


BOUNDARY = "kbFuzzBoundary"


def multipart(fields: list[tuple[str, object]]) -> tuple[bytes, str]:
    """A multipart/form-data body, written by hand so the file names arrive as hostile as
    they are (Django's test client cleans them): a value is text, or (file name, bytes)."""
    def raw(text: str) -> bytes:
        return text.encode("utf-8", "surrogatepass")

    out = []
    for key, value in fields:
        out.append(b"--" + raw(BOUNDARY))
        if isinstance(value, tuple):
            out.append(b'Content-Disposition: form-data; name="' + raw(key) + b'"; filename="' + raw(value[0]) + b'"')
            out.append(b"Content-Type: application/octet-stream")
            out += [b"", value[1]]
        else:
            out += [b'Content-Disposition: form-data; name="' + raw(key) + b'"', b"", raw(value)]
    out += [b"--" + raw(BOUNDARY) + b"--", b""]
    return b"\r\n".join(out), f"multipart/form-data; boundary={BOUNDARY}"

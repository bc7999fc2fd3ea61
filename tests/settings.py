"""Settings of the test suite: kb's own, with the development configuration `make run`
uses (DEBUG on at import, so plain-http static files; pytest-django still runs each test
with DEBUG off) and a key of this run, not the data directory's."""

import os
import secrets

os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(64))

from kb.settings import *

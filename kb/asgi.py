"""The ASGI entry point, for an ASGI server; `bin/serve` runs the WSGI one (kb/wsgi.py)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kb.settings")
application = get_asgi_application()

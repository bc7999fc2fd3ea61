"""The ASGI entry point, for an ASGI server; `bin/serve` runs the WSGI one (kb/wsgi.py).

No ASGI server tells the application its address, so kb/serving.py requires the
configuration of a public site here (DEBUG off, SECRET_KEY and ALLOWED_HOSTS set)."""

import os

from django.conf import settings
from django.core.asgi import get_asgi_application

from kb.serving import check_entry_point

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kb.settings")
check_entry_point(settings, "kb.asgi")
application = get_asgi_application()

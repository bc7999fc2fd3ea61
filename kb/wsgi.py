"""The WSGI entry point: `bin/serve` runs gunicorn on ``kb.wsgi:application``.

Before the application is made, kb/serving.py checks the configuration is fit for the
address it is served on (refusing a development configuration on a public one)."""

import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

from kb.serving import check_entry_point

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kb.settings")
check_entry_point(settings, "kb.wsgi")
application = get_wsgi_application()

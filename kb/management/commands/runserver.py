"""Django's development server (with staticfiles' static file serving), refusing to serve
an address other machines can reach with a development configuration (kb/serving.py).

"kb" precedes "django.contrib.staticfiles" in INSTALLED_APPS so that this command, not
staticfiles' own, answers to ``manage.py runserver``."""

from django.conf import settings
from django.contrib.staticfiles.management.commands.runserver import Command as StaticfilesRunserver
from django.core.management.base import CommandError

from kb.serving import bind_checked_by, refusal


class Command(StaticfilesRunserver):
    def run(self, **options):
        # Here the address is parsed and nothing listens yet; with the autoreloader this runs
        # in the watching process before it starts the serving one (which checks again).
        address = f"[{self.addr}]:{self.port}" if self._raw_ipv6 else f"{self.addr}:{self.port}"
        message = refusal([address], settings)
        if message:
            raise CommandError(message)
        bind_checked_by("runserver")  # before kb/wsgi.py is loaded to serve
        if not settings.DEBUG and not options.get("insecure_serving"):
            # Not an error (runserver on loopback can try the production settings out after
            # collectstatic), but without it static files 404 and http:// redirects to https://.
            self.stderr.write(
                "DEBUG is off: these are the production settings (static files from "
                "collectstatic, http:// redirected to https://). For development run "
                "`make run`, or set DEBUG=true.\n"
            )
        super().run(**options)

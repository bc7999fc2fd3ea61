"""``manage.py export_help_center DIR``: write the help center as Zendesk-shaped JSON pages
(``api.zendesk.exporter``), the folder ``import_zendesk --from-dir`` reads."""

from django.core.management.base import BaseCommand, CommandError

from api.zendesk.exporter import Export


class Command(BaseCommand):
    help = "Write every category, section, article, comment, vote, topic, post and author as Zendesk API pages."

    def add_arguments(self, parser):
        parser.add_argument("dir", help="Folder to write (created if missing).")
        parser.add_argument("--base-url", help="The site's address in URLs (default: KB_SITE_URL).")

    def handle(self, *args, dir, base_url, **options):
        try:
            counts = Export(dir, base_url=base_url).run()
        except OSError as exc:
            raise CommandError(f"Cannot write {dir}: {exc.strerror or exc}.") from None
        self.stdout.write(", ".join(f"{n} {kind}" for kind, n in counts.items()) + f" written to {dir}.")

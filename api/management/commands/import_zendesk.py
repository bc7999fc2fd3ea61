"""``manage.py import_zendesk --from-dir DIR`` or ``--url https://SUBDOMAIN.zendesk.com
--email EMAIL --token TOKEN``: bring a Zendesk Guide help center in (``api.zendesk``).

Prints what was created and updated, then what was skipped and why; exits with status 1
when some input could not be imported (everything else stays imported, and running the
command again after fixing the input carries on: objects are found by their Zendesk id).
"""

from django.core.management.base import BaseCommand, CommandError

from api.zendesk.importer import ZendeskImport
from api.zendesk.sources import ApiSource, DirectorySource, SourceError
from articles.signals import articles_imported


class Command(BaseCommand):
    help = "Import a Zendesk Guide help center from saved API pages (--from-dir) or the live API (--url)."

    def add_arguments(self, parser):
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("--from-dir", metavar="DIR", help="Folder of JSON pages as the API returns them.")
        source.add_argument("--url", help="https://SUBDOMAIN.zendesk.com, read through the Help Center API.")
        parser.add_argument("--email", help="With --url: the email of the agent whose API token is used.")
        parser.add_argument("--token", help="With --url: a Zendesk API token.")

    def handle(self, *args, from_dir, url, email, token, **options):
        try:
            if url:
                if not (email and token):
                    raise CommandError("--url needs --email and --token (a Zendesk API token).")
                source = ApiSource(url, email=email, token=token)
            else:
                source = DirectorySource(from_dir)
        except SourceError as exc:
            raise CommandError(str(exc)) from None

        progress = None
        if self.stdout.isatty():
            def progress(kind, done, total):
                end = "\n" if done == total else ""
                self.stdout.write(f"\r{kind}s: {done}/{total}", ending=end)
                self.stdout.flush()

        report = ZendeskImport(source, progress=progress).run()
        for line in report.summary_lines() or ["nothing imported"]:
            self.stdout.write(line)
        articles = report.counts.get("articles", {})
        if articles:
            articles_imported.send(sender=self.__class__, created=articles["created"], updated=articles["updated"])
        if report.skipped:
            self.stdout.write(f"Skipped or changed ({len(report.skipped)}):")
            for line in report.skipped:
                self.stdout.write(f"  {line}")
        for line in report.failed:
            self.stderr.write(f"error: {line}")
        if report.failed:
            raise CommandError(f"{len(report.failed)} problem(s) in the input (listed above); everything else "
                               f"from {source} was imported. Fix them and run the command again.")

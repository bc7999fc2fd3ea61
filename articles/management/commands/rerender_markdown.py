"""Render the stored HTML of every article, post and comment again from its Markdown.

Run it once after a deploy that changes the renderer's rules (issue 13: customers' raw
HTML became text, classes and ids were narrowed, images limited to uploads), so pages
saved before show what new saves would. Safe to run again: unchanged rows are not written.
"""

from django.core.management.base import BaseCommand

from articles.services import body_html_rerender_all


class Command(BaseCommand):
    help = "Re-render body_html of articles, posts and comments from their Markdown with the current rules."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Only count the rows that would change.")

    def handle(self, *args, dry_run, **options):
        changed = body_html_rerender_all(dry_run=dry_run)
        verb = "would change" if dry_run else "changed"
        self.stdout.write(", ".join(f"{name}: {count} {verb}" for name, count in changed.items()))

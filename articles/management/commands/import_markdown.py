"""manage.py import_markdown DIR: import a folder of Markdown files, one article per file.

Folders are categories and sections, front matter sets title, labels, draft, position
and the rest, relative images are uploaded; see ``articles.import_markdown``. Re-running
updates only what changed. Files that cannot be imported are reported on stderr with the
reason and the command exits with status 1 (the other files stay imported), so scripts
notice; problems that do not stop a file (an image that is not one, a link to a file not
in the folder) are reported as warnings.
"""

import re
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.import_markdown import DEFAULT_ID_PREFIX, import_folder
from articles.importing import DEFAULT_CATEGORY, LineError, author_by_username, default_author
from articles.models import Category
from articles.signals import articles_imported

_ID_PREFIX = re.compile(r"[a-z0-9][a-z0-9_-]{0,19}")


class Command(BaseCommand):
    help = (
        "Import a folder of Markdown files: DIR/<category>/<section>/<article>.md (or "
        "DIR/<section>/<article>.md), YAML front matter for title, section, category, labels, "
        "draft, position, promoted, author and id; relative images are uploaded. Re-runs "
        "update what changed."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", help="The folder to import.")
        parser.add_argument(
            "--author",
            help="Username or e-mail of the agent credited for files without an \"author\" "
            "(default: the first agent, else the first superuser).",
        )
        parser.add_argument(
            "--category",
            default=DEFAULT_CATEGORY,
            help=f"Category of sections that are top-level folders (default: {DEFAULT_CATEGORY}).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check and write everything, then roll it back; no image is stored.",
        )
        parser.add_argument(
            "--unpublish-missing",
            action="store_true",
            help="Make earlier imports whose file is gone drafts (by default they are only reported).",
        )
        parser.add_argument(
            "--id-prefix",
            default=DEFAULT_ID_PREFIX,
            help="Prefix of the articles' external ids, for importing several folders into "
            f"one site (default: {DEFAULT_ID_PREFIX}; ids are PREFIX:<path>).",
        )

    def handle(self, *args, directory, author, category, dry_run, unpublish_missing, id_prefix,
               verbosity, **options):
        root = Path(directory)
        if not root.is_dir():
            raise CommandError(f"{directory} is not a folder.")
        if not _ID_PREFIX.fullmatch(id_prefix):
            raise CommandError("--id-prefix: lowercase letters, digits, _ and - only (at most 20).")
        category = category.strip()
        if not category or len(category) > Category._meta.get_field("name").max_length:
            raise CommandError("--category: give a name of at most 120 characters.")
        if author:
            try:
                author_user = author_by_username(author)
            except LineError as exc:
                raise CommandError(f"--author: {exc}") from None
        else:
            author_user = default_author()

        def report(kind: str, path: str, message: str) -> None:
            if kind in ("skipped", "warning", "missing"):
                self.stderr.write(f"{path}: {kind}: {message}")
            elif verbosity >= 2:
                self.stdout.write(f"{path}: {kind}: {message}")

        result = import_folder(
            root,
            author=author_user,
            dry_run=dry_run,
            unpublish_missing=unpublish_missing,
            default_category=category,
            id_prefix=id_prefix,
            on_report=report,
        )
        total = result.created + result.updated + result.unchanged + len(result.skipped)
        if total == 0:
            # Most likely the wrong folder (import_folder then left earlier imports alone).
            raise CommandError(f"No Markdown files (*.md) in {directory}; nothing imported.")

        prefix = "Dry run, nothing saved: " if dry_run else ""
        line = f"{prefix}{result.summary()}"
        if result.missing:
            line += f"; {len(result.missing)} earlier article(s) no longer in the folder"
            if unpublish_missing:
                line += f" ({result.unpublished} unpublished)"
        self.stdout.write(line + ".")
        if not dry_run and (result.created or result.updated):
            articles_imported.send(sender=self.__class__, created=result.created, updated=result.updated)
        if result.skipped:
            raise CommandError(
                f"{len(result.skipped)} file(s) skipped"
                + ("." if dry_run else "; the other files were imported.")
            )

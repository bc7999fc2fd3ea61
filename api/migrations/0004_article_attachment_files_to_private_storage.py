"""Article attachments' non-image files move from the folder ``KB_DATA_DIR/article_attachments``
to the private storage's ``articles/`` folder (kb.storage), where request attachments are
too: one private storage, a local folder or an object store. Rows keep their names; each
file is copied, then the old one removed, so a migration stopped half-way is run again
safely. Installs without that folder (new ones, test databases) do nothing."""

import os
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.db import migrations

OLD_FOLDER = "article_attachments"
NEW_FOLDER = "articles/"


def move_files(apps, schema_editor):
    from kb.storage import private_storage

    folder = Path(settings.KB_DATA_DIR) / OLD_FOLDER
    if not folder.is_dir():
        return
    target = private_storage()
    for entry in os.scandir(folder):
        if not entry.is_file():
            continue
        name = f"{NEW_FOLDER}{entry.name}"
        if not target.exists(name):
            with open(entry.path, "rb") as source:
                saved = target.save(name, File(source))
            if saved != name:  # never: names are random and checked just above
                target.delete(saved)
                continue
        os.unlink(entry.path)
    try:
        folder.rmdir()
    except OSError:
        pass  # something else lives there: left alone


class Migration(migrations.Migration):
    dependencies = [("api", "0003_article_attachment_external_id")]

    operations = [migrations.RunPython(move_files, migrations.RunPython.noop, elidable=True)]

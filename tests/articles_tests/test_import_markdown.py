"""manage.py import_markdown DIR: a folder of Markdown files becomes categories, sections
and articles; images and links are rewritten; re-runs update only what changed; bad files
are reported and skipped, and nothing outside the folder is read."""

import io
import os
import struct
import zlib

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from articles import services
from articles.models import Article, Category, Section


def png(red=255, green=0, blue=0, size=2) -> bytes:
    """A real PNG of ``size`` x ``size`` pixels of one colour, written byte by byte."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + bytes((red, green, blue)) * size for _ in range(size))
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def write(root, relative, content):
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def run_import(root, *args):
    """Run the command; returns (stdout, stderr, failed) where failed says it exited non-zero."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_markdown", str(root), *args, stdout=out, stderr=err)
    except CommandError as exc:
        err.write(f"CommandError: {exc}\n")
        return out.getvalue(), err.getvalue(), True
    return out.getvalue(), err.getvalue(), False


def uploads():
    folder = settings.MEDIA_ROOT / settings.MARKDOWNX_MEDIA_PATH
    return sorted(os.listdir(folder)) if folder.exists() else []


@pytest.fixture
def docs(tmp_path):
    """A small docs folder, as a team keeps it in its repository."""
    root = tmp_path / "docs"
    write(root, "01-getting-started/_index.md", "---\ntitle: Getting started\n---\nFirst steps with Acme.\n")
    write(root, "01-getting-started/install/img/screen.png", png())
    write(root, "01-getting-started/install/02-setup.md", (
        "---\nlabels: [setup, Install]\npromoted: true\n---\n"
        "# Setting up Acme\n\n"
        "Run the installer.\n\n![The installer](img/screen.png \"Installer\")\n\n"
        "Then read about [paying](../../billing/invoices.md#paying-by-card), "
        "not `[this](../../billing/invoices.md)`.\n\n"
        "```\n![an example](img/screen.png)\n```\n"
    ))  # fmt: skip
    write(root, "01-getting-started/install/uninstall.md", (
        "---\ntitle: Removing Acme\ndraft: true\n---\n"
        "Delete the folder. <img src=\"img/screen.png\" alt=\"same image\">\n"
    ))  # fmt: skip
    write(root, "billing/_index.md", "---\ntitle: Billing and invoices\ndescription: Paying for Acme.\nposition: 4\n---\n")
    write(root, "billing/invoices.md", (
        "# Invoices\n\nEvery month.\n\n## Paying by card\n\nPay them; see [setup](../01-getting-started/install/02-setup.md).\n"
    ))  # fmt: skip
    write(root, "README.md", "---\nsection: Billing and invoices\ntags: readme\n---\nHow this help center is kept.\n")
    write(root, ".git/HEAD", "ref: refs/heads/main\n")
    return root


def test_folders_become_categories_and_sections_and_files_articles(docs, agent, client):
    out, err, failed = run_import(docs)

    assert not failed, err
    assert "created 4, updated 0, unchanged 0, skipped 0" in out
    category = Category.objects.get(name="Getting started")
    assert (category.description, category.position) == ("First steps with Acme.", 1)
    install = Section.objects.get(name="Install")
    assert install.category == category
    billing = Section.objects.get(name="Billing and invoices")
    assert billing.category.name == "Imported"  # a top-level folder is a section
    assert (billing.description, billing.position) == ("Paying for Acme.", 4)

    setup = Article.objects.get(external_id="md:01-getting-started/install/02-setup.md")
    # The leading "# heading" is the title, not repeated in the body; "02-" is the position.
    assert (setup.title, setup.position, setup.promoted, setup.draft) == ("Setting up Acme", 2, True, False)
    assert "Setting up Acme" not in setup.body
    assert sorted(setup.labels.values_list("slug", flat=True)) == ["install", "setup"]
    assert setup.section == install and setup.author == agent
    uninstall = Article.objects.get(external_id="md:01-getting-started/install/uninstall.md")
    assert (uninstall.title, uninstall.draft) == ("Removing Acme", True)
    readme = Article.objects.get(external_id="md:README.md")
    assert readme.section == billing and readme.title == "README"
    assert list(readme.labels.values_list("name", flat=True)) == ["readme"]

    for url in (setup.get_absolute_url(), install.get_absolute_url(), category.get_absolute_url(),
                billing.get_absolute_url()):
        response = client.get(url)
        assert response.status_code == 200, url
    page = client.get(setup.get_absolute_url()).content.decode()
    assert "Setting up Acme" in page and "Run the installer." in page


def test_relative_images_are_uploaded_once_and_shown(docs, agent, client):
    run_import(docs)

    [stored] = uploads()  # one file for the image both articles use
    url = f"{settings.MEDIA_URL}{settings.MARKDOWNX_MEDIA_PATH}{stored}"
    setup = Article.objects.get(external_id="md:01-getting-started/install/02-setup.md")
    assert f'![The installer]({url} "Installer")' in setup.body
    assert f'<img alt="The installer" src="{url}" title="Installer">' in setup.body_html
    # An image inside a code block is an example, left as written.
    assert "![an example](img/screen.png)" in setup.body
    uninstall = Article.objects.get(external_id="md:01-getting-started/install/uninstall.md")
    assert f'src="{url}"' in uninstall.body_html
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


def test_links_between_files_point_to_the_articles_and_their_headings(docs, agent, client):
    run_import(docs)

    setup = Article.objects.get(external_id="md:01-getting-started/install/02-setup.md")
    invoices = Article.objects.get(external_id="md:billing/invoices.md")
    # setup.md links forward to invoices.md, imported after it: rewritten all the same.
    assert f"[paying]({invoices.get_absolute_url()}#h-paying-by-card)" in setup.body
    assert f"[setup]({setup.get_absolute_url()})" in invoices.body
    assert "`[this](../../billing/invoices.md)`" in setup.body  # code is left as written
    page = client.get(invoices.get_absolute_url()).content.decode()
    assert 'id="h-paying-by-card"' in page


def test_a_second_run_changes_nothing_and_a_changed_file_updates_its_article_only(docs, agent):
    run_import(docs)
    before = {a.external_id: (a.pk, a.updated_at) for a in Article.objects.all()}

    out, err, failed = run_import(docs)

    assert not failed, err
    assert "created 0, updated 0, unchanged 4, skipped 0" in out
    assert {a.external_id: (a.pk, a.updated_at) for a in Article.objects.all()} == before
    assert len(uploads()) == 1

    write(docs, "billing/invoices.md", "# Invoices\n\nEvery month, by e-mail.\n")
    out, err, failed = run_import(docs)

    assert "created 0, updated 1, unchanged 3, skipped 0" in out
    after = {a.external_id: (a.pk, a.updated_at) for a in Article.objects.all()}
    assert after.pop("md:billing/invoices.md")[0] == before.pop("md:billing/invoices.md")[0]
    assert after == before
    assert "by e-mail" in Article.objects.get(external_id="md:billing/invoices.md").body
    assert Article.objects.count() == 4 and Section.objects.count() == 2


def test_a_dry_run_reports_what_would_change_and_saves_nothing(docs, agent):
    out, err, failed = run_import(docs, "--dry-run")

    assert not failed, err
    assert "Dry run, nothing saved: created 4, updated 0, unchanged 0, skipped 0" in out
    assert not Article.objects.exists() and not Section.objects.exists() and not Category.objects.exists()
    assert uploads() == []


def test_an_article_whose_file_is_gone_is_reported_and_kept_unless_asked(docs, agent):
    run_import(docs)
    (docs / "README.md").unlink()

    out, err, failed = run_import(docs)

    assert not failed
    assert "md:README.md: missing: README: no file any more; kept as it is." in err
    assert "1 earlier article(s) no longer in the folder" in out
    assert not Article.objects.get(external_id="md:README.md").draft

    out, err, _ = run_import(docs, "--unpublish-missing")

    assert "(1 unpublished)" in out
    assert Article.objects.get(external_id="md:README.md").draft


def test_an_id_in_front_matter_keeps_the_article_when_its_file_moves(tmp_path, agent):
    root = tmp_path / "docs"
    write(root, "faq/refunds.md", "---\nid: refunds\n---\n# Refunds\n\nWithin 30 days.\n")
    run_import(root)
    article = Article.objects.get()
    (root / "faq/refunds.md").rename(write(root, "billing/x.md", "").parent / "refunds.md")
    (root / "billing/x.md").unlink()

    out, err, failed = run_import(root)

    assert not failed and "missing" not in err
    assert "updated 1" in out
    moved = Article.objects.get()
    assert (moved.pk, moved.external_id, moved.section.name) == (article.pk, "md:#refunds", "Billing")


def test_bad_files_are_reported_with_reasons_and_the_others_imported(tmp_path, agent):
    root = tmp_path / "docs"
    write(root, "faq/good.md", "# Good\n\nFine.\n")
    write(root, "faq/bad-yaml.md", "---\ntitle: [unclosed\n---\nText.\n")
    write(root, "faq/bad-draft.md", "---\ndraft: maybe\n---\nText.\n")
    write(root, "faq/latin1.md", "Caf\xe9".encode("latin-1"))
    write(root, "faq/nobody.md", "---\nauthor: ghost\n---\nText.\n")
    write(root, "faq/empty.md", "---\ntitle: Nothing\n---\n")
    write(root, "faq/brackets.md", "# Brackets\n\n" + "[" * 50 + "\n")
    write(root, "top.md", "No section for me.\n")
    write(root, "faq/deep.md", "---\ntitle: " + "[" * 5000 + "\n---\nText.\n")
    write(root, "broken/_index.md", "---\nposition: -1\n---\n")
    write(root, "broken/child.md", "Text.\n")

    out, err, failed = run_import(root)

    assert failed
    assert "created 1, updated 0, unchanged 0, skipped 9" in out
    assert list(Article.objects.values_list("title", flat=True)) == ["Good"]
    lines = set(err.splitlines())
    assert "faq/bad-draft.md: skipped: \"draft\" must be true or false." in lines
    assert any(line.startswith("faq/bad-yaml.md: skipped: front matter is not valid YAML at line") for line in lines)
    assert "faq/latin1.md: skipped: not UTF-8 text (byte 4)." in lines
    assert 'faq/nobody.md: skipped: no user named "ghost".' in lines
    assert "faq/empty.md: skipped: the article has no text." in lines
    assert any(line.startswith("faq/brackets.md: skipped: body: This text has too many brackets") for line in lines)
    assert 'top.md: skipped: a file at the top of the folder needs a "section" in its front matter.' in lines
    assert "faq/deep.md: skipped: front matter is nested too deeply." in lines
    assert 'broken/child.md: skipped: broken/_index.md: "position" must be a whole number, 0 or more.' in lines
    assert "CommandError: 9 file(s) skipped; the other files were imported." in lines


def test_a_file_broken_after_its_import_keeps_its_article(tmp_path, agent):
    root = tmp_path / "docs"
    write(root, "faq/refunds.md", "# Refunds\n\nWithin 30 days.\n")
    run_import(root)
    write(root, "faq/refunds.md", "---\ndraft: [\n---\nBroken.\n")

    _, err, failed = run_import(root, "--unpublish-missing")

    assert failed and "faq/refunds.md: skipped" in err and "missing" not in err
    article = Article.objects.get()
    assert (article.title, article.draft, "Within 30 days." in article.body) == ("Refunds", False, True)


def test_nothing_outside_the_folder_is_read(tmp_path, agent):
    root = tmp_path / "docs"
    write(tmp_path, "secret.png", png(0, 0, 255))
    write(tmp_path, "secret.md", "# Secret\n\nPrivate.\n")
    write(root, "faq/escape.md", "# Escape\n\n![x](../../secret.png) ![y](/../secret.png) [s](../../secret.md)\n")
    os.symlink(tmp_path / "secret.md", root / "faq/linked.md")
    os.symlink(tmp_path, root / "outside")
    write(root, "faq/via-link.md", "# Via link\n\n![z](img.png)\n")
    os.symlink(tmp_path / "secret.png", root / "faq/img.png")

    _, err, failed = run_import(root)

    assert not failed, err
    assert sorted(Article.objects.values_list("title", flat=True)) == ["Escape", "Via link"]
    assert uploads() == []
    assert "faq/escape.md: warning: ../../secret.png is outside the folder; refused." in err
    assert "faq/escape.md: warning: /../secret.png is outside the folder; refused." in err
    assert "faq/escape.md: warning: ../../secret.md is outside the folder; refused." in err
    assert "faq/linked.md: warning: a symbolic link; not followed." in err
    assert "outside: warning: a symbolic link to a folder; not followed." in err
    assert "faq/via-link.md: warning: img.png is outside the folder; refused." in err
    assert "Private" not in "".join(Article.objects.values_list("body", flat=True))


def test_files_that_are_not_images_are_not_uploaded(tmp_path, agent, settings):
    settings.MARKDOWNX_UPLOAD_MAX_SIZE = len(png(size=2)) + 1
    root = tmp_path / "docs"
    write(root, "faq/img/fake.png", "<svg onload=alert(1)>")
    write(root, "faq/img/big.png", png(size=100))
    write(root, "faq/pics.md", "# Pictures\n\n![fake](img/fake.png) ![big](img/big.png) ![none](img/none.png)"
                               " ![remote](https://tracker.example/pixel.png)\n")

    _, err, failed = run_import(root)

    assert not failed, err
    assert uploads() == []
    assert "faq/pics.md: warning: image img/fake.png not imported: not an image." in err
    limit = settings.MARKDOWNX_UPLOAD_MAX_SIZE
    assert f"faq/pics.md: warning: image img/big.png not imported: larger than {limit} bytes." in err
    assert "faq/pics.md: warning: image img/none.png: no such file." in err
    assert "image https://tracker.example/pixel.png is not shown" in err
    html = Article.objects.get().body_html
    assert "<img" not in html and "fake" in html


def test_front_matter_places_an_article_in_an_existing_section(tmp_path, agent, make_section):
    existing = make_section("Accounts")
    root = tmp_path / "docs"
    write(root, "notes/password.md", f"---\nsection: accounts\nposition: 7\nauthor: {agent.email}\n---\nReset it.\n")

    _, err, failed = run_import(root)

    assert not failed, err
    article = Article.objects.get()
    assert (article.section, article.position, article.title, article.author) == (existing, 7, "Password", agent)
    assert not Section.objects.filter(name="Notes").exists()


def test_a_folder_that_is_not_one_or_has_no_markdown_is_an_error(tmp_path, agent, make_article):
    make_article()
    _, err, failed = run_import(tmp_path / "nope")
    assert failed and "is not a folder" in err

    (tmp_path / "empty").mkdir()
    _, err, failed = run_import(tmp_path / "empty", "--unpublish-missing")
    assert failed and "No Markdown files" in err


@pytest.mark.django_db(transaction=True)  # the index is updated when the import commits
def test_imported_articles_are_found_by_search(docs, whoosh_index, make_user, client):
    make_user("writer", agent=True)

    _, err, failed = run_import(docs)

    assert not failed, err
    response = client.get(reverse("search:search"), {"q": "installer"})
    setup = Article.objects.get(external_id="md:01-getting-started/install/02-setup.md")
    assert setup.get_absolute_url() in response.content.decode()


def test_image_import_store_names_files_by_content(db):
    first = services.image_import_store(data=png())
    again = services.image_import_store(data=png())
    other = services.image_import_store(data=png(0, 255, 0))
    dry = services.image_import_store(data=png(0, 0, 255), save=False)

    assert first == again != other
    assert len(uploads()) == 2 and dry.endswith(".png") and dry.rsplit("/", 1)[1] not in uploads()

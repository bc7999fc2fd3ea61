"""manage.py import_zendesk --from-dir: a Zendesk Guide export comes in whole, keeps its
ids, people, dates, flags, labels, votes, comment order and images, and a second run
updates instead of duplicating."""

import io
from datetime import UTC, datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from articles.models import Article, Category, Comment, ItemVote, Post, Section, Topic, Vote
from kb.permissions import is_agent

from . import zendesk_data


def run(*args):
    """(stdout, stderr, failed) of one run of the command."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_zendesk", *args, stdout=out, stderr=err)
    except CommandError as exc:
        return out.getvalue(), err.getvalue() + f"CommandError: {exc}", True
    return out.getvalue(), err.getvalue(), False


def files_without_hostile_article():
    files = zendesk_data.help_center()
    files["articles-2.json"]["articles"][0]["body"] = (
        '<p>Use an app.</p><p>Back to <a href="/hc/en-us/articles/115001">resetting</a>.</p>')
    return files


@pytest.fixture
def export_dir(tmp_path):
    return zendesk_data.write(tmp_path / "zendesk", files_without_hostile_article())


def test_import_keeps_structure_ids_flags_labels_and_dates(db, export_dir):
    out, err, failed = run("--from-dir", str(export_dir))
    assert not failed, err
    assert "articles: 3 created, 0 updated" in out
    assert list(Category.objects.order_by("position").values_list("external_id", "name")) == [
        ("360001", "Getting started"), ("360002", "Billing")]
    assert Section.objects.get(external_id="360102").category.external_id == "360002"
    first = Article.objects.get(external_id="115001")
    assert (first.title, first.draft, first.promoted, first.position) == ("Reset your password", False, True, 2)
    assert sorted(first.labels.values_list("name", flat=True)) == ["password", "sign-in"]
    assert first.created_at == datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert first.updated_at == datetime(2021, 6, 7, 8, 9, 10, tzinfo=UTC)
    assert Article.objects.get(external_id="115002").draft
    assert Section.objects.get(external_id="360101").published_count == 2


def test_authors_are_matched_by_email_or_created_without_a_password(db, export_dir, make_user):
    casey = make_user("casey")
    casey.email = "casey@acme.example"
    casey.save()
    run("--from-dir", str(export_dir))
    alex = Article.objects.get(external_id="115001").author
    assert alex.email == "alex@acme.example" and is_agent(alex) and not alex.has_usable_password()
    assert Comment.objects.get(external_id="5001").author == casey  # same address, other case
    robin = get_user_model().objects.get(email="robin@acme.example")
    assert not is_agent(robin) and not robin.has_usable_password()


def test_comments_keep_their_order_votes_and_official_answers(db, export_dir):
    run("--from-dir", str(export_dir))
    first = Article.objects.get(external_id="115001")
    assert [c.external_id for c in first.comments.all()] == ["5001", "5002"]
    assert first.comment_total == 2
    # A customer's HTML becomes Markdown text, shown formatted but never as markup.
    assert Comment.objects.get(external_id="5001").body == "First! It **worked**."
    assert "<strong>worked</strong>" in Comment.objects.get(external_id="5001").body_html
    assert sorted(Vote.objects.filter(article=first).values_list("helpful", flat=True)) == [False, True, True]
    answer = Comment.objects.get(external_id="7001")
    assert answer.is_official and answer.post.external_id == "6001"


def test_votes_on_posts_and_comments_come_in_with_their_totals_and_dates(db, export_dir):
    run("--from-dir", str(export_dir))
    post = Post.objects.get(external_id="6001")
    answer, first = Comment.objects.get(external_id="7001"), Comment.objects.get(external_id="5001")
    assert sorted(ItemVote.objects.filter(post=post).values_list("user__email", "value")) == [
        ("alex@acme.example", -1), ("robin@acme.example", 1)]
    assert (post.vote_sum, post.vote_count) == (0, 2)
    assert (answer.vote_sum, answer.vote_count, first.vote_sum, first.vote_count) == (1, 1, 1, 1)
    assert ItemVote.objects.get(comment=first).created_at == datetime(2021, 2, 2, tzinfo=UTC)
    run("--from-dir", str(export_dir))  # again: the same votes, not twice
    post.refresh_from_db()
    assert (ItemVote.objects.count(), post.vote_count) == (4, 2)


def test_a_post_counting_votes_without_its_votes_file_is_reported(db, tmp_path):
    files = files_without_hostile_article()
    del files["community/posts/6001/votes.json"]
    out, _, _ = run("--from-dir", str(zendesk_data.write(tmp_path / "z", files)))
    assert "post 6001: 2 vote(s) not imported: no community/posts/6001/votes.json" in out
    assert not ItemVote.objects.filter(post__isnull=False).exists()


def test_community_posts_keep_text_not_markup(db, export_dir):
    out, _, _ = run("--from-dir", str(export_dir))
    post = Post.objects.get(external_id="6001")
    assert post.topic == Topic.objects.get(external_id="4001")
    assert "modal" not in post.body_html and "<strong>dark mode</strong>" in post.body_html
    assert post.created_at == datetime(2022, 1, 1, tzinfo=UTC)
    assert 'post 6001: kb posts have no pinned, status "planned".' in out


def test_images_are_copied_into_uploads_and_links_between_articles_rewritten(db, export_dir, settings):
    run("--from-dir", str(export_dir))
    first = Article.objects.get(external_id="115001")
    third = Article.objects.get(external_id="115003")
    assert f'href="{third.get_absolute_url()}"' in first.body_html
    assert f'href="{first.get_absolute_url()}"' in third.body_html  # a relative /hc/ link
    assert 'src="/media/uploads/zendesk-777.png"' in first.body_html
    assert (settings.MEDIA_ROOT / "uploads" / "zendesk-777.png").is_file()


def test_a_second_run_updates_and_never_duplicates(db, export_dir, tmp_path):
    run("--from-dir", str(export_dir))
    files = files_without_hostile_article()
    files["articles.json"]["articles"][0]["title"] = "Reset a forgotten password"
    again = zendesk_data.write(tmp_path / "again", files)
    out, err, failed = run("--from-dir", str(again))
    assert not failed, err
    assert "articles: 0 created, 3 updated" in out
    counts = (Category.objects.count(), Section.objects.count(), Article.objects.count(),
              Comment.objects.count(), Vote.objects.count(), Post.objects.count(), get_user_model().objects.count())
    assert counts == (2, 2, 3, 3, 3, 1, 3)
    assert Article.objects.get(external_id="115001").title == "Reset a forgotten password"
    assert Article.objects.get(external_id="115001").comment_total == 2
    assert len(list((tmp_path / "media" / "uploads").iterdir())) == 1


def test_other_languages_and_unkept_notions_are_reported(db, export_dir):
    out, _, failed = run("--from-dir", str(export_dir))
    assert not failed
    assert "article 115001: translations de (kb has one language)." in out


def test_hostile_html_is_imported_sanitised_and_reported_with_a_non_zero_exit(db, tmp_path):
    root = zendesk_data.write(tmp_path / "z", zendesk_data.help_center())
    _out, err, failed = run("--from-dir", str(root))
    assert failed
    assert "article 115003: the body holds <script>, event handler attribute, javascript: link" in err
    article = Article.objects.get(external_id="115003")
    for word in ("<script", "onclick", "javascript:"):
        assert word not in article.body and word not in article.body_html
    assert Article.objects.count() == 3  # everything else is in


def test_a_truncated_file_is_named_and_the_rest_imported(db, tmp_path):
    files = files_without_hostile_article()
    root = zendesk_data.write(tmp_path / "z", files)
    text = (root / "articles-2.json").read_text()
    (root / "articles-2.json").write_text(text[: len(text) // 2])
    _out, err, failed = run("--from-dir", str(root))
    assert failed
    assert "articles-2.json: not valid JSON" in err and "truncated" in err
    assert set(Article.objects.values_list("external_id", flat=True)) == {"115001", "115002"}
    # Fixed and run again: it carries on.
    zendesk_data.write(root, {"articles-2.json": files["articles-2.json"]})
    _out, err, failed = run("--from-dir", str(root))
    assert not failed, err
    assert Article.objects.count() == 3


@pytest.mark.parametrize(("field", "value", "message"), [
    ("draft", "yes", 'article 115002: "draft" must be true or false, not a string.'),
    ("section_id", "360101", 'article 115002: "section_id" must be a positive whole number, not a string.'),
    ("title", ["x"], 'article 115002: "title" must be a string, not a list.'),
    ("created_at", "yesterday", 'article 115002: "created_at" must be a date'),
    ("section_id", 2**70, 'article 115002: "section_id" must be a positive whole number'),
    ("section_id", 424242, "article 115002: its section 424242 was not imported."),
    ("body", "x" * 70_000, "article 115002: body: This text is too long (at most 60,000 characters)."),
])
def test_a_field_of_the_wrong_type_fails_that_object_alone(db, tmp_path, field, value, message):
    files = files_without_hostile_article()
    files["articles.json"]["articles"][1][field] = value
    _out, err, failed = run("--from-dir", str(zendesk_data.write(tmp_path / "z", files)))
    assert failed and message in err
    assert set(Article.objects.values_list("external_id", flat=True)) == {"115001", "115003"}


def test_pages_of_the_wrong_shape_are_reported(db, tmp_path):
    files = files_without_hostile_article()
    files["sections.json"] = {"sections": [1, "two"]}
    files["community/topics.json"] = ["not", "a", "page"]
    _out, err, failed = run("--from-dir", str(zendesk_data.write(tmp_path / "z", files)))
    assert failed
    assert 'sections page 1: an entry of "sections" is a number, not an object.' in err
    assert "community/topics.json: expected a JSON object" in err
    assert "article 115001: its section 360101 was not imported." in err


def test_a_folder_without_an_export_is_refused(db, tmp_path):
    _out, err, failed = run("--from-dir", str(tmp_path))
    assert failed and "categories.json: missing" in err
    _out, err, failed = run("--from-dir", str(tmp_path / "nowhere"))
    assert failed and "is not a folder" in err


def test_progress_is_shown_only_on_a_terminal(db, export_dir):
    out, _, _ = run("--from-dir", str(export_dir))
    assert "\r" not in out

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    terminal = Terminal()
    call_command("import_zendesk", "--from-dir", str(export_dir), stdout=terminal, stderr=io.StringIO())
    assert "\rarticles: 3/3\n" in terminal.getvalue()


def test_json_values_survive_as_text(db, tmp_path):
    files = files_without_hostile_article()
    files["articles.json"]["articles"][1]["title"] = "Ünïcödé & <b>tags</b> in a title"
    run("--from-dir", str(zendesk_data.write(tmp_path / "z", files)))
    assert Article.objects.get(external_id="115002").title == "Ünïcödé & <b>tags</b> in a title"

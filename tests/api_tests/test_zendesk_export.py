"""manage.py export_help_center writes Zendesk-shaped pages that import_zendesk reads back:
export, import into an empty site, export again gives the same content."""

import io
import json
import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from api.models import ArticleAttachment
from api.serializers import AttachmentSerializer
from api.services import attachment_create
from articles import services
from articles.models import Article, Category, Comment, Follow, Post, Section, Topic, Vote

from . import zendesk_data

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def help_center(agent, customer):
    """A small help center with what an export must carry: drafts, promoted, labels,
    links between articles, an uploaded image, comments by a customer and an agent, votes,
    and an official answer in the community."""
    category = services.category_create(name="Getting started", description="First steps.", position=1)
    billing = services.category_create(name="Billing", position=2)
    section = services.section_create(category=category, name="Accounts", description="Sign in.")
    services.section_create(category=billing, name="Invoices")
    image = services.image_upload_store(data=zendesk_data.png_bytes())
    reset = services.article_create(
        author=agent, section=section, title="Reset your password", draft=False, promoted=True, position=3,
        body=f"Open **Settings**.\n\n![The form]({image})\n\nSee the [billing FAQ](#later).",
        label_names=["password", "sign-in"],
    )
    faq = services.article_create(author=agent, section=section, title="Billing FAQ", draft=False,
                                  body=f"Back to [resetting]({reset.get_absolute_url()}#h-steps).")
    manual = attachment_create(uploaded_by=agent, article=reset, file_name="manual v2.pdf", data=PDF, inline=False,
                               at=reset.created_at)
    attachment_create(uploaded_by=agent, article=faq, file_name="diagram.png", data=zendesk_data.png_bytes((0, 0, 9)),
                      inline=False, at=faq.created_at)
    attachment_create(uploaded_by=agent, article=None, file_name="loose.txt", data=b"not exported", inline=False,
                      at=faq.created_at)  # never associated: not part of the help center
    services.article_update(article=reset, body=reset.body.replace("#later", faq.get_absolute_url())
                            + f"\n\nThe [manual]({AttachmentSerializer.relative_path(manual)}).", notify=False)
    services.article_create(author=agent, section=section, title="Unfinished", body="<p>Soon</p>")
    thanks = services.comment_create(author=customer, target=reset, body="It *worked*, thanks! <b>not bold</b>")
    services.comment_create(author=agent, target=reset, body="Glad to <em>hear</em> it.")
    services.item_vote_set(user=agent, item=thanks, value=1)
    services.vote_set(user=customer, article=reset, helpful=True)
    services.vote_set(user=agent, article=faq, helpful=False)
    topic = services.topic_create(name="Ideas", description="Tell us.")
    post = services.post_create(author=customer, topic=topic, title="Dark mode", body="Please, **soon**.")
    answer = services.comment_create(author=agent, target=post, body="It is planned.")
    services.comment_set_official(comment=answer, by=agent, official=True)
    services.item_vote_set(user=agent, item=post, value=1)
    services.item_vote_set(user=customer, item=post, value=-1)
    services.item_vote_set(user=customer, item=answer, value=-1)


def export(path: Path) -> Path:
    call_command("export_help_center", str(path), stdout=io.StringIO())
    return path


def content(root: Path) -> dict:
    """The export's content, every id (which another site must give anew) replaced by its
    object's place in the export, and the users' join dates (new accounts) left out."""
    files = {str(p.relative_to(root)): p for p in root.rglob("*") if p.is_file()}
    data = {name: json.loads(p.read_text()) for name, p in files.items() if name.endswith(".json")}
    places: dict[tuple[str, int], int] = {}
    for name, key in (("categories.json", "categories"), ("sections.json", "sections"),
                      ("articles.json", "articles"), ("community/topics.json", "topics"),
                      ("community/posts.json", "posts"), ("users.json", "users")):
        for place, row in enumerate(data[name][key]):
            places[(key, row["id"])] = place
    text = json.dumps(data, sort_keys=True)
    # Ids in URLs and paths, then in fields.
    text = re.sub(r"(articles|sections|categories|posts|topics|comments|users|votes|subscriptions)/([0-9]+)",
                  lambda m: f"{m.group(1)}/#{places.get((m.group(1), int(m.group(2))), 'x')}", text)
    text = re.sub(r"(articles|sections|posts)/([0-9]+)-[^/\"]*/", r"\1/ID-SLUG/", text)
    text = re.sub(r'"(id|[a-z_]+_id|source_id|item_id)": [0-9]+', r'"\1": "ID"', text)
    text = re.sub(r"comments/[0-9]+", "comments/ID", text)
    normal = json.loads(text)
    for user in normal["users.json"]["users"]:
        user.pop("created_at"), user.pop("updated_at")
    # Per-object files are named by id: keyed by their object's place instead.
    renamed = {}
    for name, value in normal.items():
        renamed[re.sub(r"/#?[0-9]+/", "/N/", name) if "/" in name else name] = value
    images = sorted((name.rsplit("/", 1)[1], p.read_bytes()) for name, p in files.items()
                    if name.startswith("article_attachments/"))
    return {"json": normal, "keys": sorted(renamed), "images": images}


def empty_the_site():
    for model in (ArticleAttachment, Comment, Vote, Follow, Article, Section, Category, Post, Topic):
        model.objects.all().delete()
    get_user_model().objects.all().delete()


def test_round_trip_keeps_the_content(db, help_center, tmp_path):
    first = export(tmp_path / "one")
    # Ids come from the database's sequences: not 1 on PostgreSQL after other tests.
    commented = Comment.objects.filter(article__isnull=False).values_list("article_id", flat=True).first()
    assert (first / f"articles/{commented}/comments.json").is_file()
    assert list(first.glob("article_attachments/*/image.png"))
    assert list(first.glob("community/posts/*/comments/*/votes.json"))
    empty_the_site()
    out, err = io.StringIO(), io.StringIO()
    call_command("import_zendesk", "--from-dir", str(first), stdout=out, stderr=err)
    assert "articles: 3 created" in out.getvalue() and "attachments: 2 created" in out.getvalue()
    second = export(tmp_path / "two")
    _print_differences(content(first), content(second))
    assert content(second) == content(first)


def test_export_is_zendesk_shaped(db, help_center, tmp_path):
    root = export(tmp_path / "out")
    articles = json.loads((root / "articles.json").read_text())
    assert articles["next_page"] is None and articles["count"] == 3
    reset = next(a for a in articles["articles"] if a["title"] == "Reset your password")
    assert (reset["promoted"], reset["position"], reset["vote_sum"], reset["vote_count"]) == (True, 3, 1, 1)
    assert reset["label_names"] == ["password", "sign-in"]
    faq = next(a for a in articles["articles"] if a["title"] == "Billing FAQ")
    assert f'href="http://127.0.0.1:8000/hc/en-us/articles/{faq["id"]}"' in reset["body"]
    assert 'src="http://127.0.0.1:8000/hc/article_attachments/1/image.png"' in reset["body"]
    # An article's attachments: listed, their files beside the images, links to them rewritten.
    assert 'href="http://127.0.0.1:8000/hc/article_attachments/2/manual%20v2.pdf"' in reset["body"]
    assert (root / "article_attachments/2/manual v2.pdf").read_bytes() == PDF
    listed = json.loads((root / f"articles/{reset['id']}/attachments.json").read_text())["article_attachments"]
    assert [(a["id"], a["file_name"], a["content_type"], a["content_url"]) for a in listed] == [
        (2, "manual v2.pdf", "application/pdf", "http://127.0.0.1:8000/hc/article_attachments/2/manual%20v2.pdf")]
    listed = json.loads((root / f"articles/{faq['id']}/attachments.json").read_text())["article_attachments"]
    assert [(a["id"], a["file_name"], a["content_type"]) for a in listed] == [(3, "diagram.png", "image/png")]
    assert not list(root.rglob("loose.txt"))
    comments = json.loads((root / f"articles/{reset['id']}/comments.json").read_text())["comments"]
    assert [c["official"] for c in comments] == [False, False]
    posts = json.loads((root / "community/posts.json").read_text())["posts"]
    answer = json.loads((root / f"community/posts/{posts[0]['id']}/comments.json").read_text())["comments"]
    assert answer[0]["official"] is True and (answer[0]["vote_sum"], answer[0]["vote_count"]) == (-1, 1)
    assert (posts[0]["vote_sum"], posts[0]["vote_count"]) == (0, 2)
    votes = json.loads((root / f"community/posts/{posts[0]['id']}/votes.json").read_text())["votes"]
    assert [(v["value"], v["item_type"]) for v in votes] == [(1, "Post"), (-1, "Post")]
    comment_votes = json.loads((root / f"articles/{reset['id']}/comments/{comments[0]['id']}/votes.json").read_text())
    assert [(v["value"], v["item_id"]) for v in comment_votes["votes"]] == [(1, comments[0]["id"])]
    users = json.loads((root / "users.json").read_text())["users"]
    assert {u["email"]: u["role"] for u in users} == {"agent_alex@example.com": "agent",
                                                      "customer_casey@example.com": "end-user"}


def test_export_pages_long_lists(db, agent, tmp_path, monkeypatch):
    from api.zendesk import exporter
    monkeypatch.setattr(exporter, "PER_PAGE", 2)
    category = services.category_create(name="C")
    section = services.section_create(category=category, name="S")
    for n in range(5):
        services.article_create(author=agent, section=section, title=f"A{n}", body="x", draft=False)
    root = export(tmp_path / "out")
    assert [len(json.loads((root / name).read_text())["articles"])
            for name in ("articles.json", "articles-2.json", "articles-3.json")] == [2, 2, 1]
    assert not (root / "articles-4.json").exists()
    empty_the_site()
    call_command("import_zendesk", "--from-dir", str(root), stdout=io.StringIO(), stderr=io.StringIO())
    assert Article.objects.count() == 5


def _print_differences(a, b, path=""):
    """Where two exports differ (printed, so a failing round trip says where)."""
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            _print_differences(a.get(k), b.get(k), f"{path}/{k}")
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _print_differences(x, y, f"{path}[{i}]")
    elif a != b:
        print(path, repr(a)[:300], "!=", repr(b)[:300])

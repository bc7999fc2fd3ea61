"""A small Zendesk Guide help center as its API answers, shaped after Zendesk's recorded
responses (zenpy's specification/help_centre/*.json): two pages of articles, comments,
votes, an image attachment, a community with an official answer."""

import io
import json
from pathlib import Path

from PIL import Image

HOST = "acme.zendesk.com"
BASE = f"https://{HOST}"


def png_bytes(color=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 3), color).save(out, format="PNG")
    return out.getvalue()


def _list_page(key, items, *, page=1, page_count=1, resource=None, **extra):
    url = f"{BASE}/api/v2/help_center/{resource or key}.json"
    return {
        key: items,
        "page": page,
        "previous_page": f"{url}?page={page - 1}&per_page=2" if page > 1 else None,
        "next_page": f"{url}?page={page + 1}&per_page=2" if page < page_count else None,
        "per_page": 2,
        "page_count": page_count,
        "count": None,
        "sort_by": "position",
        "sort_order": "asc",
        **extra,
    }


def category(zid=360001, name="Getting started", position=0):
    return {
        "id": zid, "url": f"{BASE}/api/v2/help_center/en-us/categories/{zid}.json",
        "html_url": f"{BASE}/hc/en-us/categories/{zid}-{name.replace(' ', '-')}",
        "position": position, "created_at": "2019-03-01T10:00:00Z", "updated_at": "2019-03-01T10:00:00Z",
        "name": name, "description": "First things first.", "locale": "en-us", "source_locale": "en-us",
        "outdated": False,
    }


def section(zid=360101, category_id=360001, name="Accounts", position=0):
    return {
        "id": zid, "url": f"{BASE}/api/v2/help_center/en-us/sections/{zid}.json",
        "html_url": f"{BASE}/hc/en-us/sections/{zid}-{name}", "category_id": category_id,
        "position": position, "sorting": "manual", "created_at": "2019-03-01T10:00:00Z",
        "updated_at": "2019-03-01T10:00:00Z", "name": name, "description": "", "locale": "en-us",
        "source_locale": "en-us", "outdated": False, "parent_section_id": None,
        "theme_template": "section_page", "manageable_by": "managers", "user_segment_id": None,
    }


def article(zid, title, body, *, section_id=360101, author_id=9001, **fields):
    return {
        "id": zid, "url": f"{BASE}/api/v2/help_center/en-us/articles/{zid}.json",
        "html_url": f"{BASE}/hc/en-us/articles/{zid}-{title.replace(' ', '-')}",
        "author_id": author_id, "comments_disabled": False, "content_tag_ids": [], "draft": False,
        "promoted": False, "position": 0, "vote_sum": 0, "vote_count": 0, "section_id": section_id,
        "created_at": "2020-01-02T03:04:05Z", "updated_at": "2021-06-07T08:09:10Z",
        "edited_at": "2021-06-07T08:09:10Z", "name": title, "title": title, "body": body,
        "source_locale": "en-us", "locale": "en-us", "outdated": False, "outdated_locales": [],
        "permission_group_id": 33152086795411, "user_segment_id": None, "user_segment_ids": [],
        "label_names": [], **fields,
    }


def user(zid, name, email, role="end-user"):
    return {"id": zid, "url": f"{BASE}/api/v2/users/{zid}.json", "name": name, "email": email,
            "role": role, "active": True, "locale": "en-US", "created_at": "2018-01-01T00:00:00Z"}


def comment(zid, source_id, body, *, author_id, created_at, source_type="Article", **fields):
    return {
        "id": zid, "url": f"{BASE}/api/v2/help_center/en-us/articles/{source_id}/comments/{zid}.json",
        "body": body, "author_id": author_id, "source_id": source_id, "source_type": source_type,
        "html_url": f"{BASE}/hc/en-us/articles/{source_id}/comments/{zid}", "locale": "en-us",
        "created_at": created_at, "updated_at": created_at, "vote_sum": 0, "vote_count": 0, **fields,
    }


def help_center() -> dict[str, object]:
    """Relative file name -> JSON value (bytes for attachment files)."""
    first = article(
        115001, "Reset your password",
        '<p>Open <strong>Settings</strong>, then see <a href="https://acme.zendesk.com/hc/en-us/articles/'
        '115003-Two-step-sign-in" target="_blank">two-step sign-in</a>.</p>\n'
        '<p><img src="https://acme.zendesk.com/hc/article_attachments/777/reset.png" alt="The reset form"></p>',
        label_names=["password", "sign-in"], promoted=True, position=2, vote_sum=1, vote_count=3,
    )
    second = article(115002, "Draft about billing", "<p>Not ready.</p>", draft=True, author_id=9001)
    third = article(
        115003, "Two step sign in",
        '<p>Use an app.</p><script>alert("x")</script><p onclick="steal()">Tap '
        '<a href="javascript:alert(1)">here</a>.</p>',
        created_at="2019-05-05T05:05:05Z", updated_at="2019-05-06T05:05:05Z",
    )
    return {
        "categories.json": _list_page("categories", [category(), category(360002, "Billing", 1)]),
        "sections.json": _list_page("sections", [section(), section(360102, 360002, "Invoices", 1)]),
        "articles.json": _list_page("articles", [first, second], page_count=2,
                                    users=[user(9001, "Alex Agent", "alex@acme.example", "agent")]),
        "articles-2.json": _list_page("articles", [third], page=2, page_count=2),
        "users.json": {"users": [
            user(9001, "Alex Agent", "alex@acme.example", "agent"),
            user(9002, "Casey Customer", "Casey@Acme.example"),
            user(9003, "Robin Reader", "robin@acme.example"),
        ], "next_page": None},
        "articles/115001/comments.json": _list_page("comments", [
            comment(5002, 115001, "<p>Second, thanks <em>a lot</em>!</p>", author_id=9003,
                    created_at="2021-01-02T00:00:00Z"),
            comment(5001, 115001, "<p>First! It <b>worked</b>.</p>", author_id=9002,
                    created_at="2021-01-01T00:00:00Z", vote_sum=1, vote_count=1),
        ], resource="articles/115001/comments"),
        "articles/115001/votes.json": {"votes": [
            {"id": 1, "user_id": 9002, "value": 1, "item_id": 115001, "item_type": "Article",
             "created_at": "2021-02-01T00:00:00Z", "updated_at": "2021-02-01T00:00:00Z"},
            {"id": 2, "user_id": 9003, "value": 1, "item_id": 115001, "item_type": "Article",
             "created_at": "2021-02-01T00:00:00Z", "updated_at": "2021-02-01T00:00:00Z"},
            {"id": 3, "user_id": 9001, "value": -1, "item_id": 115001, "item_type": "Article",
             "created_at": "2021-02-01T00:00:00Z", "updated_at": "2021-02-01T00:00:00Z"},
        ], "next_page": None},
        "articles/115001/translations.json": {"translations": [
            {"id": 1, "locale": "en-us", "title": "Reset your password"},
            {"id": 2, "locale": "de", "title": "Passwort zurücksetzen"},
        ], "next_page": None},
        "article_attachments/777/reset.png": png_bytes(),
        "community/topics.json": _list_page("topics", [{
            "id": 4001, "url": f"{BASE}/api/v2/community/topics/4001.json",
            "html_url": f"{BASE}/hc/en-us/community/topics/4001-Feature-requests", "name": "Feature requests",
            "description": None, "position": 0, "follower_count": 1, "community_id": 1,
            "created_at": "2019-01-01T00:00:00Z", "updated_at": "2019-01-01T00:00:00Z", "user_segment_id": None,
        }], resource="community/topics"),
        "community/posts.json": _list_page("posts", [{
            "id": 6001, "title": "Dark mode please",
            "details": "<p>Could we have <strong>dark mode</strong>?</p><div class=\"modal d-block\">x</div>",
            "author_id": 9002, "vote_sum": 0, "vote_count": 2, "comment_count": 1, "follower_count": 1,
            "topic_id": 4001, "html_url": f"{BASE}/hc/en-us/community/posts/6001-Dark-mode-please",
            "created_at": "2022-01-01T00:00:00Z", "updated_at": "2022-01-02T00:00:00Z",
            "url": f"{BASE}/api/v2/community/posts/6001.json", "featured": False, "pinned": True,
            "closed": False, "status": "planned",
        }], resource="community/posts"),
        "community/posts/6001/comments.json": _list_page("comments", [
            comment(7001, 6001, "<p>It is <em>planned</em>.</p>", author_id=9001,
                    created_at="2022-01-03T00:00:00Z", source_type="Post", official=True,
                    vote_sum=1, vote_count=1),
        ], resource="community/posts/6001/comments"),
        # Up and down votes on a post and on comments (a post's, an article's).
        "community/posts/6001/votes.json": {"votes": [
            {"id": 11, "user_id": 9003, "value": 1, "item_id": 6001, "item_type": "Post",
             "created_at": "2022-02-01T00:00:00Z", "updated_at": "2022-02-01T00:00:00Z"},
            {"id": 12, "user_id": 9001, "value": -1, "item_id": 6001, "item_type": "Post",
             "created_at": "2022-02-01T00:00:00Z", "updated_at": "2022-02-01T00:00:00Z"},
        ], "next_page": None},
        "community/posts/6001/comments/7001/votes.json": {"votes": [
            {"id": 13, "user_id": 9002, "value": 1, "item_id": 7001, "item_type": "Comment",
             "created_at": "2022-02-01T00:00:00Z", "updated_at": "2022-02-01T00:00:00Z"},
        ], "next_page": None},
        "articles/115001/comments/5001/votes.json": {"votes": [
            {"id": 14, "user_id": 9003, "value": 1, "item_id": 5001, "item_type": "Comment",
             "created_at": "2021-02-02T00:00:00Z", "updated_at": "2021-02-02T00:00:00Z"},
        ], "next_page": None},
    }


def write(root: Path, files: dict[str, object]) -> Path:
    for name, value in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(value, bytes):
            path.write_bytes(value)
        elif isinstance(value, str):
            path.write_text(value, encoding="utf-8")
        else:
            path.write_text(json.dumps(value), encoding="utf-8")
    return root

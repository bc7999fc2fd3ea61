"""Community pages (topics, posts), comments, official answers and following.

Also holds the helpers article pages share: the comment flow (including the draft a
signed-out reader keeps across sign-in), follow boxes and the safe "next" redirect.
Views are shells: they bind a form, call one service or selector, then render or redirect.
"""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from kb import throttle
from kb.permissions import is_agent

from .. import selectors, services
from ..forms import CommentForm, PostForm
from ..models import COMMENT_BODY_MAX_LENGTH, Article, Comment, Post

POSTS_PER_PAGE = 30
FOLLOW_KINDS = ("article", "post", "section")
COMMENT_FORM_ANCHOR = "#comment-form"
# Generous for people, tight enough to stop a script flooding threads and followers' inboxes.
COMMENT_RATE = throttle.Rate(30, timedelta(hours=1))
POST_RATE = throttle.Rate(10, timedelta(hours=1))


# --- Shared helpers -------------------------------------------------------------------


def safe_next(request, default: str) -> str:
    """The POSTed ``next`` when it points at this site, else ``default``."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def sign_in_url(next_url: str) -> str:
    return redirect_to_login(next_url).url


def _kind(target) -> str:
    return "article" if isinstance(target, Article) else "post"


def draft_session_key(target) -> str:
    """Where a signed-out reader's unsent comment waits while they sign in."""
    return f"comment_draft:{_kind(target)}:{target.pk}"


def comment_form_for(request, target) -> CommentForm:
    """An empty comment form, prefilled with the reader's kept draft.

    Once signed in, the draft moves from the session into the form and is forgotten:
    it is in the textarea now, and would otherwise come back after it was posted.
    """
    key = draft_session_key(target)
    if request.user.is_authenticated:
        draft = request.session.pop(key, None)
    else:
        draft = request.session.get(key)
    return CommentForm(initial={"body": draft} if draft else None)


def page_url(base_url: str, number: int) -> str:
    """``base_url`` for page 1 (one canonical URL), ``base_url?page=N`` after it."""
    return base_url if number <= 1 else f"{base_url}?page={number}"


def comment_url(comment, number: int) -> str:
    """The comment's place: its thread's page ``number``, at its anchor."""
    return f"{page_url(comment.target.get_absolute_url(), number)}#comment-{comment.pk}"


# Page links shown around the current one; the first and last are always shown.
PAGE_NAV_WINDOW = 2


def page_nav(page, *, base_url: str, label: str, anchor: str = "") -> dict | None:
    """What includes/pagination.html needs: previous/next and numbered links, or None
    when everything fits on one page."""
    if page.paginator.num_pages <= 1:
        return None
    last, current = page.paginator.num_pages, page.number
    shown = {1, last, *range(current - PAGE_NAV_WINDOW, current + PAGE_NAV_WINDOW + 1)}
    links, previous = [], 0
    for number in sorted(n for n in shown if 1 <= n <= last):
        if number - previous > 1:
            links.append({"gap": True})
        links.append({"number": number, "url": page_url(base_url, number) + anchor,
                      "current": number == current})
        previous = number
    return {
        "label": label,
        "number": current,
        "num_pages": last,
        "previous_url": page_url(base_url, current - 1) + anchor if page.has_previous() else "",
        "next_url": page_url(base_url, current + 1) + anchor if page.has_next() else "",
        "links": links,
    }


COMMENTS_ANCHOR = "#comments"


def comment_thread(request, target, *, viewer_is_agent: bool) -> dict:
    """The comment page the request asks for (``?page=N``), each comment with its flags
    and permalink, and the pagination links; ``target`` carries ``comment_count``."""
    page = selectors.comment_page(target=target, number=request.GET.get("page"))
    base_url = target.get_absolute_url()
    here = page_url(base_url, page.number)
    for comment in page.object_list:
        # Agents may mark official only comments written by agents (services enforce it too).
        comment.can_mark_official = viewer_is_agent and comment.author_is_agent
        comment.permalink = f"{here}#comment-{comment.pk}"
    return {
        "comments": page.object_list,
        "comment_count": target.comment_count,
        "comment_pages": page_nav(page, base_url=base_url, label="Comment pages",
                                  anchor=COMMENTS_ANCHOR),
        # site.js sends a #comment-<id> missing from this page to /comments/<id>/.
        "comment_permalink_prefix": reverse("articles:comment_permalink", kwargs={"pk": 0}).removesuffix("0/"),
    }


def follow_box(kind: str, target, *, next_url: str) -> dict:
    """What the follow button include needs; counts come annotated by the selector."""
    return {
        "kind": kind,
        "pk": target.pk,
        "count": target.follower_count,
        "following": bool(getattr(target, "viewer_following", False)),
        "next": next_url,
        "name": str(target),
    }


def add_service_errors(form, error: ValidationError) -> None:
    """Show a service's ValidationError on the matching form fields."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def rate_limited(request, *, scope: str, rate, what: str):
    """The 429 page when the signed-in user went over ``rate`` for ``scope``, else None."""
    at = timezone.now()
    decision = throttle.hit(
        scope=scope, at=at, limits=[throttle.Limit("user", str(request.user.pk), rate)]
    )
    if decision.limited:
        return throttle.too_many_requests(request, decision, at=at, what=what)
    return None


def handle_comment(request, target, render_page):
    """POST a comment on ``target``; ``render_page(form)`` re-renders on errors.

    Signed-out readers may type a comment: it is kept in their session and they are sent
    to sign in, then back to the comment form where the draft waits for them.
    """
    target_url = target.get_absolute_url()
    if not request.user.is_authenticated:
        body = request.POST.get("body", "")[:COMMENT_BODY_MAX_LENGTH]
        if body.strip():
            request.session[draft_session_key(target)] = body
            messages.info(request, "Sign in to post your comment. We kept what you wrote.")
        return redirect_to_login(target_url + COMMENT_FORM_ANCHOR)

    limited = rate_limited(request, scope="comment", rate=COMMENT_RATE, what="comments")
    if limited:
        return limited
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            comment = services.comment_create(
                author=request.user, target=target, body=form.cleaned_data["body"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Your comment was posted.")
            return redirect(comment_url(comment, selectors.comment_page_number(comment=comment)))
    messages.error(request, "Your comment was not posted. Please correct the errors below.")
    return render_page(form)


# --- Topics and posts -----------------------------------------------------------------


def topic_list(request):
    return render(
        request,
        "articles/topic_list.html",
        {"topics": selectors.topic_list(), "breadcrumbs": [(None, "Community")]},
    )


def topic_detail(request, slug):
    topic = selectors.topic_detail(slug=slug)
    page = Paginator(selectors.topic_posts(topic=topic), POSTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "articles/topic_detail.html",
        {
            "topic": topic,
            "page": page,
            "posts": page.object_list,
            "can_post": request.user.is_authenticated,
            "ask_url": reverse("articles:post_create", kwargs={"slug": topic.slug}),
            "breadcrumbs": [
                (reverse("articles:topics"), "Community"),
                (None, topic.name),
            ],
        },
    )


@login_required
def post_create(request, slug):
    topic = selectors.topic_detail(slug=slug)
    form = PostForm(request.POST or None)
    if request.method == "POST":
        limited = rate_limited(request, scope="post", rate=POST_RATE, what="questions")
        if limited:
            return limited
    if request.method == "POST" and form.is_valid():
        try:
            post = services.post_create(
                author=request.user,
                topic=topic,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Your question was posted. You follow it, so you will hear about answers.")
            return redirect(post)
    return render(
        request,
        "articles/post_form.html",
        {
            "topic": topic,
            "form": form,
            "breadcrumbs": [
                (reverse("articles:topics"), "Community"),
                (topic.get_absolute_url(), topic.name),
                (None, "Ask a question"),
            ],
        },
    )


def post_detail(request, pk, slug):
    return _post_page(request, pk, slug=slug)


def _post_page(request, pk, *, slug=None, comment_form=None):
    viewer_is_agent = is_agent(request.user)
    post = selectors.post_detail(pk=pk, viewer=request.user, with_open_ticket=viewer_is_agent)
    if slug is not None and slug != post.slug:
        return redirect(post, permanent=True)
    post_url = post.get_absolute_url()
    return render(
        request,
        "articles/post_detail.html",
        {
            "post": post,
            **comment_thread(request, post, viewer_is_agent=viewer_is_agent),
            "follow": follow_box("post", post, next_url=post_url),
            "comment_form": comment_form or comment_form_for(request, post),
            "comment_action": reverse("articles:post_comment", kwargs={"pk": post.pk}),
            "can_comment": True,
            "ask_url": reverse("articles:post_create", kwargs={"slug": post.topic.slug}),
            "sign_in_url": sign_in_url(post_url + COMMENT_FORM_ANCHOR),
            "escalation": escalation_box(post) if viewer_is_agent else None,
            "breadcrumbs": [
                (reverse("articles:topics"), "Community"),
                (post.topic.get_absolute_url(), post.topic.name),
                (None, post.title),
            ],
        },
    )


def escalation_box(post) -> dict:
    """Agents' "Escalate to ticket" button, or the link to the ticket already open."""
    reference = getattr(post, "open_ticket_reference", None)
    return {
        "reference": reference,
        "ticket_url": reverse("tickets:agent_ticket", args=[reference]) if reference else "",
        "action": reverse("tickets:post_escalate", kwargs={"pk": post.pk}),
    }


@require_POST
def post_comment(request, pk):
    post = get_object_or_404(Post, pk=pk)
    return handle_comment(
        request, post, lambda form: _post_page(request, post.pk, comment_form=form)
    )


@require_POST
def comment_official(request, pk):
    """An agent marks (or unmarks) an agent's comment as the official answer."""
    comment = get_object_or_404(Comment.objects.select_related("article", "post"), pk=pk)
    if comment.article_id and comment.article.draft and not is_agent(request.user):
        raise Http404("No such comment.")
    if not request.user.is_authenticated:
        return redirect_to_login(comment.target.get_absolute_url())
    official = request.POST.get("official", "on") != "off"
    # Raises PermissionDenied (403) for non-agents and for comments not written by agents.
    services.comment_set_official(comment=comment, by=request.user, official=official)
    messages.success(
        request, "Marked as the official answer." if official else "No longer the official answer."
    )
    return redirect(comment_url(comment, selectors.comment_page_number(comment=comment)))


def comment_permalink(request, pk):
    """``/comments/<id>/``: the page of its thread the comment is on now, at its anchor.

    A comment changes page when it is marked official (page 1) or when earlier comments go,
    so emails and shared links point here rather than at a fixed ``?page=``. Two queries.
    """
    comment = selectors.comment_with_target(pk=pk)
    if comment.article_id and comment.article.draft and not is_agent(request.user):
        raise Http404("No such comment.")
    return redirect(comment_url(comment, selectors.comment_page_number(comment=comment)))


# --- Following ------------------------------------------------------------------------


@require_POST
def follow_toggle(request, kind, pk):
    """Follow or unfollow an article, post or section.

    The button sends the state it wants (``following=on|off``) so a double submit does
    not flip it back; without it, the current state is toggled.
    """
    if kind not in FOLLOW_KINDS:
        raise Http404("Nothing to follow here.")
    target = selectors.follow_target(kind=kind, pk=pk, include_drafts=is_agent(request.user))
    if not request.user.is_authenticated:
        return redirect_to_login(target.get_absolute_url())
    wanted = request.POST.get("following")
    if wanted in ("on", "off"):
        following = wanted == "on"
    else:
        following = not selectors.viewer_follows(user=request.user, target=target)
    services.follow_set(user=request.user, target=target, following=following)
    if following:
        messages.success(request, f"You are following “{target}”.")
    else:
        messages.success(request, f"You no longer follow “{target}”.")
    return redirect(safe_next(request, target.get_absolute_url()))


@login_required
def following_list(request):
    follows = selectors.follows_of(user=request.user, include_drafts=is_agent(request.user))
    entries = [_follow_entry(follow) for follow in follows]
    return render(
        request,
        "articles/following.html",
        {
            "entries": entries,
            "next": reverse("articles:following"),
            "breadcrumbs": [(None, "Following")],
        },
    )


_KIND_LABELS = {"article": "Article", "post": "Community post", "section": "Section"}


def _follow_entry(follow) -> dict:
    if follow.article_id:
        kind, target, place = "article", follow.article, follow.article.section.name
    elif follow.post_id:
        kind, target, place = "post", follow.post, follow.post.topic.name
    else:
        kind, target, place = "section", follow.section, follow.section.category.name
    return {
        "kind": kind,
        "kind_label": _KIND_LABELS[kind],
        "pk": target.pk,
        "title": str(target),
        "url": target.get_absolute_url(),
        "place": place,
        "since": follow.created_at,
    }

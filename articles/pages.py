"""Building blocks several article and community pages share: the comment thread and its
flow (including the draft a signed-out reader keeps across sign-in), the follow box.

Not views (views must not import one another): each view module calls these.
"""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kb import throttle

from . import selectors, services
from .forms import CommentForm, add_service_errors
from .models import COMMENT_BODY_MAX_LENGTH, Article

COMMENT_FORM_ANCHOR = "#comment-form"
# Generous for people, tight enough to stop a script flooding threads and followers' inboxes.
COMMENT_RATE = throttle.Rate(30, timedelta(hours=1))


def sign_in_url(next_url: str) -> str:
    return redirect_to_login(next_url).url


def page_url(base_url: str, number: int) -> str:
    """``base_url`` for page 1 (one canonical URL), ``base_url?page=N`` after it."""
    return base_url if number <= 1 else f"{base_url}?page={number}"


def comment_url(comment, number: int) -> str:
    """The comment's place: its thread's page ``number``, at its anchor."""
    return f"{page_url(comment.target.get_absolute_url(), number)}#comment-{comment.pk}"


# Follow and vote buttons: each change re-renders cached pages (kb.page_cache), so a script
# toggling in a loop would keep them uncached for everyone. People follow or vote a few
# times a visit; several accounts behind one address (an office) share the address limit.
FOLLOW_RATE = throttle.Rate(60, timedelta(hours=1))
FOLLOW_IP_RATE = throttle.Rate(300, timedelta(hours=1))
VOTE_RATE = throttle.Rate(60, timedelta(hours=1))
VOTE_IP_RATE = throttle.Rate(300, timedelta(hours=1))


def user_limited(request, *, scope: str, rate: throttle.Rate, what: str, ip_rate: throttle.Rate | None = None):
    """The 429 page when the signed-in user went over ``rate`` for ``scope`` (or their
    address over ``ip_rate``, when given), else None."""
    limits = [throttle.Limit("user", str(request.user.pk), rate)]
    if ip_rate is not None:
        limits.append(throttle.Limit("ip", throttle.client_ip(request), ip_rate))
    return throttle.limit_response(request, scope=scope, what=what, limits=limits)


# --- Comments -------------------------------------------------------------------------


def draft_session_key(target) -> str:
    """Where a signed-out reader's unsent comment waits while they sign in."""
    kind = "article" if isinstance(target, Article) else "post"
    return f"comment_draft:{kind}:{target.pk}"


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


def comment_thread(request, target, *, viewer_is_agent: bool) -> dict:
    """The comment page the request asks for (``?page=N``), each comment with its flags
    and permalink, for includes/comments.html; ``target`` carries ``comment_count``."""
    page = selectors.comment_page(target=target, number=request.GET.get("page"), viewer=request.user)
    base_url = target.get_absolute_url()
    here = page_url(base_url, page.number)
    # A draft's comments take no votes (services refuse them too): their scores show alone.
    can_vote = not getattr(target, "draft", False)
    for comment in page.object_list:
        # Agents may mark official only comments written by agents (services enforce it too).
        comment.can_mark_official = viewer_is_agent and comment.author_is_agent
        comment.permalink = f"{here}#comment-{comment.pk}"
        comment.vote = vote_box("comment", comment, can_vote=can_vote)
    return {
        "comments": page.object_list,
        "comment_count": target.comment_count,
        "comment_page": page,
        # Page links point at the thread, also when a failed comment POST renders it.
        "comment_base_url": base_url,
        # site.js sends a #comment-<id> missing from this page to /comments/<id>/.
        "comment_permalink_prefix": reverse("articles:comment_permalink", kwargs={"pk": 0}).removesuffix("0/"),
    }


def comment_box(request, target, *, comment_form=None, action: str) -> dict:
    """The comment form of a page: the reader's form (or the one being corrected), where
    it posts, and where a signed-out reader signs in."""
    return {
        "comment_form": comment_form or comment_form_for(request, target),
        "comment_action": action,
        "sign_in_url": sign_in_url(target.get_absolute_url() + COMMENT_FORM_ANCHOR),
    }


def discussion(request, target, *, kind: str, viewer_is_agent: bool, comment_form=None) -> dict:
    """What an article or a post page shows under its body: the comment thread, the
    comment form and the follow box (``kind`` is "article" or "post")."""
    return {
        **comment_thread(request, target, viewer_is_agent=viewer_is_agent),
        **comment_box(request, target, comment_form=comment_form,
                      action=reverse(f"articles:{kind}_comment", kwargs={"pk": target.pk})),
        "follow": follow_box(kind, target, next_url=target.get_absolute_url()),
    }


def comment_submit(request, target, render_page):
    """POST a comment on ``target``; ``render_page(form)`` re-renders on errors.

    Signed-out readers may type a comment: it is kept in their session and they are sent
    to sign in, then back to the comment form where the draft waits for them.
    """
    if not request.user.is_authenticated:
        body = request.POST.get("body", "")[:COMMENT_BODY_MAX_LENGTH]
        if body.strip():
            request.session[draft_session_key(target)] = body
            messages.info(request, _("Sign in to post your comment. We kept what you wrote."))
        return redirect_to_login(target.get_absolute_url() + COMMENT_FORM_ANCHOR)
    if limited := user_limited(request, scope="comment", rate=COMMENT_RATE, what=_("comments")):
        return limited
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            comment = services.comment_create(author=request.user, target=target, body=form.cleaned_data["body"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your comment was posted."))
            return redirect(comment_url(comment, selectors.comment_page_number(comment=comment)))
    messages.error(request, _("Your comment was not posted. Please correct the errors below."))
    return render_page(form)


# --- Up and down votes on posts and comments ----------------------------------------------

VOTE_CHOICES = {"up": 1, "down": -1, "none": None}


def vote_anchor(kind: str, pk: int) -> str:
    return f"{kind}-{pk}-votes"


def vote_box(kind: str, item, *, can_vote: bool = True) -> dict:
    """What includes/vote_buttons.html needs for a post or comment (``kind``): its stored
    score and the viewer's vote (``viewer_vote``, annotated by the selector).

    Each button sends the state it asks for ("up", "down", or "none" to take a pressed
    vote back), so a double submit does not flip it.
    """
    viewer_vote = getattr(item, "viewer_vote", None)
    return {
        "id": vote_anchor(kind, item.pk),
        "noun": kind,
        "action": reverse(f"articles:{kind}_vote", kwargs={"pk": item.pk}),
        "score": item.vote_sum,
        "count": item.vote_count,
        "up": viewer_vote == 1,
        "down": viewer_vote == -1,
        "up_value": "none" if viewer_vote == 1 else "up",
        "down_value": "none" if viewer_vote == -1 else "down",
        "can_vote": can_vote,
    }


# --- Following ------------------------------------------------------------------------


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


_KIND_LABELS = {"article": _("Article"), "post": _("Community post"), "section": _("Section"), "topic": _("Community topic")}


def follow_entry(follow) -> dict:
    """One row of the "Following" page."""
    if follow.article_id:
        kind, target, place = "article", follow.article, follow.article.section.name
    elif follow.post_id:
        kind, target, place = "post", follow.post, follow.post.topic.name
    elif follow.topic_id:
        kind, target, place = "topic", follow.topic, _("Community")
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

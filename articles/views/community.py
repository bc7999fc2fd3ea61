"""Community pages (topics, posts), comments, official answers and following.

Views are shells: they bind a form, call one service or selector, then render or redirect.
What article pages share with these (the comment thread and flow, follow boxes) lives in
``articles.pages``.
"""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_POST

from kb import throttle
from kb.http import safe_next
from kb.i18n import current_locale
from kb.permissions import agent_required, is_agent

from .. import selectors, services
from ..forms import PostForm, add_service_errors
from ..models import Post, Topic
from ..pages import (
    FOLLOW_IP_RATE,
    FOLLOW_RATE,
    VOTE_CHOICES,
    VOTE_IP_RATE,
    VOTE_RATE,
    comment_submit,
    comment_url,
    discussion,
    follow_box,
    follow_entry,
    user_limited,
    vote_anchor,
    vote_box,
)
from ..seo import locale_path

POST_RATE = throttle.Rate(10, timedelta(hours=1))


# --- Topics and posts -----------------------------------------------------------------


def topic_list(request):
    return render(
        request,
        "articles/topic_list.html",
        {"topics": selectors.topic_list(), "breadcrumbs": [(None, _("Community"))]},
    )


def topic_detail(request, slug):
    try:
        topic = selectors.topic_detail(slug=slug, viewer=request.user)
    except Http404:
        return redirect(selectors.renamed_heading(model=Topic, slug=slug), permanent=True)
    page = selectors.topic_post_page(topic=topic, number=request.GET.get("page"))
    return render(
        request,
        "articles/topic_detail.html",
        {
            "topic": topic,
            "page": page,
            "posts": page.object_list,
            "can_post": request.user.is_authenticated,
            "ask_url": reverse("articles:post_create", kwargs={"slug": topic.slug}),
            "follow": follow_box("topic", topic, next_url=topic.get_absolute_url()),
            "breadcrumbs": [
                (reverse("articles:topics"), _("Community")),
                (None, topic.name),
            ],
        },
    )


@login_required
def post_create(request, slug):
    topic = selectors.topic_detail(slug=slug)
    form = PostForm(request.POST or None)
    if request.method == "POST" and (
        limited := user_limited(request, scope="post", rate=POST_RATE, what=_("questions"))
    ):
        return limited
    if request.method == "POST" and form.is_valid():
        try:
            post = services.post_create(
                author=request.user,
                topic=topic,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                locale=form.cleaned_data["language"] or current_locale(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your question was posted. You follow it, so you will hear about answers."))
            return redirect(post)
    return render(
        request,
        "articles/post_form.html",
        {
            "topic": topic,
            "form": form,
            "breadcrumbs": [
                (reverse("articles:topics"), _("Community")),
                (topic.get_absolute_url(), topic.name),
                (None, _("Ask a question")),
            ],
        },
    )


def post_detail(request, pk, slug):
    return _post_page(request, pk, slug=slug)


def _post_page(request, pk, *, slug=None, comment_form=None):
    viewer_is_agent = is_agent(request.user)
    post = selectors.post_detail(pk=pk, viewer=request.user, for_agent=viewer_is_agent)
    if slug is not None and slug != post.slug:
        return redirect(post, permanent=True)
    return render(
        request,
        "articles/post_detail.html",
        {
            "post": post,
            # A post exists in the language it was written in only (contract of the
            # language switcher and hreflang: kb.locale, articles.seo).
            "page_translations": {post.locale: locale_path(post.locale, "articles:post", pk=post.pk, slug=post.slug)},
            **discussion(request, post, kind="post", viewer_is_agent=viewer_is_agent, comment_form=comment_form),
            "can_comment": True,
            "ask_url": reverse("articles:post_create", kwargs={"slug": post.topic.slug}),
            "post_vote": vote_box("post", post),
            "escalation": escalation_box(post) if viewer_is_agent else None,
            "breadcrumbs": [
                (reverse("articles:topics"), _("Community")),
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
    return comment_submit(
        request, post, lambda form: _post_page(request, post.pk, comment_form=form)
    )


@require_POST
@agent_required
def comment_official(request, pk):
    """An agent marks (or unmarks) an agent's comment as the official answer."""
    comment = selectors.comment_with_target(pk=pk)
    official = request.POST.get("official", "on") != "off"
    # Raises PermissionDenied (403) for comments not written by agents.
    services.comment_set_official(comment=comment, by=request.user, official=official)
    messages.success(
        request, _("Marked as the official answer.") if official else _("No longer the official answer.")
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


# --- Up and down votes ---------------------------------------------------------------


@require_POST
def item_vote(request, kind, pk):
    """Vote a post or a comment up or down, or take the vote back (``vote=up|down|none``).

    Signed-out readers are sent to sign in and back to the item. Rate-limited with the
    article votes (scope "vote"): each change re-renders the item's cached page.
    """
    item = selectors.vote_item(kind=kind, pk=pk, include_drafts=is_agent(request.user))
    if kind == "post":
        back = f"{item.get_absolute_url()}#{vote_anchor(kind, item.pk)}"
    else:
        back = comment_url(item, selectors.comment_page_number(comment=item))
    if not request.user.is_authenticated:
        messages.info(request, _("Sign in to vote."))
        return redirect_to_login(back)
    if limited := user_limited(request, scope="vote", rate=VOTE_RATE, ip_rate=VOTE_IP_RATE, what=_("votes")):
        return limited
    choice = request.POST.get("vote")
    if choice not in VOTE_CHOICES:
        messages.error(request, _("Please choose Vote up or Vote down."))
        return redirect(back)
    # Raises PermissionDenied (403) for a comment on a draft.
    services.item_vote_set(user=request.user, item=item, value=VOTE_CHOICES[choice])
    messages.success(request, _("Your vote was taken back.") if choice == "none" else _("Thank you for your vote."))
    return redirect(back)


# --- Following ------------------------------------------------------------------------


@require_POST
def follow_toggle(request, kind, pk):
    """Follow or unfollow an article, post, section or community topic.

    The button sends the state it wants (``following=on|off``) so a double submit does
    not flip it back; without it, the current state is toggled.
    """
    target = selectors.follow_target(kind=kind, pk=pk, include_drafts=is_agent(request.user))
    if not request.user.is_authenticated:
        return redirect_to_login(target.get_absolute_url())
    if limited := user_limited(request, scope="follow", rate=FOLLOW_RATE, ip_rate=FOLLOW_IP_RATE,
                               what=_("follow changes")):
        return limited
    wanted = request.POST.get("following")
    if wanted in ("on", "off"):
        following = wanted == "on"
    else:
        following = not selectors.viewer_follows(user=request.user, target=target)
    services.follow_set(user=request.user, target=target, following=following)
    if following:
        messages.success(request, _("You are following “%(target)s”.") % {"target": target})
    else:
        messages.success(request, _("You no longer follow “%(target)s”.") % {"target": target})
    return redirect(safe_next(request, target.get_absolute_url()))


@login_required
def following_list(request):
    follows = selectors.follows_of(user=request.user, include_drafts=is_agent(request.user))
    entries = [follow_entry(follow) for follow in follows]
    return render(
        request,
        "articles/following.html",
        {
            "entries": entries,
            "next": reverse("articles:following"),
            "breadcrumbs": [(None, pgettext_lazy("nav", "Following"))],
        },
    )


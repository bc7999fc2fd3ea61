"""What readers add to articles: comments, votes and subscriptions (kb's follows).

Comments: anyone reads those of articles they may read; signed-in users comment on
published articles; the author or an agent edits or deletes. Votes (Zendesk's up/down;
on articles kb's "Was this article helpful?"): signed-in users vote on published articles,
on posts and on the comments they can read; agents list every vote, others their own.
Subscriptions are kb's follows of articles, sections, posts and community topics, counted
like the Follow buttons: users subscribe themselves; agents list everyone's, others their
own.
"""

from django.contrib.auth import get_user_model
from rest_framework import status
from rest_framework.exceptions import MethodNotAllowed, PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from articles import services
from kb.i18n import default_locale, normalize_locale
from kb.permissions import is_agent

from .. import selectors
from ..base import SignedInWrite, ZendeskView, check_author_or_agent
from ..pagination import Ordering, paginate
from ..serializers import (
    CommentInput,
    CommentSerializer,
    ItemVoteSerializer,
    SubscriptionSerializer,
    VoteSerializer,
    envelope,
    validated,
)

OLDEST_FIRST = Ordering.of("created_at", "id")


class ArticleComments(ZendeskView):
    """An article's comments; POST comments; with ``pk``, one comment (show, update, delete)."""

    permission_classes = [SignedInWrite]

    def article(self, request, source_pk):
        return self.get_row(selectors.articles_for(request.user), source_pk)

    def get(self, request, source_pk, pk=None, locale=None):
        comments = selectors.comments_on(self.article(request, source_pk))
        if pk is not None:
            return Response({"comment": CommentSerializer.shape(self.get_row(comments, pk), request)})
        return Response(paginate(request, comments, key="comments", ordering=OLDEST_FIRST,
                                 serialize=lambda rows: [CommentSerializer.shape(c, request) for c in rows]))

    def post(self, request, source_pk, pk=None, locale=None):
        article = self.article(request, source_pk)
        body = validated(CommentInput, envelope(request.data, "comment"))["body"]
        comment = self.write(services.comment_create, author=request.user, target=article, body=body)
        return Response({"comment": CommentSerializer.shape(comment, request)}, status=status.HTTP_201_CREATED)

    def put(self, request, source_pk, pk=None, locale=None):
        comment = self.get_row(selectors.comments_on(self.article(request, source_pk)), pk)
        check_author_or_agent(request.user, comment)
        body = validated(CommentInput, envelope(request.data, "comment"))["body"]
        comment = self.write(services.comment_edit, comment=comment, body=body)
        return Response({"comment": CommentSerializer.shape(comment, request)})

    def delete(self, request, source_pk, pk=None, locale=None):
        comment = self.get_row(selectors.comments_on(self.article(request, source_pk)), pk)
        check_author_or_agent(request.user, comment)
        self.write(services.comment_delete, comment=comment)
        return Response(status=status.HTTP_204_NO_CONTENT)


class UserComments(ZendeskView):
    """A user's comments on what the caller may read (articles' or posts')."""

    def get(self, request, user_pk, locale=None):
        user = self.get_row(get_user_model().objects.all(), user_pk)
        comments = selectors.comments_by(request.user).filter(author=user)
        return Response(paginate(request, comments, key="comments", ordering=OLDEST_FIRST,
                                 serialize=lambda rows: [CommentSerializer.shape(c, request) for c in rows]))


class ArticleVotes(ZendeskView):
    """GET lists votes; POST to ``up.json`` / ``down.json`` (``helpful``) votes."""

    permission_classes = [SignedInWrite]
    helpful: bool | None = None

    def get(self, request, pk, locale=None):
        article = self.get_row(selectors.articles_for(request.user), pk)
        return Response(paginate(request, selectors.votes_on(article, request.user), key="votes",
                                 ordering=OLDEST_FIRST,
                                 serialize=lambda rows: [VoteSerializer.shape(v, request) for v in rows]))

    def post(self, request, pk, locale=None):
        if self.helpful is None:
            return Response(status=status.HTTP_405_METHOD_NOT_ALLOWED)
        article = self.get_row(selectors.articles_for(request.user), pk)
        vote = self.write(services.vote_set, user=request.user, article=article, helpful=self.helpful)
        return Response({"vote": VoteSerializer.shape(vote, request)}, status=status.HTTP_201_CREATED)


class ItemVotes(ZendeskView):
    """Votes of a post (``post_pk``) or of an article's or a post's comment (``comment_pk``):
    GET ``votes.json`` lists them; POST ``up.json`` / ``down.json`` (``value``) votes, a
    second vote changing the first."""

    permission_classes = [SignedInWrite]
    value: int | None = None

    def item(self, request, kwargs):
        if "article_pk" in kwargs:
            parent = self.get_row(selectors.articles_for(request.user), kwargs["article_pk"])
        else:
            parent = self.get_row(selectors.posts_all(), kwargs["post_pk"])
        if "comment_pk" in kwargs:
            return self.get_row(selectors.comments_on(parent).select_related("article"), kwargs["comment_pk"])
        return parent

    def get(self, request, locale=None, **kwargs):
        votes = selectors.item_votes_on(self.item(request, kwargs), request.user)
        return Response(paginate(request, votes, key="votes", ordering=OLDEST_FIRST,
                                 serialize=lambda rows: [ItemVoteSerializer.shape(v, request) for v in rows]))

    def post(self, request, locale=None, **kwargs):
        if self.value is None:
            raise MethodNotAllowed(request.method)
        item = self.item(request, kwargs)
        vote = self.write(services.item_vote_set, user=request.user, item=item, value=self.value)
        return Response({"vote": ItemVoteSerializer.shape(vote, request)}, status=status.HTTP_201_CREATED)


class Subscriptions(ZendeskView):
    """Subscriptions of an article, a section, a post or a topic (``kind``); with ``pk``,
    one subscription (show; delete: its subscriber only)."""

    permission_classes = [SignedInWrite]
    kind = "article"

    def target(self, request, source_pk):
        queryset = {"article": selectors.articles_for(request.user), "section": selectors.sections_all(),
                    "post": selectors.posts_all(), "topic": selectors.topics_all()}[self.kind]
        return self.get_row(queryset, source_pk)

    def get(self, request, source_pk, pk=None, locale=None):
        follows = selectors.follows_on(self.target(request, source_pk), request.user)
        if pk is not None:
            return Response({"subscription": SubscriptionSerializer.shape(self.get_row(follows, pk), request)})
        return Response(paginate(request, follows, key="subscriptions", ordering=OLDEST_FIRST,
                                 serialize=lambda rows: [SubscriptionSerializer.shape(f, request) for f in rows]))

    def post(self, request, source_pk, pk=None, locale=None):
        target = self.target(request, source_pk)
        # The subscriber's emails are in the URL's locale (/help_center/es/...), else the
        # default language: never the API client's Accept-Language.
        created = self.write(services.follow_set, user=request.user, target=target, following=True,
                             locale=normalize_locale(locale) or default_locale())
        follow = selectors.follows_on(target, request.user).get(user=request.user)
        return Response({"subscription": SubscriptionSerializer.shape(follow, request)},
                        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    def delete(self, request, source_pk, pk=None, locale=None):
        follow = self.get_row(selectors.follows_on(self.target(request, source_pk), request.user), pk)
        if follow.user_id != request.user.pk:
            raise PermissionDenied("Only the subscriber can end a subscription.")
        self.write(services.follow_set, user=request.user, target=follow.target, following=False)
        return Response(status=status.HTTP_204_NO_CONTENT)


class UserVotes(ZendeskView):
    """``/help_center/users/{id}/votes.json``: a user's votes on articles, for agents or
    that user."""

    permission_classes = [IsAuthenticated]

    def get(self, request, user_pk, locale=None):
        user = self.get_row(get_user_model().objects.all(), user_pk)
        if user.pk != request.user.pk and not is_agent(request.user):
            raise PermissionDenied("Only agents list another user's votes.")
        return Response(paginate(request, selectors.votes_by(user), key="votes", ordering=OLDEST_FIRST,
                                 serialize=lambda rows: [VoteSerializer.shape(v, request) for v in rows]))

"""Community topics, posts and post comments: ``/api/v2/community/...``.

Anyone reads; signed-in users post and comment; agents manage topics; editing and
deleting posts is the moderators' (the services check the admin's permissions); a
comment is edited or deleted by its author or an agent.
"""

from django.contrib.auth import get_user_model
from rest_framework import status
from rest_framework.response import Response

from articles import services

from .. import selectors
from ..base import SignedInWrite, ZendeskView, check_author_or_agent
from ..errors import InvalidParameter
from ..pagination import Ordering, paginate
from ..serializers import (
    CommentInput,
    CommentSerializer,
    PostInput,
    PostSerializer,
    TopicInput,
    TopicSerializer,
    envelope,
    validated,
)

NEWEST_FIRST = Ordering.of("-created_at", "-id")


class TopicList(ZendeskView):
    def get(self, request):
        return Response(paginate(request, selectors.topics_all(), key="topics",
                                 ordering=Ordering.of("position", "name", "id"),
                                 serialize=lambda rows: [TopicSerializer.shape(t, request) for t in rows]))

    def post(self, request):
        data = validated(TopicInput, envelope(request.data, "topic"))
        topic = self.write(services.topic_create, **{k: data[k] for k in ("name", "description", "position")
                                                     if k in data})
        return Response({"topic": TopicSerializer.shape(topic, request)}, status=status.HTTP_201_CREATED)


class TopicDetail(ZendeskView):
    def get(self, request, pk):
        return Response({"topic": TopicSerializer.shape(self.get_row(selectors.topics_all(), pk), request)})

    def put(self, request, pk):
        topic = self.get_row(selectors.topics_all(), pk)
        data = validated(TopicInput, envelope(request.data, "topic"), partial=True)
        topic = self.write(services.topic_update, topic=topic,
                           **{k: data[k] for k in ("name", "description", "position") if k in data})
        return Response({"topic": TopicSerializer.shape(topic, request)})

    def delete(self, request, pk):
        self.write(services.topic_delete, topic=self.get_row(selectors.topics_all(), pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class PostList(ZendeskView):
    """All posts, a topic's or a user's; POST asks a question (signed-in users)."""

    permission_classes = [SignedInWrite]

    def get(self, request, topic_pk=None, user_pk=None):
        posts = selectors.posts_all()
        if topic_pk is not None:
            posts = posts.filter(topic=self.get_row(selectors.topics_all(), topic_pk))
        if user_pk is not None:
            posts = posts.filter(author=self.get_row(get_user_model().objects.all(), user_pk))
        return Response(paginate(request, posts, key="posts", ordering=NEWEST_FIRST,
                                 serialize=lambda rows: [PostSerializer.shape(p, request) for p in rows]))

    def post(self, request, topic_pk=None, user_pk=None):
        data = validated(PostInput, envelope(request.data, "post"))
        topic_id = topic_pk if topic_pk is not None else data.get("topic_id")
        if topic_id is None:
            raise InvalidParameter("topic_id", "name the topic to post in")
        topic = self.get_row(selectors.topics_all(), topic_id)
        # Zendesk's "notify_subscribers": false creates the post without telling the
        # topic's followers (an import script's posts, say).
        notify = request.data.get("notify_subscribers", True) is not False
        post = self.write(services.post_create, author=request.user, topic=topic, title=data["title"],
                          body=data.get("details", ""), notify=notify)
        post = selectors.posts_all().get(pk=post.pk)
        return Response({"post": PostSerializer.shape(post, request)}, status=status.HTTP_201_CREATED)


class PostDetail(ZendeskView):
    permission_classes = [SignedInWrite]

    def get(self, request, pk):
        return Response({"post": PostSerializer.shape(self.get_row(selectors.posts_all(), pk), request)})

    def put(self, request, pk):
        post = self.get_row(selectors.posts_all(), pk)
        data = validated(PostInput, envelope(request.data, "post"), partial=True)
        fields = {"title": data["title"]} if "title" in data else {}
        if "details" in data:
            fields["body"] = data["details"]
        if "topic_id" in data:
            fields["topic"] = self.get_row(selectors.topics_all(), data["topic_id"])
        self.write(services.post_update, post=post, by=request.user, **fields)
        return Response({"post": PostSerializer.shape(selectors.posts_all().get(pk=post.pk), request)})

    def delete(self, request, pk):
        self.write(services.post_delete, post=self.get_row(selectors.posts_all(), pk), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PostComments(ZendeskView):
    """A post's comments (oldest first); POST comments (signed-in users); with ``pk``,
    one comment: show, update and delete (its author or an agent)."""

    permission_classes = [SignedInWrite]

    def get(self, request, source_pk, pk=None):
        post = self.get_row(selectors.posts_all(), source_pk)
        comments = selectors.comments_on(post)
        if pk is not None:
            return Response({"comment": CommentSerializer.shape(self.get_row(comments, pk), request)})
        return Response(paginate(request, comments, key="comments", ordering=Ordering.of("created_at", "id"),
                                 serialize=lambda rows: [CommentSerializer.shape(c, request) for c in rows]))

    def post(self, request, source_pk, pk=None):
        post = self.get_row(selectors.posts_all(), source_pk)
        body = validated(CommentInput, envelope(request.data, "comment"))["body"]
        comment = self.write(services.comment_create, author=request.user, target=post, body=body)
        return Response({"comment": CommentSerializer.shape(comment, request)}, status=status.HTTP_201_CREATED)

    def put(self, request, source_pk, pk=None):
        comment = self.get_row(selectors.comments_on(self.get_row(selectors.posts_all(), source_pk)), pk)
        check_author_or_agent(request.user, comment)
        body = validated(CommentInput, envelope(request.data, "comment"))["body"]
        comment = self.write(services.comment_edit, comment=comment, body=body)
        return Response({"comment": CommentSerializer.shape(comment, request)})

    def delete(self, request, source_pk, pk=None):
        comment = self.get_row(selectors.comments_on(self.get_row(selectors.posts_all(), source_pk)), pk)
        check_author_or_agent(request.user, comment)
        self.write(services.comment_delete, comment=comment)
        return Response(status=status.HTTP_204_NO_CONTENT)

"""Article attachments: ``/api/v2/help_center/{locale/}articles/{id}/attachments...``.

Agents upload (multipart ``file`` and ``inline``, as zenpy's
``help_center.attachments.create`` sends them), list, show and delete; anyone lists and
downloads the attachments of articles they may read. Files may also be uploaded before
their article exists (``articles/attachments.json``) and attached later
(``articles/{id}/bulk_attachments.json``), as Zendesk's bulk imports do.
"""

from django.http import HttpResponseRedirect
from rest_framework import status
from rest_framework.exceptions import MethodNotAllowed, NotFound
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from kb import clock, storage

from .. import selectors, services
from ..base import ZendeskView
from ..errors import RecordInvalid
from ..pagination import Ordering, paginate
from ..serializers import AssociateInput, AttachmentInput, AttachmentSerializer, validated

OLDEST_FIRST = Ordering.of("created_at", "id")
# A multipart body a little larger than the largest file (its headers and the "inline"
# field); a longer body is refused before Django parses it (and spools it to disk).
UPLOAD_BODY_MAX = services.ATTACHMENT_MAX_BYTES + 64 * 1024


class _Uploads(ZendeskView):
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def upload(self, request, article):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > UPLOAD_BODY_MAX:
            raise RecordInvalid({"file": ["Attachments are limited to 5 MB."]})
        data = validated(AttachmentInput, request.data)
        upload = data["file"]
        if upload.size > services.ATTACHMENT_MAX_BYTES:
            raise RecordInvalid({"file": ["Attachments are limited to 5 MB."]})
        attachment = self.write(services.attachment_create, uploaded_by=request.user, article=article,
                                file_name=upload.name or "", data=upload.read(services.ATTACHMENT_MAX_BYTES + 1),
                                inline=data["inline"], at=clock.now())
        return Response({"article_attachment": AttachmentSerializer.shape(attachment, request)},
                        status=status.HTTP_201_CREATED)


class ArticleAttachments(_Uploads):
    """An article's attachments (``which``: all, ``inline`` or ``block``); POST uploads one."""

    which: str | None = None

    def get(self, request, pk, locale=None):
        article = self.get_row(selectors.articles_for(request.user), pk)
        attachments = selectors.attachments_for(request.user).filter(article=article)
        if self.which is not None:
            attachments = attachments.filter(inline=self.which == "inline")
        return Response(paginate(request, attachments, key="article_attachments", ordering=OLDEST_FIRST,
                                 serialize=lambda rows: [AttachmentSerializer.shape(a, request) for a in rows]))

    def post(self, request, pk, locale=None):
        if self.which is not None:
            raise MethodNotAllowed(request.method)
        return self.upload(request, self.get_row(selectors.articles_for(request.user), pk))


class UnassociatedAttachments(_Uploads):
    """``POST articles/attachments.json``: a file for an article not yet made."""

    def post(self, request, locale=None):
        return self.upload(request, None)


class AttachmentDetail(ZendeskView):
    def get(self, request, pk, locale=None):
        attachment = self.get_row(selectors.attachments_for(request.user), pk)
        return Response({"article_attachment": AttachmentSerializer.shape(attachment, request)})

    def delete(self, request, pk, locale=None):
        self.write(services.attachment_delete, attachment=self.get_row(selectors.attachments_for(request.user), pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class BulkAttachments(ZendeskView):
    """``POST articles/{id}/bulk_attachments.json`` with ``{"attachment_ids": [...]}``."""

    def post(self, request, pk, locale=None):
        article = self.get_row(selectors.articles_for(request.user), pk)
        body = dict(request.data) if isinstance(request.data, dict) else {}
        # zenpy sends one id bare, several as a list.
        if isinstance(body.get("attachment_ids"), int) and not isinstance(body["attachment_ids"], bool):
            body["attachment_ids"] = [body["attachment_ids"]]
        ids = validated(AssociateInput, body)["attachment_ids"]
        found = list(selectors.attachments_for(request.user).filter(pk__in=ids))
        if len(found) != len(set(ids)):
            raise NotFound()
        self.write(services.attachments_associate, article=article, attachments=found, at=clock.now())
        return Response(status=status.HTTP_204_NO_CONTENT)


class _AnyAccept(DefaultContentNegotiation):
    """A browser asking for a PDF gets it: the JSON renderer only answers errors here."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class AttachmentDownload(ZendeskView):
    """``/article_attachments/{id}/{file_name}``: the file, for whoever may read its article
    (a published article's: anyone; a draft's or an unassociated one: agents). Images live
    on the public uploads path, and this address sends the reader there."""

    content_negotiation_class = _AnyAccept

    def get(self, request, pk, file_name):
        attachment = self.get_row(selectors.attachments_for(request.user), pk)
        if attachment.is_image:
            return HttpResponseRedirect(AttachmentSerializer.relative_path(attachment))
        # Never in a shared cache: the article may become a draft, the file be deleted.
        return storage.attachment_response(
            services.attachment_private_name(attachment.stored_name), file_name=attachment.file_name,
            content_type=attachment.content_type + ("; charset=utf-8" if attachment.content_type == "text/plain" else ""),
            cache_control="private, no-cache")

"""`?preview=true`: editors see drafts and guides scheduled for later, never cached."""

from __future__ import annotations

from django.http import HttpRequest
from rest_framework.exceptions import NotAuthenticated, PermissionDenied, ValidationError
from rest_framework.request import Request

from core.http_cache import PRIVATE_NO_STORE, PublicCacheMixin

PREVIEW_PARAM = "preview"
_TRUE = {"true", "1", "yes"}
_FALSE = {"false", "0", "no", ""}


class PublicPreviewMixin(PublicCacheMixin):
    """Public caching, plus `?preview=true`: drafts and scheduled content, for editors
    only, never cached. Goes first in a view's bases, like `PublicCacheMixin`."""

    def bypass_public_cache(self, request: HttpRequest) -> bool:
        # Any mention of the parameter skips the shared cache; `initial()` then rejects
        # a caller who may not preview, before anything is read.
        return PREVIEW_PARAM in request.GET

    @property
    def preview(self) -> bool:
        raw = self.request.query_params.get(PREVIEW_PARAM)
        if raw is None:
            return False
        value = raw.strip().lower()
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
        raise ValidationError({PREVIEW_PARAM: ["Must be true or false."]}, code="invalid")

    def initial(self, request: Request, *args: object, **kwargs: object) -> None:
        super().initial(request, *args, **kwargs)
        if self.preview:
            if not request.user.is_authenticated:
                raise NotAuthenticated("Sign in with an editor's account to preview drafts.")
            if not request.user.is_staff:
                raise PermissionDenied("Only editors can preview drafts.")

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if PREVIEW_PARAM in request.GET:
            response["Cache-Control"] = PRIVATE_NO_STORE
        return response

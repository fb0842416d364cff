"""Uploaded media served by the service itself, when no object storage is configured.

Fine for one instance (every process reads the same `MEDIA_ROOT`); with more instances,
or heavy image traffic, set `AWS_STORAGE_BUCKET_NAME` and the files go to object storage
instead (README.md, "Images and media"), and this view is not routed.

Only images are served, with the content type of their extension (the upload step names
each file after what it contains), a year of `Cache-Control` (stored names are never
reused, see `core.images.UploadTo`) and revalidation by `Last-Modified`/`ETag`. A path
that leaves `MEDIA_ROOT` (`..`, a symlink out), names a hidden file or anything but an
image is a 404, as is a file that is not there.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.utils.http import http_date
from django.views.static import was_modified_since

from core.errors import json_error
from core.images import CONTENT_TYPES


def _media_file(path: str) -> Path:
    parts = PurePosixPath(path).parts
    if (
        not parts
        or "\\" in path
        or path.startswith("/")
        or any(part.startswith(".") for part in parts)
        or PurePosixPath(path).suffix.lower() not in CONTENT_TYPES
    ):
        raise Http404
    root = Path(settings.MEDIA_ROOT).resolve()
    full = root.joinpath(*parts).resolve()
    if not full.is_relative_to(root) or not full.is_file():
        raise Http404
    return full


def serve(request: HttpRequest, path: str) -> HttpResponse:
    if request.method not in ("GET", "HEAD"):
        response = json_error(
            "method_not_allowed", f'Method "{request.method}" not allowed.', status_code=405
        )
        response["Allow"] = "GET, HEAD"
        return response
    full = _media_file(path)
    stat = full.stat()
    etag = f'"{stat.st_mtime_ns:x}-{stat.st_size:x}"'
    headers = {
        "Cache-Control": f"public, max-age={settings.MEDIA_CACHE_SECONDS}, immutable",
        "Last-Modified": http_date(stat.st_mtime),
        "ETag": etag,
        # Front ends on other origins may show the images (and read them in a canvas).
        "Cross-Origin-Resource-Policy": "cross-origin",
    }
    if_none_match = request.headers.get("If-None-Match")
    if (if_none_match is not None and etag in if_none_match) or (
        if_none_match is None
        and not was_modified_since(request.headers.get("If-Modified-Since"), stat.st_mtime)
    ):
        return HttpResponse(status=304, headers=headers)
    content_type = CONTENT_TYPES[full.suffix.lower()]
    if request.method == "HEAD":
        return HttpResponse(
            headers={**headers, "Content-Type": content_type, "Content-Length": str(stat.st_size)}
        )
    response = FileResponse(full.open("rb"), content_type=content_type)
    for name, value in headers.items():
        response[name] = value
    return response

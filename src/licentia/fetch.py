"""Downloading a publisher's file: streamed to disk, size-capped, checked for a short body.

The list and indicator updates both fetch this way; a failure raises `ImportFailed` naming
the URL, so nothing is imported from a partial file.
"""

from __future__ import annotations

import http.client
import urllib.error
import urllib.request
from pathlib import Path

from licentia.errors import ImportFailed

_CHUNK = 1024 * 1024
_TIMEOUT = 120


class NotModified(Exception):
    """The server answered 304 to a conditional request: the file has not changed."""


def fetch(request: urllib.request.Request, target: Path, *, max_bytes: int) -> tuple[str, str]:
    """Stream the body to `target`; the ETag and Last-Modified the server sent come back."""
    try:
        with urllib.request.urlopen(request, timeout=_TIMEOUT) as response:
            expected = response.headers.get("Content-Length")
            written = 0
            with target.open("wb") as handle:
                while chunk := response.read(_CHUNK):
                    written += len(chunk)
                    if written > max_bytes:
                        raise ImportFailed(
                            f"the download is larger than {max_bytes // (1024 * 1024)} MB",
                            source=request.full_url,
                        )
                    handle.write(chunk)
            if expected is not None and expected.isdigit() and written != int(expected):
                raise ImportFailed(
                    f"the download stopped after {written} of {expected} bytes",
                    source=request.full_url,
                    position=f"byte {written}",
                )
            return response.headers.get("ETag", ""), response.headers.get("Last-Modified", "")
    except urllib.error.HTTPError as exc:
        exc.close()  # the error carries the open response
        if exc.code == 304:
            raise NotModified from exc
        raise ImportFailed(
            f"the publisher answered HTTP {exc.code} {exc.reason}", source=request.full_url
        ) from exc
    except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
        reason = getattr(exc, "reason", exc)
        raise ImportFailed(f"the download failed: {reason}", source=request.full_url) from exc
    except (http.client.HTTPException, OSError) as exc:  # IncompleteRead: a short body
        raise ImportFailed(f"the download broke off: {exc}", source=request.full_url) from exc

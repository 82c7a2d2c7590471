"""The Atom feed (RFC 4287) of the report engine's publications, newest first."""

from __future__ import annotations

from urllib.parse import urljoin

from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from licentia.portal import services

MAX_ENTRIES = 50


def atom(*, base: str) -> bytes:
    """The feed; `base` is the site's absolute address, for the links and ids."""
    feed = Atom1Feed(
        title="Licentia: export-control publications",
        link=urljoin(base, reverse("portal:index")),
        description="Licences granted and refused under Regulation (EU) 2021/821, published "
        "as open data after the publication delay.",
        feed_url=urljoin(base, reverse("portal:feed")),
        feed_guid=urljoin(base, reverse("portal:feed")),
        author_name="Licentia",
        language="en",
    )
    for publication in services.publications()[:MAX_ENTRIES]:
        tables = urljoin(base, reverse("portal:tables", args=[publication.year]))
        feed.add_item(
            title=publication.title,
            link=urljoin(base, reverse("portal:year", args=[publication.year])),
            description=f"{publication.summary} Data and downloads: {tables}",
            unique_id=f"{tables}#{publication.id}",
            pubdate=publication.published_at,
            updateddate=publication.published_at,
        )
    return feed.writeString("utf-8").encode("utf-8")

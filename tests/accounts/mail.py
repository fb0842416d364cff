"""Reading the links out of the mail the workers sent."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

LINK = re.compile(r"https?://\S+")


def link_token(message) -> str:
    """The `token` query parameter of the one link in a message's text."""
    (link,) = LINK.findall(message.body)
    (token,) = parse_qs(urlsplit(link).query)["token"]
    return token

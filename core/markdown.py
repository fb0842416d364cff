"""Markdown to safe HTML, done once when content is saved.

Python-Markdown renders; nh3 (the Ammonia sanitiser) then keeps only an allow-list of
tags and attributes, so no script, event handler or `javascript:` URL survives,
whatever an editor (or a compromised editor account) typed.
"""

from __future__ import annotations

import markdown as md
import nh3

ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "dd",
    "del",
    "div",
    "dl",
    "dt",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "li",
    "ol",
    "p",
    "pre",
    "s",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title"},
    "th": {"align"},
    "td": {"align"},
}
EXTENSIONS = ["extra", "sane_lists", "smarty"]


# What members may write (comments): text, emphasis, links, lists, quotes and code. No
# headings, tables or images: a comment is a paragraph or three, not a page.
MEMBER_TAGS = {"a", "blockquote", "br", "code", "em", "li", "ol", "p", "pre", "strong", "ul"}
MEMBER_ATTRIBUTES = {"a": {"href"}}
# A member's link is not endorsed by the publication (`nofollow ugc`), and the page it
# opens gets no handle on ours (`noopener`).
MEMBER_LINK_REL = "nofollow ugc noopener"


def render_markdown(
    text: str,
    *,
    tags: set[str] = ALLOWED_TAGS,
    attributes: dict[str, set[str]] = ALLOWED_ATTRIBUTES,
    link_rel: str = "noopener noreferrer",
) -> str:
    """Return sanitised HTML for `text`; links get `rel="noopener noreferrer"`."""
    if not text:
        return ""
    html = md.markdown(text, extensions=EXTENSIONS, output_format="html")
    return nh3.clean(
        html,
        tags=tags,
        attributes=attributes,
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel=link_rel,
    )


def render_member_markdown(text: str) -> str:
    """A member's text (a comment) in the small subset members may use."""
    return render_markdown(
        text, tags=MEMBER_TAGS, attributes=MEMBER_ATTRIBUTES, link_rel=MEMBER_LINK_REL
    )

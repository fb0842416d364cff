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


def render_markdown(text: str) -> str:
    """Return sanitised HTML for `text`; links get `rel="noopener noreferrer"`."""
    if not text:
        return ""
    html = md.markdown(text, extensions=EXTENSIONS, output_format="html")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer",
    )

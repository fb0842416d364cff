"""Markdown to safe HTML, done once when content is saved; and to plain text, for mails
and calendar entries (`markdown_to_text`).

Python-Markdown renders; nh3 (the Ammonia sanitiser) then keeps only an allow-list of
tags and attributes, so no script, event handler or `javascript:` URL survives,
whatever an editor (or a compromised editor account) typed.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

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


# --- Plain text, for what people read outside a browser (mails, calendar entries) -------

_BLOCK_TAGS = {
    "blockquote",
    "div",
    "dl",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "ol",
    "p",
    "pre",
    "table",
    "ul",
}
_LINE_TAGS = {"br", "dd", "dt", "li", "tr"}


class _PlainText(HTMLParser):
    """Sanitised HTML to text: blocks apart by a blank line, list items as `- `, a
    link's target in brackets after its words (unless they are the target already),
    an image as its alt text; no markup left."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.lists: list[list] = []  # [tag, items so far] for each open list
        self.links: list[tuple[str, int]] = []  # (href, where its words start)
        self.pre = 0
        self.cells = 0

    def _text(self) -> str:
        return "".join(self.parts)

    def _newlines(self, count: int) -> None:
        self.parts.append("\n" * count)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag in _BLOCK_TAGS:
            self._newlines(2)
        if tag == "pre":
            self.pre += 1
        elif tag in {"ul", "ol"}:
            self.lists.append([tag, 0])
        elif tag == "li":
            self._newlines(1)
            depth = max(len(self.lists), 1)
            marker = "-"
            if self.lists:
                self.lists[-1][1] += 1
                if self.lists[-1][0] == "ol":
                    marker = f"{self.lists[-1][1]}."
            self.parts.append("  " * (depth - 1) + marker + " ")
        elif tag in {"br", "dt", "dd", "tr"}:
            self._newlines(1)
            self.cells = 0
        elif tag in {"td", "th"}:
            if self.cells:
                self.parts.append(self.parts.pop().rstrip() + " | " if self.parts else " | ")
            self.cells += 1
        elif tag == "a":
            self.links.append((attributes.get("href") or "", len(self._text())))
        elif tag == "img" and attributes.get("alt"):
            self.parts.append(attributes["alt"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCK_TAGS:
            self._newlines(2)
        if tag == "pre":
            self.pre -= 1
        elif tag in {"ul", "ol"} and self.lists:
            self.lists.pop()
        elif tag == "a" and self.links:
            href, start = self.links.pop()
            words = self._text()[start:].strip()
            target = href.removeprefix("mailto:")
            if href and target not in words:
                self.parts.append(f" ({target})" if words else target)

    def handle_data(self, data: str) -> None:
        if not self.pre:
            data = re.sub(r"\s+", " ", data)
            if self._text().endswith(("\n", "- ", ". ")) or not self.parts:
                data = data.lstrip()
        self.parts.append(data)

    def result(self) -> str:
        lines = [line.rstrip() for line in self._text().split("\n")]
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def html_to_text(html: str) -> str:
    """Plain text of sanitised HTML (`render_markdown`'s output)."""
    if not html:
        return ""
    parser = _PlainText()
    parser.feed(html)
    parser.close()
    return parser.result()


def markdown_to_text(text: str) -> str:
    """`text` as a person reads it without a browser: no `**`, `#` or `[x](y)` left,
    each link's address written out."""
    return html_to_text(render_markdown(text))

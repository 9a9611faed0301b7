"""Show notes: cmark-gfm and linkify-it-py render what markdown-it-py rendered, faster.

The reference below is the renderer feedpub used before (markdown-it-py with its linkify
rules, raw HTML shown as text unless it is an HTML element), built here from the library
itself: notes written as podcasters write them must give the same HTML, so a show's feed
does not change when feedpub upgrades.
"""

from __future__ import annotations

import re
from html import escape
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from linkify_it import LinkifyIt
from markdown_it import MarkdownIt

from feedpub import markup

_TAG = re.compile(r"</?([A-Za-z][A-Za-z0-9-]*)")


def _raw_html(renderer: Any, tokens: Any, idx: int, options: Any, env: Any) -> str:
    content: str = tokens[idx].content
    m = _TAG.match(content.lstrip())
    if m is not None and m.group(1).lower() in markup._HTML_ELEMENTS:
        return content
    return escape(content, quote=False)


REFERENCE = MarkdownIt("commonmark", {"linkify": True, "breaks": True, "html": True})
REFERENCE.add_render_rule("html_inline", _raw_html)
REFERENCE.add_render_rule("html_block", _raw_html)
REFERENCE.enable("linkify")


_DEAD_LINK = re.compile(r'<a(?: title="[^"]*")?>(.*?)</a>', re.S)


def reference(text: str) -> str:
    """The notes as markdown-it-py rendered them; one change since: a link the sanitiser
    leaves without a target (``ftp:``, ``javascript:``) is its text, not an empty ``<a>``."""
    return _DEAD_LINK.sub(r"\1", markup.sanitize(REFERENCE.render(markup.clean(text)))).strip()


WORDS = ("le la un épisode invité·e été Noël & < > 2 3 l'IA c'est aujourd'hui « citation » — "
         "… 😅 ✨ n° Zoë 10 % 12,5 € M. Dupont").split()
LINKS = ["https://example.org/x", "https://example.org/a_b_(c)", "https://example.org/?q=1&r=2",
         "www.e.fr", "m@e.fr", "ausha.co/politique-de-confidentialite", "lemonde.fr",
         "README.md", "http://exämple.fr/é", "<https://q.fr>", "[site](https://s.fr)",
         "[mail](mailto:a@b.fr)", "`code.py`", "*em*", "**fort**", "<b>gras</b>", "<filename>",
         "https://x.fr/a.", "(https://x.fr/b)", "https://x.fr/c,", "hello@example.com",
         "http://x.fr:8080/p#frag", "x.com", "nom.prénom@exemple.fr",
         "👉http://www.trench-tech.fr", "→https://x.fr", "url:https://x.fr/p", "*https://x.fr*",
         "**https://x.fr/a**", "_https://x.fr_", "«https://x.fr»", "e-mail:a@b.fr",
         "x.fr/a_b", "ftp://f.fr", "<a href=\"https://h.fr\">https://h.fr</a>", "<br>",
         "<!-- note -->", "<script>alert(1)</script>"]
PUNCT = ["", "", "", ".", ",", " :", " ;", " !", " ?", ")", "."]

word = st.one_of(st.sampled_from(WORDS), st.sampled_from(LINKS))
# a line starts with a word (a line of only ">" is an empty quote, which cmark writes with
# a line break inside, markdown-it-py without; a line of raw HTML alone is an HTML block, which the two
# renderers pass on with different white space (see test_a_line_of_raw_html_alone)
sentence = st.tuples(st.sampled_from(WORDS[:6]), st.lists(st.tuples(word, st.sampled_from(PUNCT)),
                                                      max_size=12)).map(
    lambda parts: " ".join([parts[0], *(w + p for w, p in parts[1])]))
lines = st.lists(sentence, min_size=1, max_size=3)
block = st.one_of(
    lines.map("\n".join),
    lines.map(lambda ls: "\n".join("- " + s for s in ls)),
    lines.map(lambda ls: "\n".join(f"{i + 1}. {s}" for i, s in enumerate(ls))),
    sentence.map(lambda s: "> " + s),
    sentence.map(lambda s: "## " + s),
    sentence.map(lambda s: "```\n" + s + "\n```"),
)
notes = st.lists(block, min_size=1, max_size=5).map("\n\n".join)


@settings(max_examples=200, deadline=None)
@given(notes)
def test_notes_render_as_markdown_it_py_rendered_them(text: str) -> None:
    assert markup.markdown_to_html(text) == reference(text)


def test_what_the_readme_promises_of_notes() -> None:
    html = markup.markdown_to_html(
        "# Titre\n\n*em* **fort** `a <b> c`\nligne 2\n\n- un\n- deux\n\n3. trois\n\n"
        "> citation « ok » 😅\n\nUse the <filename> placeholder; 2 < 3 & <b>gras</b>"
        "<script>alert(1)</script> <!-- note -->\n\n"
        "👉https://example.org/a_b_(c), ausha.co/p, www.e.fr, nom.prénom@exemple.fr "
        "`https://code.fr` [x](javascript:alert(1))")
    assert html.startswith("<h1>Titre</h1>\n<p><em>em</em> <strong>fort</strong> "
                           "<code>a &lt;b&gt; c</code><br>\nligne 2</p>")
    assert '<ul>\n<li>un</li>\n<li>deux</li>\n</ul>\n<ol start="3">\n<li>trois</li>' in html
    assert "<blockquote>\n<p>citation « ok » 😅</p>\n</blockquote>" in html
    assert ("Use the &lt;filename&gt; placeholder; 2 &lt; 3 &amp; <b>gras</b> "
            "&lt;!-- note --&gt;") in html
    assert "script" not in html and "javascript" not in html
    assert ('👉<a href="https://example.org/a_b_(c)">https://example.org/a_b_(c)</a>, '
            '<a href="http://ausha.co/p">ausha.co/p</a>, '
            '<a href="http://www.e.fr">www.e.fr</a>, '
            "nom.prénom@exemple.fr "  # linkify-it takes no accent before an @ (nor half of it)
            '<code>https://code.fr</code> x</p>') in html


def test_a_line_of_raw_html_alone() -> None:
    """An HTML block: its tags are kept or shown as text one by one (markdown-it-py went
    by the first tag of the block)."""
    assert markup.markdown_to_html("<filename>\n<b>x</b>") == "&lt;filename&gt;\n<b>x</b>"
    assert markup.markdown_to_html("<div>\n<filename>\n</div>") == "&lt;filename&gt;"


def test_a_link_is_not_linked_again_and_hosts_are_encoded() -> None:
    html = markup.markdown_to_html('<a href="https://h.fr">https://h.fr</a> [www.e.fr](https://w.fr)'
                                   " http://exämple.fr/é")
    assert html == ('<p><a href="https://h.fr">https://h.fr</a> '
                    '<a href="https://w.fr">www.e.fr</a> '
                    '<a href="http://xn--exmple-cua.fr/%C3%A9">http://exämple.fr/é</a></p>')


@settings(max_examples=100, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(WORDS + LINKS + PUNCT),
                          st.text(alphabet="abz.:/@-_ 1", max_size=8)), max_size=12))
def test_only_text_without_a_link_skips_linkify(parts: list[str]) -> None:
    """The quick test in front of linkify-it never hides a link it would find."""
    text = " ".join(parts)
    if LinkifyIt().test(text):
        assert markup._MAY_LINK.search(text) is not None


html_notes = st.one_of(notes.map(markup.markdown_to_html), notes.map(markup.sanitize),
                       st.text(alphabet='<>/ab lip"=&;\n#', max_size=40).map(markup.sanitize))


@settings(max_examples=150, deadline=None)
@given(html_notes)
def test_notes_text_reads_the_sanitisers_html_as_the_html_parser_does(html: str) -> None:
    assert markup.notes_text(html) == markup.html_to_text(html)


def test_notes_text_spells_out_hidden_links_and_keeps_lines() -> None:
    html = markup.markdown_to_html("Voir [le site](https://s.fr) et https://t.fr\nfin\n\n"
                                   "- un\n- deux &amp; <b>trois</b>")
    assert markup.notes_text(html) == ("Voir le site (https://s.fr) et https://t.fr\nfin\n\n"
                                       "• un\n• deux & trois")

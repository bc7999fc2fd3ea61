import time

from articles.markdown import markdown_problem, render_markdown


def test_renders_basic_markdown_and_marks_links_nofollow():
    html = render_markdown("**Bold** and [docs](https://example.com/help)")
    assert "<strong>Bold</strong>" in html
    assert 'href="https://example.com/help"' in html
    assert 'rel="nofollow ugc noopener"' in html


def test_script_and_javascript_links_are_removed_from_agent_html():
    html = render_markdown('<script>alert(1)</script>[x](javascript:alert(1)) <img src=x onerror=alert(1)>',
                           allow_html=True)
    assert "<script" not in html
    assert "javascript:" not in html
    assert "onerror" not in html


def test_script_and_image_tags_from_customers_are_text():
    html = render_markdown('<script>alert(1)</script>[x](javascript:alert(1)) <img src=x onerror=alert(1)>')
    assert "<script" not in html and "<img" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "javascript:" not in html


def test_five_thousand_open_brackets_render_quickly_and_are_refused_by_forms():
    text = "[" * 5000
    started = time.perf_counter()
    render_markdown(text)
    assert time.perf_counter() - started < 1.0
    assert markdown_problem(text) is not None


# --- Issue 13: user Markdown must not restyle the page ----------------------------------

MODAL = '<div class="modal d-block bg-white">Session expired. <a href="https://evil.example/login">Sign in again</a></div>'


def test_raw_html_from_a_customer_is_shown_as_text():
    html = render_markdown(MODAL)
    assert "<div" not in html
    assert "&lt;div class=" in html
    assert "Sign in again" in html


def test_raw_html_from_an_agent_keeps_its_markup_but_no_foreign_class():
    html = render_markdown(MODAL, allow_html=True)
    assert "<div>" in html
    assert "modal" not in html
    assert 'href="https://evil.example/login"' in html


def test_attribute_lists_cannot_add_classes_or_ids():
    html = render_markdown("Text\n{: .modal .d-block #comment-form }\n\n[go](#x){: .btn }", allow_html=True)
    assert "class=" not in html
    assert 'id="comment-form"' not in html


def test_heading_ids_are_prefixed_and_cannot_equal_a_page_anchor():
    html = render_markdown("# Comment form\n\n## Other\n{: #comment-form }")
    assert 'id="comment-form"' not in html
    assert 'id="h-comment-form"' in html
    raw = render_markdown('<h2 id="comment-form">x</h2>', allow_html=True)
    assert "id=" not in raw


def test_fenced_code_keeps_its_language_class_and_nothing_else():
    html = render_markdown("```{.python .modal}\nprint(1 < 2)\n```", allow_html=True)
    assert '<code class="language-python">' in html
    assert "modal" not in html
    assert "1 &lt; 2" in html


def test_tables_render_with_their_alignment():
    html = render_markdown("| a | b |\n|:--|--:|\n| 1 | 2 |", allow_html=True)
    assert "<table>" in html
    assert '<th align="left">a</th>' in html
    assert '<td align="right">2</td>' in html


def test_footnotes_keep_their_own_classes_and_ids():
    html = render_markdown("Text[^1]\n\n[^1]: The note.")
    assert '<div class="footnote">' in html
    assert 'id="fn:1"' in html and 'id="fnref:1"' in html
    assert 'class="footnote-ref"' in html


def test_an_image_pointing_at_a_tracked_url_becomes_its_alt_text():
    for src in ["/search/?q=x", "/search/click/1/", "/contact/cancel/go/3/", "https://example.com/a.png",
                "/media/uploads/../../search/?q=x", "/media/uploads/%2e%2e/search/", "/media/other/a.png"]:
        html = render_markdown(f"See ![the screenshot]({src}) here")
        assert "<img" not in html, src
        assert "See the screenshot here" in html, src


def test_an_uploaded_image_is_kept():
    html = render_markdown("![screen](/media/uploads/0f3a.png)")
    assert '<img alt="screen" src="/media/uploads/0f3a.png">' in html


def test_raw_image_tags_from_agents_keep_only_upload_sources():
    html = render_markdown('<img src="/search/?q=x" alt="a"> <img src="/media/uploads/b.png" alt="b">',
                           allow_html=True)
    assert "/search/" not in html
    assert 'src="/media/uploads/b.png"' in html

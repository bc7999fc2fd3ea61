import time

from articles.markdown import markdown_problem, render_markdown


def test_renders_basic_markdown_and_marks_links_nofollow():
    html = render_markdown("**Bold** and [docs](https://example.com/help)")
    assert "<strong>Bold</strong>" in html
    assert 'href="https://example.com/help"' in html
    assert 'rel="nofollow ugc noopener"' in html


def test_script_and_javascript_links_are_removed():
    html = render_markdown('<script>alert(1)</script>[x](javascript:alert(1)) <img src=x onerror=alert(1)>')
    assert "<script" not in html
    assert "javascript:" not in html
    assert "onerror" not in html


def test_five_thousand_open_brackets_render_quickly_and_are_refused_by_forms():
    text = "[" * 5000
    started = time.perf_counter()
    render_markdown(text)
    assert time.perf_counter() - started < 1.0
    assert markdown_problem(text) is not None

"""docs/security.md is a checklist of promises, each naming the tests that keep it.

This keeps the document honest: a promise without a test, or a test that was renamed or
deleted, fails here, so the checklist cannot drift away from what the suite proves.
"""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHECKLIST = ROOT / "docs" / "security.md"
PROMISE = re.compile(r"^- \*\*(?P<id>[A-Z]+-\d+)\*\*(?P<text>.*?)(?=^- \*\*|^#|\Z)", re.MULTILINE | re.DOTALL)
TEST_REF = re.compile(r"`(?P<file>tests/[\w/]+\.py)::(?P<name>\w+)`")


def promises() -> dict[str, str]:
    found: dict[str, str] = {}
    for match in PROMISE.finditer(CHECKLIST.read_text()):
        assert match["id"] not in found, f"{match['id']} appears twice"
        found[match["id"]] = match["text"]
    return found


def functions_in(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    return {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)}


def test_the_checklist_has_promises_in_every_area():
    areas = {promise_id.split("-")[0] for promise_id in promises()}
    assert {"ACCESS", "INPUT", "MARKUP", "LIMIT", "AUTH", "SECRET", "LOG", "DEPLOY"} <= areas


def test_every_promise_names_at_least_one_test_and_every_named_test_exists():
    problems = []
    for promise_id, text in promises().items():
        refs = list(TEST_REF.finditer(text))
        if not refs:
            problems.append(f"{promise_id}: names no test")
        for ref in refs:
            path = ROOT / ref["file"]
            if not path.is_file():
                problems.append(f"{promise_id}: {ref['file']} does not exist")
            elif ref["name"] not in functions_in(path):
                problems.append(f"{promise_id}: {ref['file']} has no {ref['name']}")
    assert not problems, "\n".join(problems)


def test_the_checker_notices_a_missing_test(tmp_path):
    """Not vacuous: a reference to a test that does not exist is reported."""
    fake = tmp_path / "t.py"
    fake.write_text("def test_real():\n    pass\n")
    assert "test_real" in functions_in(fake)
    assert "test_imaginary" not in functions_in(fake)

"""The documentation runs: every ```python block of README.md and docs/*.md is executed.

Blocks of one file run in order in one namespace, so a later block may use what an earlier one
defined, as a reader pasting them into one session would; each file starts fresh, in its own
temporary working directory. A block whose info string says ```python no-run is shown, not run
(for code quoted from mytorch itself); use it sparingly.

Every picture a page shows (![...](path)) must be in the repository where the page points.
"""
import re
import traceback
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FILES = [ROOT / "README.md"] + sorted((ROOT / "docs").glob("*.md"))

FENCE = re.compile(r"^```([^\n`]*)\n(.*?)^```[ \t]*$", re.M | re.S)


class DocBlockError(AssertionError):
    """A documentation block raised."""


def python_blocks(text):
    """[(block number, line, code)] for each ```python block to run, numbered from 1 among
    all the file's ```python blocks (skipped ones included), so the number matches the page."""
    blocks = []
    number = 0
    for m in FENCE.finditer(text):
        info = m.group(1).split()
        if not info or info[0] != "python":
            continue
        number += 1
        if "no-run" in info[1:]:
            continue
        blocks.append((number, text.count("\n", 0, m.start(2)) + 1, m.group(2)))
    return blocks


def run_blocks(name, blocks):
    """Execute the blocks in order in one namespace; raise DocBlockError naming the file, the
    block number and its first line on the first one that raises."""
    namespace = {"__name__": "__doc_" + re.sub(r"\W", "_", name)}
    for number, line, code in blocks:
        try:
            exec(compile(code, f"{name}, python block {number} (line {line})", "exec"), namespace)
        except Exception as e:
            raise DocBlockError(
                f"{name}: python block {number} (starting at line {line}) raised "
                f"{type(e).__name__}: {e}\n{traceback.format_exc()}") from None


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_doc_blocks_run(path, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    blocks = python_blocks(path.read_text(encoding="utf-8"))
    assert blocks, f"{path.name} has no python block to run"
    run_blocks(path.relative_to(ROOT).as_posix(), blocks)


def test_a_failing_block_is_reported_by_file_and_number():
    text = ("# t\n```python\nx = 1\n```\n```python no-run\nnot python\n```\n"
            "```\nplain text\n```\n```python\nassert x == 2\n```\n")
    blocks = python_blocks(text)
    assert [n for n, _, _ in blocks] == [1, 3]
    with pytest.raises(DocBlockError, match=r"chapter\.md: python block 3 \(starting at line 12\)"):
        run_blocks("chapter.md", blocks)


IMAGE = re.compile(r"!\[[^\]]*\]\(([^)\s]+)\)")


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_doc_images_exist(path):
    """Every picture a page shows is in the repository, where the page points."""
    missing = [src for src in IMAGE.findall(path.read_text(encoding="utf-8"))
               if not src.startswith(("http://", "https://")) and not (path.parent / src).is_file()]
    assert not missing, f"{path.name} shows pictures that are not there: {missing}"

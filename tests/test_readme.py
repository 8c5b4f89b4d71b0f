"""The README opens with the two commands, and CI runs the second."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _commands() -> list[str]:
    text = (ROOT / "README.md").read_text()
    block = text.split("```bash", 1)[1].split("```", 1)[0]
    return [line.strip() for line in block.strip().splitlines()]


def test_readme_opens_with_two_commands():
    text = (ROOT / "README.md").read_text()
    assert text.index("```bash") < 40
    run, test = _commands()
    assert "sufficiency report" in run and "pip install ." in run
    assert "pytest" in test and ".[test]" in test


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text()
    assert _commands()[1] in ci


RESULTS = ROOT / "benchmarks" / "results"


def _quoted() -> dict[str, str]:
    """Each results file the README quotes, with the text between its markers."""
    import re

    text = (ROOT / "README.md").read_text()
    blocks = re.findall(r"<!-- begin (benchmarks/results/[\w.]+) -->\n(.*?)\n<!-- end \1 -->", text, flags=re.S)
    return {name: body for name, body in blocks}


def test_readme_figures_are_the_benchmarks_results():
    quoted = _quoted()
    assert {"benchmarks/results/accuracy_counties.md", "benchmarks/results/accuracy_published.md"} <= set(quoted)
    for name, body in quoted.items():
        assert body.strip() == (ROOT / name).read_text().strip(), (
            f"README quotes an out-of-date {name}: rerun its benchmark and paste it"
        )
    # every results file is quoted somewhere
    assert {f"benchmarks/results/{p.name}" for p in RESULTS.glob("*.md")} == set(quoted)


def test_published_accuracy_results_are_what_the_code_gives():
    import sys

    sys.path.insert(0, str(ROOT / "benchmarks"))
    import accuracy

    assert accuracy.published_text().strip() == (RESULTS / "accuracy_published.md").read_text().strip()


def test_readme_charts_are_committed_and_drawn_by_a_script():
    import re

    text = (ROOT / "README.md").read_text()
    images = re.findall(r"!\[[^\]]+\]\((docs/[\w.]+\.png)\)", text)
    assert len(images) >= 3
    script = (ROOT / "docs" / "make_charts.py").read_text()
    for image in images:
        assert (ROOT / image).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert f'"{Path(image).stem}"' in script  # the script draws it

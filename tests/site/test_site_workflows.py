"""The GitHub workflows are valid and safe, checked offline.

- check-jsonschema validates each workflow against the (vendored) GitHub workflow schema;
- zizmor --offline audits them (config: .github/zizmor.yml, which requires SHA pins);
- a few rules of this project are asserted directly on the parsed YAML.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from site_helpers import ROOT

pytestmark = pytest.mark.site

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.y*ml"))
BIN = Path(sys.executable).parent
SHA_PIN = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)


def _load(path: Path) -> dict[Any, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    if True in data:  # YAML 1.1 reads the key `on` as a boolean
        data["on"] = data.pop(True)
    return data


def _steps(workflow: dict[Any, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [
        (job_id, step) for job_id, job in workflow["jobs"].items() for step in job.get("steps", [])
    ]


def test_there_are_workflows() -> None:
    assert "site.yml" in [p.name for p in WORKFLOWS]


def test_workflows_match_the_github_schema() -> None:
    result = _run(
        str(BIN / "check-jsonschema"),
        "--builtin-schema",
        "vendor.github-workflows",
        *map(str, WORKFLOWS),
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_zizmor_finds_nothing() -> None:
    result = _run(
        str(BIN / "zizmor"),
        "--offline",
        "--config",
        ".github/zizmor.yml",
        "--no-progress",
        ".github/",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings" in result.stdout, result.stdout


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_actions_are_pinned_to_commits(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    for job_id, step in _steps(_load(path)):
        if "uses" in step:
            assert SHA_PIN.match(step["uses"]), f"{job_id}: {step['uses']} is not pinned to a SHA"
            line = next(line for line in text.splitlines() if step["uses"] in line)
            assert re.search(r"#\s*v\d+(\.\d+)*\s*$", line), f"no `# vX.Y.Z` comment: {line}"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_checkouts_do_not_keep_the_token(path: Path) -> None:
    checkouts = [
        s for _, s in _steps(_load(path)) if s.get("uses", "").startswith("actions/checkout@")
    ]
    assert checkouts
    assert all((s.get("with") or {}).get("persist-credentials") is False for s in checkouts)


def test_site_workflow() -> None:
    workflow = _load(ROOT / ".github" / "workflows" / "site.yml")
    assert set(workflow["on"]) == {"pull_request", "push"}
    assert workflow["on"]["push"]["branches"] == ["main"]
    assert workflow["permissions"] == {}
    assert {"CERTKIT_SITE_URL", "CERTKIT_REPO_URL", "CERTKIT_EDIT_URL"} <= set(workflow["env"])

    jobs = workflow["jobs"]
    test, deploy = jobs["test"], jobs["deploy"]
    assert test["runs-on"] == "ubuntu-latest"
    assert test["permissions"] == {"contents": "read"}
    assert "if" not in test, "the tests run on pull requests and on main"
    runs = [s["run"] for s in test["steps"] if "run" in s]
    assert any(r.strip() in ("bash .ci/run", "make test") for r in runs), runs
    python = next(s for s in test["steps"] if s.get("uses", "").startswith("actions/setup-python@"))
    assert str(python["with"]["python-version"]) == "3.11"

    uses = {s["uses"].split("@")[0]: s for _, s in _steps(workflow) if "uses" in s}
    for publishing in ("actions/upload-pages-artifact", "actions/upload-artifact"):
        assert "refs/heads/main" in uses[publishing]["if"], f"{publishing} runs on main only"
    assert uses["actions/upload-pages-artifact"]["with"]["path"].rstrip("/") == "site"
    assert uses["actions/upload-artifact"]["with"]["path"].rstrip("/") == "site-offline"

    # Only the deploy job may write to Pages or mint an OIDC token, and only after the tests.
    assert deploy["needs"] == "test"
    assert "refs/heads/main" in deploy["if"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert [s["uses"].split("@")[0] for s in deploy["steps"]] == ["actions/deploy-pages"]
    for job_id, job in jobs.items():
        if job_id != "deploy":
            assert not {"pages", "id-token"} & set(job.get("permissions", {})), job_id

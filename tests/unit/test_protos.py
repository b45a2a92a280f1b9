"""buf lints the protos (STANDARD + COMMENTS); a style break must fail the lint."""

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUF = ROOT / "node_modules" / ".bin" / "buf"

pytestmark = pytest.mark.skipif(not BUF.exists(), reason="buf is installed by `make test` (npm ci)")


def lint(workspace: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BUF), "lint"], cwd=workspace, capture_output=True, text=True, timeout=120
    )


def copy_workspace(target: Path) -> Path:
    for name in ("buf.yaml", "protos", "build/third_party"):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name)
        else:
            shutil.copyfile(source, target / name)
    return target


def test_the_protos_pass_buf_lint() -> None:
    result = lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("old", "new", "complaint"),
    [
        ("PATH_UNSPECIFIED = 0;", "PATH_NONE = 0;", 'should be suffixed with "_UNSPECIFIED"'),
        (
            "rpc Ask(AskRequest) returns (AskResponse)",
            "rpc Ask(AskStreamRequest) returns (AskResponse)",
            "is used as the request or response type for multiple RPCs",
        ),
        (
            "  // The question, in natural language (at most 8,000 characters).\n"
            "  string query = 1;",
            "  string query = 1;",
            'Field "query" should have a non-empty comment',
        ),
    ],
)
def test_a_style_break_fails_the_lint(tmp_path: Path, old: str, new: str, complaint: str) -> None:
    workspace = copy_workspace(tmp_path)
    proto = workspace / "protos" / "svend" / "router" / "v1" / "router.proto"
    text = proto.read_text()
    assert old in text
    proto.write_text(text.replace(old, new, 1))
    result = lint(workspace)
    assert result.returncode != 0
    assert complaint in result.stdout + result.stderr

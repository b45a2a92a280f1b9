"""Generate Python stubs, type stubs and Envoy's descriptor set from protos/.

Output lands beside the hand-written code (services/svend/<service>/v1/) so imports read
`from svend.tools.v1 import tools_pb2` with no rewriting. The googleapis protos that the
sources import are copied to build/third_party so that buf lints against the same files.
"""

import shutil
import sys
from pathlib import Path

import google.api
import grpc_tools
from grpc_tools import protoc

ROOT = Path(__file__).resolve().parent.parent
PROTOS = ROOT / "protos"
SERVICES = ROOT / "services"
DESCRIPTOR = ROOT / "deploy" / "envoy" / "svend.pb"
THIRD_PARTY = ROOT / "build" / "third_party"
GOOGLE_API_PROTOS = ("annotations.proto", "http.proto")


def vendor_googleapis() -> Path:
    """Copy google/api protos from googleapis-common-protos into build/third_party."""
    source = Path(google.api.__path__[0])
    target = THIRD_PARTY / "google" / "api"
    target.mkdir(parents=True, exist_ok=True)
    for name in GOOGLE_API_PROTOS:
        shutil.copyfile(source / name, target / name)
    return THIRD_PARTY


def main() -> int:
    sources = sorted(str(p.relative_to(PROTOS)) for p in PROTOS.rglob("*.proto"))
    well_known = Path(grpc_tools.__path__[0]) / "_proto"
    includes = [f"-I{PROTOS}", f"-I{vendor_googleapis()}", f"-I{well_known}"]
    for package_dir in {Path(s).parent for s in sources}:
        (SERVICES / package_dir).mkdir(parents=True, exist_ok=True)
    DESCRIPTOR.parent.mkdir(parents=True, exist_ok=True)
    args = [
        "protoc",
        *includes,
        f"--python_out={SERVICES}",
        f"--grpc_python_out={SERVICES}",
        f"--pyi_out={SERVICES}",
        "--include_imports",
        "--include_source_info",
        f"--descriptor_set_out={DESCRIPTOR}",
        *sources,
    ]
    status = protoc.main(args)
    if status != 0:
        print(f"protoc failed with status {status}", file=sys.stderr)
        return status
    print(f"generated stubs for {len(sources)} protos and {DESCRIPTOR.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

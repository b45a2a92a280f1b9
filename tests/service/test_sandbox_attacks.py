"""Hostile programs against execute_python, through a real tools service.

Each attack runs as a model-written program would: a CallTool over gRPC. An attack is contained
when it cannot see or change anything outside its jail (a canary file, the service's
environment, a listener on the host's loopback, the service process) and leaves nothing for the
next call. After all of them the service must still be healthy, answer a normal call and hold
no jail beyond its warm pool.
"""

import base64
import json
import os
import socket
import subprocess
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from svend.common.clients import from_struct, to_struct
from svend.common.v1 import tool_pb2
from svend.launcher import LocalMesh, free_endpoints, free_port
from svend.tools.v1 import tools_pb2, tools_pb2_grpc

SECRET = "svend-canary-secret-7f3a9c"
CANARY_TEXT = "canary-file-contents-4b1e"
WALL_SECONDS = 3
WARM_JAILS = 2
OUTPUT_KB = 16


@dataclass
class Host:
    """What the attacks aim at, outside the jail."""

    stub: tools_pb2_grpc.ToolServiceStub
    channel: grpc.Channel
    canary: Path
    listener_port: int
    listener_hits: list[bytes]
    abstract_socket: str
    service_pid: int


@pytest.fixture(scope="module")
def host(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Host]:
    workdir = tmp_path_factory.mktemp("sandbox-attacks")
    canary = workdir / "canary.txt"
    canary.write_text(CANARY_TEXT)
    hits: list[bytes] = []
    listener = socket.create_server(("127.0.0.1", 0))
    abstract = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    abstract_name = f"svend-attack-{os.getpid()}"
    abstract.bind("\0" + abstract_name)
    abstract.listen()

    def accept(server: socket.socket) -> None:
        while True:
            try:
                connection, _ = server.accept()
            except OSError:
                return
            hits.append(connection.recv(100) or b"connected")
            connection.close()

    for server in (listener, abstract):
        threading.Thread(target=accept, args=(server,), daemon=True).start()
    mesh = LocalMesh(
        workdir / "mesh",
        endpoints=free_endpoints(),
        services=["tools"],
        admin_port=free_port(),
        extra_env={
            "SVEND_TOOLS_CANARY_SECRET": SECRET,
            "SVEND_TOOLS_SANDBOX_WALL_SECONDS": str(WALL_SECONDS),
            "SVEND_TOOLS_SANDBOX_CPU_SECONDS": "1",
            "SVEND_TOOLS_SANDBOX_WARM": str(WARM_JAILS),
            "SVEND_TOOLS_SANDBOX_OUTPUT_KB": str(OUTPUT_KB),
            "SVEND_TOOLS_SANDBOX_DISK_MB": "8",
        },
    )
    mesh.start(timeout=120)
    channel = grpc.insecure_channel(mesh.endpoints["tools"].address)
    try:
        yield Host(
            stub=tools_pb2_grpc.ToolServiceStub(channel),
            channel=channel,
            canary=canary,
            listener_port=listener.getsockname()[1],
            listener_hits=hits,
            abstract_socket=abstract_name,
            service_pid=mesh.processes["tools"].pid,
        )
    finally:
        channel.close()
        mesh.stop()
        listener.close()
        abstract.close()


def run(host: Host, code: str) -> tools_pb2.CallToolResponse:
    return host.stub.CallTool(
        tools_pb2.CallToolRequest(name="execute_python", arguments=to_struct({"code": code})),
        timeout=30,
    )


def reply_text(reply: tools_pb2.CallToolResponse) -> str:
    """Everything the jail sent back, for searching for leaked secrets."""
    return json.dumps(from_struct(reply.result)) + reply.error.message


def raised(reply: tools_pb2.CallToolResponse, exception: str) -> bool:
    """The program ran and raised `exception` (a contained failure, reported as a result)."""
    result = from_struct(reply.result)
    return reply.ok and exception in (result.get("error") or "")


def value(reply: tools_pb2.CallToolResponse) -> str | None:
    assert reply.ok, reply.error.message
    return from_struct(reply.result)["value"]


def failed(reply: tools_pb2.CallToolResponse, code: int, words: str) -> bool:
    return not reply.ok and reply.error.code == code and words in reply.error.message


EXECUTION_FAILED = tool_pb2.TOOL_ERROR_CODE_EXECUTION_FAILED
TIMEOUT = tool_pb2.TOOL_ERROR_CODE_TIMEOUT

Check = Callable[[tools_pb2.CallToolResponse, Host], bool]

# (id, program with {canary} {port} {abstract} {pid} filled in, check of the reply)
ATTACKS: list[tuple[str, str, Check]] = [
    (
        "read-canary-file",
        "open({canary!r}).read()",
        lambda reply, host: raised(reply, "FileNotFoundError"),
    ),
    ("read-etc-passwd", "open('/etc/passwd').read()", lambda r, h: raised(r, "FileNotFoundError")),
    (
        "list-host-root",
        "import os; sorted(os.listdir('/'))",
        lambda r, h: "etc" not in value(r) and "home" not in value(r),
    ),
    (
        "walk-for-canary",
        # Everything but the interpreter's runtime (/usr and Python's prefix, host files by
        # design) and the kernel's pseudo-filesystems: walking those takes more than the jail's
        # one second of CPU on a slow host.
        "import os, sys\n"
        "skip = ('/proc', '/sys', '/dev', '/usr', sys.base_prefix)\n"
        "found = []\n"
        "for p, d, f in os.walk('/'):\n"
        "    d[:] = [n for n in d if os.path.join(p, n) not in skip]\n"
        "    found += [p] if 'canary.txt' in f else []\n"
        "found",
        lambda r, h: value(r) == "[]",
    ),
    ("read-own-environment", "import os; dict(os.environ)", lambda r, h: "SVEND" not in value(r)),
    (
        "read-every-process-environment",
        "import glob\n"
        "found = []\n"
        "for path in glob.glob('/proc/*/environ'):\n"
        "    try: found.append(open(path, 'rb').read())\n"
        "    except OSError: pass\n"
        "b''.join(found)",
        lambda r, h: "SVEND" not in value(r),
    ),
    (
        "write-outside-work-dir",
        "open('/usr/svend-escape', 'w').write('x')",
        lambda r, h: raised(r, "OSError") and not Path("/usr/svend-escape").exists(),
    ),
    (
        "overwrite-canary",
        "open({canary!r}, 'w').write('owned')",
        lambda r, h: raised(r, "Error") and h.canary.read_text() == CANARY_TEXT,
    ),
    (
        "tcp-to-host-listener",
        "import socket; socket.create_connection(('127.0.0.1', {port}), timeout=1).send(b'hi')",
        lambda r, h: raised(r, "PermissionError"),
    ),
    (
        "ipv6-socket",
        "import socket; socket.socket(socket.AF_INET6)",
        lambda r, h: raised(r, "PermissionError"),
    ),
    (
        "raw-socket",
        "import socket; socket.socket(socket.AF_PACKET, socket.SOCK_RAW)",
        lambda r, h: raised(r, "PermissionError"),
    ),
    (
        "http-to-host",
        "import urllib.request; urllib.request.urlopen('http://127.0.0.1:{port}/', timeout=1)",
        lambda r, h: raised(r, "URLError"),
    ),
    (
        "abstract-unix-socket-of-host",
        "import socket\ns = socket.socket(socket.AF_UNIX)\ns.connect('\\0{abstract}')",
        lambda r, h: raised(r, "ConnectionRefusedError"),
    ),
    (
        "subprocess-run",
        "import subprocess; subprocess.run(['cat', {canary!r}])",
        lambda r, h: raised(r, "PermissionError"),
    ),
    (
        "os-system",
        "import os; os.system('cat {canary} > /work/leak; echo owned')",
        lambda r, h: value(r) != "0" and CANARY_TEXT not in reply_text(r),
    ),
    ("fork", "import os; os.fork()", lambda r, h: raised(r, "PermissionError")),
    (
        "fork-bomb",
        "import os\nwhile True:\n    os.fork()",
        lambda r, h: raised(r, "PermissionError"),
    ),
    (
        "posix-spawn",
        "import os; os.posix_spawn('/usr/bin/cat', ['cat', {canary!r}], {{}})",
        lambda r, h: raised(r, "Error"),
    ),
    (
        "exec-replaces-interpreter",
        "import os; os.execv('/usr/bin/cat', ['cat', {canary!r}])",
        lambda r, h: (
            failed(r, EXECUTION_FAILED, "before it could report")
            and CANARY_TEXT not in reply_text(r)
        ),
    ),
    (
        "kill-parent",
        "import os, signal; os.kill(os.getppid(), signal.SIGKILL); 'alive'",
        lambda r, h: value(r) == "'alive'",
    ),
    (
        "kill-service-by-pid",
        "import os, signal; os.kill({pid}, signal.SIGKILL)",
        lambda r, h: raised(r, "ProcessLookupError"),
    ),
    (
        "kill-everything-visible",
        "import os, signal; os.kill(-1, signal.SIGKILL)",
        lambda r, h: raised(r, "ProcessLookupError"),
    ),
    (
        "thread-bomb",
        "import threading, time\n"
        "started = 0\n"
        "try:\n"
        "    while True:\n"
        "        threading.Thread(target=time.sleep, args=(60,), daemon=True).start()\n"
        "        started += 1\n"
        "except RuntimeError:\n"
        "    pass\n"
        "started < 1000",
        lambda r, h: value(r) == "True",
    ),
    ("memory-bomb", "b = bytearray(10**10)", lambda r, h: raised(r, "MemoryError")),
    (
        "memory-creep",
        "chunks = []\nwhile True:\n    chunks.append(b'x' * 10**7)",
        lambda r, h: raised(r, "MemoryError"),
    ),
    (
        "disk-bomb",
        "with open('big', 'wb') as f:\n    while True:\n        f.write(b'x' * 10**6)",
        lambda r, h: raised(r, "OSError") and not from_struct(r.result)["files_complete"],
    ),
    (
        "tmp-disk-bomb",
        "with open('/tmp/big', 'wb') as f:\n    while True:\n        f.write(b'x' * 10**6)",
        lambda r, h: raised(r, "OSError"),
    ),
    (
        "output-bomb",
        "while True:\n    print('x' * 1000)",
        lambda r, h: failed(r, EXECUTION_FAILED, "stdout"),
    ),
    (
        "stderr-bomb",
        "import sys\nwhile True:\n    sys.stderr.write('x' * 1000)",
        lambda r, h: failed(r, EXECUTION_FAILED, "stderr"),
    ),
    (
        "busy-loop",
        "while True:\n    pass",
        lambda r, h: failed(r, EXECUTION_FAILED, "CPU") or failed(r, TIMEOUT, "finish"),
    ),
    (
        "cpu-limit-is-set",
        "import resource; resource.getrlimit(resource.RLIMIT_CPU)[1] < 60",
        lambda r, h: value(r) == "True",
    ),
    (
        "ignore-cpu-signal",
        "import signal\nsignal.signal(signal.SIGXCPU, signal.SIG_IGN)\nwhile True:\n    pass",
        lambda r, h: not r.ok,
    ),
    ("sleep-forever", "import time; time.sleep(3600)", lambda r, h: failed(r, TIMEOUT, "finish")),
    (
        "raise-own-limits",
        "import resource; resource.setrlimit(resource.RLIMIT_AS, (-1, -1))",
        lambda r, h: raised(r, "ValueError") or raised(r, "PermissionError"),
    ),
    (
        "subclasses-escape",
        "wrap = [c for c in ().__class__.__base__.__subclasses__() if c.__name__ == "
        "'_wrap_close'][0]\n"
        "wrap.__init__.__globals__['system']('cat {canary}')",
        lambda r, h: value(r) != "0" and CANARY_TEXT not in reply_text(r),
    ),
    (
        "frame-escape",
        "import sys\nframe = sys._getframe()\nwhile frame.f_back: frame = frame.f_back\n"
        "frame.f_globals['os'].listdir('/')",
        lambda r, h: "etc" not in value(r),
    ),
    (
        "ctypes-system",
        "import ctypes; ctypes.CDLL(None).system(b'cat {canary}')",
        lambda r, h: value(r) != "0" and CANARY_TEXT not in reply_text(r),
    ),
    (
        "ctypes-unshare",
        "import ctypes; ctypes.CDLL(None, use_errno=True).unshare(0x10000000)",
        lambda r, h: value(r) == "-1",
    ),
    (
        "ctypes-segfault",
        "import ctypes; ctypes.string_at(0)",
        lambda r, h: failed(r, EXECUTION_FAILED, "SIGSEGV"),
    ),
    ("chroot", "import os; os.chroot('/tmp')", lambda r, h: raised(r, "PermissionError")),
    (
        "forge-result-channel",
        "import os\nfor fd in range(3, 20):\n"
        "    try: os.write(fd, b'{{not json')\n    except OSError: pass",
        lambda r, h: not r.ok or "not json" not in reply_text(r),
    ),
    (
        "import-service-code",
        "import svend.tools.sandbox",
        lambda r, h: raised(r, "ModuleNotFoundError"),
    ),
    (
        "device-access",
        "open('/dev/mem', 'rb').read(1)",
        lambda r, h: raised(r, "FileNotFoundError") or raised(r, "PermissionError"),
    ),
]


@pytest.mark.parametrize(
    ("program", "check"), [a[1:] for a in ATTACKS], ids=[a[0] for a in ATTACKS]
)
def test_attack_is_contained(host: Host, program: str, check: Check) -> None:
    code = program.format(
        canary=str(host.canary),
        port=host.listener_port,
        abstract=host.abstract_socket,
        pid=host.service_pid,
    )
    reply = run(host, code)
    assert check(reply, host), reply
    assert SECRET not in reply_text(reply)
    assert CANARY_TEXT not in reply_text(reply)


def test_nothing_persists_to_the_next_call(host: Host) -> None:
    first = run(
        host,
        "import builtins, math, sys\n"
        "builtins.left_behind = 1\nmath.pi = 3\nsys.modules['planted'] = math\n"
        "open('note', 'w').write('x')\nopen('/tmp/note', 'w').write('x')\n'done'",
    )
    assert value(first) == "'done'"
    second = run(
        host,
        "import builtins, math, os, sys\n"
        "(hasattr(builtins, 'left_behind'), math.pi == 3, 'planted' in sys.modules, "
        "os.listdir('.'), os.path.exists('/tmp/note'))",
    )
    assert value(second) == "(False, False, False, [], False)"


def test_service_is_healthy_and_holds_no_stray_jails(host: Host) -> None:
    health = health_pb2_grpc.HealthStub(host.channel).Check(
        health_pb2.HealthCheckRequest(service="svend.tools.v1.ToolService"), timeout=5
    )
    assert health.status == health_pb2.HealthCheckResponse.SERVING
    assert value(run(host, "sum(range(10))")) == "45"
    assert host.listener_hits == []
    jails = subprocess.run(
        ["pgrep", "-f", "sandbox_worker.py", "-P", str(host.service_pid)],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.split()
    assert len(jails) <= WARM_JAILS + 1


def test_program_output_value_files_and_plots_come_back(host: Host) -> None:
    reply = run(
        host,
        "import matplotlib.pyplot as plt\n"
        "print('squares')\n"
        "open('table.csv', 'w').write('n,square\\n3,9\\n')\n"
        "plt.plot([1, 2, 3], [1, 4, 9])\n"
        "{'total': sum(n * n for n in range(4))}",
    )
    result = from_struct(reply.result)
    assert reply.ok and result["error"] is None
    assert result["stdout"] == "squares\n"
    assert result["value"] == "{'total': 14}"
    (table,) = result["files"]
    assert table["path"] == "table.csv"
    assert base64.b64decode(table["content_base64"]) == b"n,square\n3,9\n"
    assert result["files_complete"] is True
    (figure,) = result["plots"]
    assert base64.b64decode(figure["image_png_base64"]).startswith(b"\x89PNG\r\n\x1a\n")


def test_exception_is_a_result_with_the_output_before_it(host: Host) -> None:
    reply = run(host, "print('before')\nraise ValueError('bad input')")
    result = from_struct(reply.result)
    assert reply.ok
    assert result["stdout"] == "before\n"
    assert result["error"].endswith("ValueError: bad input\n")
    assert 'File "<code>", line 2' in result["error"]

"""`svend`: ask questions, list tools, check health, and start or stop the local mesh."""

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

import grpc
from google.protobuf import json_format
from rich.console import Console
from rich.table import Table

if TYPE_CHECKING:
    from svend.router.v1 import router_pb2

from svend.launcher import (
    LaunchError,
    LocalMesh,
    check_serving,
    default_endpoints,
    gateway_ready,
    read_state,
    stop_detached,
)
from svend.mesh import GATEWAY_ADMIN_PORT, GATEWAY_PORT, SERVICES

DEFAULT_RUN_DIR = Path(os.environ.get("SVEND_RUN_DIR", ".run"))
DEFAULT_GATEWAY = os.environ.get("SVEND_GATEWAY", f"localhost:{GATEWAY_PORT}")
EXAMPLE_BODY = json.dumps({"query": "convert 5 km to miles"})
# A crashed process is restarted, unless crashes come this often: then the mesh stops.
MAX_RESTARTS = 5
RESTART_WINDOW_SECONDS = 60
PATHS = {"auto": 0, "quick": 1, "standard": 2, "deep": 3}

console = Console(soft_wrap=True)


def port_in_use(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def command_up(args: argparse.Namespace) -> int:
    ports = {f"{s.name} gRPC": s.grpc_port for s in SERVICES}
    ports |= {f"{s.name} metrics": s.metrics_port for s in SERVICES}
    ports |= {"gateway": GATEWAY_PORT, "gateway admin": GATEWAY_ADMIN_PORT}
    busy = [f"{name} ({port})" for name, port in ports.items() if port_in_use(port)]
    if busy:
        console.print(
            f"[red]ports in use: {', '.join(busy)}[/red]; is a mesh already running? "
            "Stop it with `make down`."
        )
        return 1
    if args.detach:
        return start_detached(args)
    extra_env = {"SVEND_REDIS_URL": args.redis_url} if args.redis_url else {}
    mesh = LocalMesh(args.run_dir, extra_env=extra_env)
    console.print(f"starting the Svend mesh (logs in {args.run_dir / 'logs'}) …")
    # SIGTERM while starting unwinds like Ctrl-C, so mesh.start stops what it started.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        mesh.start(timeout=args.timeout, progress=True)
    except KeyboardInterrupt:
        console.print("interrupted; stopped what had started.")
        return 1
    except LaunchError as error:
        console.print(f"[red]start failed:[/red] {error}")
        return 1
    print_banner(args.redis_url)
    console.print("press Ctrl-C to stop.")
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    restarts: list[float] = []
    while not stop.wait(1.0):
        crashed = [n for n, p in mesh.processes.items() if p.exited() is not None]
        restarts = [t for t in restarts if t > time.monotonic() - RESTART_WINDOW_SECONDS]
        if crashed and len(restarts) >= MAX_RESTARTS:
            console.print(
                f"[red]{', '.join(crashed)} exited again after {len(restarts)} restarts "
                f"within {RESTART_WINDOW_SECONDS} s[/red]; stopping."
            )
            break
        for name in crashed:
            code = mesh.processes[name].exited()
            console.print(f"[yellow]{name} exited ({code}); restarting[/yellow]")
            mesh.restart(name)
            restarts.append(time.monotonic())
        if crashed:
            mesh.write_state()
    console.print("stopping …")
    codes = mesh.stop()
    console.print("stopped: " + ", ".join(f"{name} ({code})" for name, code in codes.items()))
    return 0


def print_banner(redis_url: str | None) -> None:
    cache = f"Redis at {redis_url}" if redis_url else "in memory"
    console.print(
        f"[green]Svend is up.[/green] REST and gRPC: http://localhost:{GATEWAY_PORT}  "
        f"(Envoy admin: http://localhost:{GATEWAY_ADMIN_PORT}); cache: {cache}\n"
        f"  try: curl -s localhost:{GATEWAY_PORT}/v1/ask -d '{EXAMPLE_BODY}'\n"
        f'       svend ask "solve x^2-5x+6=0"'
    )
    for spec in SERVICES:
        console.print(
            f"  {spec.name:<9} gRPC 127.0.0.1:{spec.grpc_port}"
            f"  metrics http://127.0.0.1:{spec.metrics_port}/metrics"
        )


def start_detached(args: argparse.Namespace) -> int:
    """Run `svend up` as a background supervisor and return once its mesh is healthy.

    The supervisor stays the parent of every process (Envoy exits when its parent does)
    and stops them all when `svend down` sends it SIGTERM.
    """
    args.run_dir.mkdir(parents=True, exist_ok=True)
    (args.run_dir / "logs").mkdir(exist_ok=True)
    argv = [sys.executable, "-m", "svend.cli", "--run-dir", str(args.run_dir), "up"]
    argv += ["--timeout", str(args.timeout)]
    if args.redis_url:
        argv += ["--redis-url", args.redis_url]
    log_path = args.run_dir / "logs" / "supervisor.log"
    with log_path.open("ab") as log_file:
        supervisor = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    console.print(f"starting the Svend mesh in the background (logs in {args.run_dir / 'logs'}) …")
    while True:
        state = read_state(args.run_dir)
        if state is not None and state.supervisor == supervisor.pid:
            break
        if supervisor.poll() is not None:
            tail = "\n".join(log_path.read_text(errors="replace").splitlines()[-20:])
            console.print(f"[red]start failed[/red]; last lines of {log_path}:\n{tail}")
            return 1
        time.sleep(0.3)
    print_banner(args.redis_url)
    console.print("running in the background; stop with `make down` (or `svend down`).")
    return 0


def command_down(args: argparse.Namespace) -> int:
    stopped = stop_detached(args.run_dir)
    console.print(f"stopped: {', '.join(stopped)}" if stopped else "no detached mesh is running")
    return 0


def command_health(args: argparse.Namespace) -> int:
    state = read_state(args.run_dir)
    if state:
        endpoints = {name: f"127.0.0.1:{e['grpc_port']}" for name, e in state.endpoints.items()}
        admin_port = state.admin_port
    else:
        endpoints = {name: e.address for name, e in default_endpoints().items()}
        admin_port = GATEWAY_ADMIN_PORT
    table = Table("component", "address", "status")
    healthy = True
    for name, address in endpoints.items():
        serving = check_serving(address)
        healthy &= serving
        table.add_row(name, address, "[green]SERVING[/green]" if serving else "[red]DOWN[/red]")
    ready = gateway_ready(admin_port)
    healthy &= ready
    table.add_row(
        "envoy", f"127.0.0.1:{admin_port}", "[green]LIVE[/green]" if ready else "[red]DOWN[/red]"
    )
    console.print(table)
    return 0 if healthy else 1


def rpc_error(error: grpc.RpcError) -> int:
    code = error.code() if isinstance(error, grpc.Call) else grpc.StatusCode.UNKNOWN
    details = error.details() if isinstance(error, grpc.Call) else str(error)
    console.print(f"[red]{code.name}[/red]: {details}")
    if code == grpc.StatusCode.UNAVAILABLE:
        console.print("is the mesh running? Start it with `make run` (or `make up`).")
    return 1


def command_ask(args: argparse.Namespace) -> int:
    from svend.router.v1 import router_pb2, router_pb2_grpc

    request = router_pb2.AskRequest(query=args.query, path=PATHS[args.path])
    with grpc.insecure_channel(args.gateway) as channel:
        try:
            reply = router_pb2_grpc.RouterServiceStub(channel).Ask(request, timeout=args.timeout)
        except grpc.RpcError as error:
            return rpc_error(error)
    if args.json:
        print(json_format.MessageToJson(reply, preserving_proto_field_name=True))
        return 0
    print_answer(reply)
    return 0


def print_answer(reply: "router_pb2.AskResponse") -> None:
    from svend.common.v1 import reasoning_pb2, safety_pb2, verification_pb2
    from svend.router.v1 import router_pb2

    if reply.refused:
        console.print(f"[red bold]refused[/red bold]: {reply.answer}")
    else:
        console.print(f"[bold]{reply.answer}[/bold]")
        if reply.final_value:
            console.print(f"value: {reply.final_value}")
    console.print(
        f"path: {router_pb2.Path.Name(reply.path)} ({reply.path_reason})"
        + ("  [cached]" if reply.cached else "")
    )
    for step in reply.steps:
        kind = reasoning_pb2.StepKind.Name(step.kind).removeprefix("STEP_KIND_").lower()
        console.print(f"  {step.index}. [cyan]{kind}[/cyan] {step.text}", highlight=False)
    if reply.HasField("verification"):
        v = reply.verification
        verdict = verification_pb2.Verdict.Name(v.verdict).removeprefix("VERDICT_")
        console.print(f"verification: {verdict} (confidence {v.confidence:.2f})")
        for reason in v.reasons:
            console.print(f"  - {reason}", highlight=False)
    decision = safety_pb2.InputDecision.Name(reply.safety.input.decision)
    output = safety_pb2.OutputDecision.Name(reply.safety.output.decision)
    console.print(f"safety: input {decision}, output {output}")
    timings = ", ".join(f"{k} {v:.1f} ms" for k, v in reply.timings_ms.items())
    console.print(f"timings: {timings}")


def command_tools(args: argparse.Namespace) -> int:
    from svend.tools.v1 import tools_pb2, tools_pb2_grpc

    with grpc.insecure_channel(args.gateway) as channel:
        try:
            reply = tools_pb2_grpc.ToolServiceStub(channel).ListTools(
                tools_pb2.ListToolsRequest(), timeout=10
            )
        except grpc.RpcError as error:
            return rpc_error(error)
    if args.json:
        print(json_format.MessageToJson(reply, preserving_proto_field_name=True))
        return 0
    for tool in reply.tools:
        schema = json_format.MessageToDict(tool.parameters_schema)
        console.print(f"[bold]{tool.name}[/bold]: {tool.description}")
        required = set(schema.get("required", []))
        for name, spec in schema.get("properties", {}).items():
            mark = "*" if name in required else " "
            detail = spec.get(
                "description", json.dumps({k: v for k, v in spec.items() if k != "description"})
            )
            console.print(f"   {mark} {name}: {detail}", highlight=False)
    return 0


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="svend", description=__doc__)
    root.add_argument(
        "--run-dir", type=Path, default=DEFAULT_RUN_DIR, help="state and logs of the local mesh"
    )
    commands = root.add_subparsers(dest="command", required=True)

    ask = commands.add_parser("ask", help="ask a question through the gateway")
    ask.add_argument("query")
    ask.add_argument("--path", choices=list(PATHS), default="auto")
    ask.add_argument("--gateway", default=DEFAULT_GATEWAY, help="gateway host:port (gRPC)")
    ask.add_argument("--timeout", type=float, default=180.0)
    ask.add_argument("--json", action="store_true", help="print the raw reply as JSON")
    ask.set_defaults(handler=command_ask)

    tools = commands.add_parser("tools", help="list the tools and their arguments")
    tools.add_argument("--gateway", default=DEFAULT_GATEWAY)
    tools.add_argument("--json", action="store_true")
    tools.set_defaults(handler=command_tools)

    health = commands.add_parser("health", help="health of every service and the gateway")
    health.set_defaults(handler=command_health)

    up = commands.add_parser("up", help="start the whole mesh as local processes")
    up.add_argument(
        "--detach", action="store_true", help="return once healthy; stop with `svend down`"
    )
    up.add_argument("--redis-url", default=os.environ.get("SVEND_REDIS_URL"), help="cache in Redis")
    up.add_argument("--timeout", type=float, default=300.0, help="seconds to wait for health")
    up.set_defaults(handler=command_up)

    down = commands.add_parser("down", help="stop a detached mesh")
    down.set_defaults(handler=command_down)
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())

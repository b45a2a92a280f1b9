"""The program that runs inside the sandbox: preload, wait for one request, run it, report, exit.

Runs as `python -I -S sandbox_worker.py RESULT_FD SITE_DIR... -- PRELOAD...` under bubblewrap
(see sandbox.py), so it uses the standard library only and never imports svend. It is started
ahead of time ("warm"): the slow part (interpreter start, imports of numpy and sympy) happens
before any request exists. Then it reads one JSON request from stdin, applies the per-call
resource limits to itself, runs the code once and writes one JSON result to RESULT_FD.
The process is never reused, so nothing a call does can be seen by the next one.
"""

import ast
import base64
import importlib
import io
import json
import os
import resource
import sys
import traceback

CODE_FILENAME = "<code>"
WORK_DIR = "/work"
READY = b"ready\n"


def split_arguments(argv: list[str]) -> tuple[int, list[str], list[str]]:
    """RESULT_FD, the library directories and the modules to preload, from argv."""
    result_fd = int(argv[1])
    rest = argv[2:]
    marker = rest.index("--")
    return result_fd, rest[:marker], rest[marker + 1 :]


def apply_limits(limits: dict[str, int]) -> None:
    """Lower this process's hard limits; nothing inside the sandbox can raise them again."""
    used = resource.getrusage(resource.RUSAGE_SELF)
    cpu_used = int(used.ru_utime + used.ru_stime) + 1
    cpu = cpu_used + limits["cpu_seconds"]
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    resource.setrlimit(resource.RLIMIT_AS, (limits["memory_bytes"], limits["memory_bytes"]))
    resource.setrlimit(resource.RLIMIT_FSIZE, (limits["file_bytes"], limits["file_bytes"]))
    resource.setrlimit(resource.RLIMIT_NOFILE, (limits["open_files"], limits["open_files"]))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def compile_code(source: str) -> tuple[object, object | None]:
    """The code as a module, with a final bare expression split off so its value can be shown."""
    tree = ast.parse(source, filename=CODE_FILENAME, mode="exec")
    last_expression = None
    if tree.body and isinstance(tree.body[-1], ast.Expr):
        last = tree.body.pop()
        last_expression = compile(
            ast.Expression(last.value), CODE_FILENAME, "eval", dont_inherit=True
        )
    return compile(tree, CODE_FILENAME, "exec", dont_inherit=True), last_expression


def user_traceback(error: BaseException) -> str:
    """The traceback from the first frame of the user's code on (the worker's own frames hidden)."""
    frames = traceback.extract_tb(error.__traceback__)
    shown = [frame for frame in frames if frame.filename == CODE_FILENAME]
    lines = ["Traceback (most recent call last):\n"] if shown else []
    lines += traceback.format_list(shown)
    lines += traceback.format_exception_only(type(error), error)
    return "".join(lines)


def shown_value(value: object, max_chars: int) -> str:
    """repr() of the final expression, cut to max_chars."""
    try:
        text = repr(value)
    except Exception as error:
        text = f"<repr failed: {type(error).__name__}>"
    return text if len(text) <= max_chars else text[:max_chars] + "…"


class OutputBudget:
    """Bytes of plots and files still allowed back, and whether anything was left out."""

    def __init__(self, max_bytes: int) -> None:
        self.left = max_bytes
        self.complete = True

    def take(self, size: int) -> bool:
        if size > self.left:
            self.complete = False
            return False
        self.left -= size
        return True


def collect_plots(max_plots: int, budget: OutputBudget) -> list[dict[str, object]]:
    """Open Matplotlib figures as PNG, when the code drew any."""
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is None:
        return []
    plots = []
    for number in pyplot.get_fignums()[:max_plots]:
        buffer = io.BytesIO()
        pyplot.figure(number).savefig(buffer, format="png", metadata={"Software": None})
        if budget.take(buffer.tell()):
            image = base64.b64encode(buffer.getvalue()).decode()
            plots.append({"figure": number, "image_png_base64": image})
    return plots


def collect_files(max_files: int, budget: OutputBudget) -> list[dict[str, object]]:
    """Regular files the code left in the working directory, up to the count and size caps."""
    files: list[dict[str, object]] = []
    for root, _dirs, names in os.walk(WORK_DIR):
        for name in sorted(names):
            path = os.path.join(root, name)
            if not os.path.isfile(path) or os.path.islink(path):
                continue
            if len(files) >= max_files:
                budget.complete = False
                return files
            if not budget.take(os.path.getsize(path)):
                continue
            with open(path, "rb") as handle:
                content = handle.read()
            files.append(
                {
                    "path": os.path.relpath(path, WORK_DIR),
                    "size_bytes": len(content),
                    "content_base64": base64.b64encode(content).decode(),
                }
            )
    return files


def run(request: dict[str, object]) -> dict[str, object]:
    """Run the request's code once and describe what happened."""
    result: dict[str, object] = {"value": None, "error": None}
    namespace: dict[str, object] = {"__name__": "__main__", "__builtins__": __builtins__}
    try:
        module, last_expression = compile_code(str(request["code"]))
        exec(module, namespace)
        if last_expression is not None:
            value = eval(last_expression, namespace)
            if value is not None:
                result["value"] = shown_value(value, int(request["max_value_chars"]))
    except SyntaxError as error:
        result["error"] = "".join(traceback.format_exception_only(type(error), error))
    except BaseException as error:
        result["error"] = user_traceback(error)
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
    budget = OutputBudget(int(request["max_file_bytes_total"]))
    try:
        result["plots"] = collect_plots(int(request["max_plots"]), budget)
        result["files"] = collect_files(int(request["max_files"]), budget)
        result["files_complete"] = budget.complete
    except BaseException as error:
        result["plots"], result["files"], result["files_complete"] = [], [], False
        result["error"] = result["error"] or f"collecting outputs failed: {error!r}"
    return result


def main() -> None:
    result_fd, site_dirs, preload = split_arguments(sys.argv)
    sys.path.extend(site_dirs)
    for module in preload:
        importlib.import_module(module)
    os.write(result_fd, READY)
    request = json.loads(sys.stdin.buffer.read())
    apply_limits(request["limits"])
    result = run(request)
    payload = json.dumps(result).encode()
    view = memoryview(payload)
    while view:
        written = os.write(result_fd, view)
        view = view[written:]
    os.close(result_fd)
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    main()

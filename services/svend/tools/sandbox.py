"""The Python sandbox: one bubblewrap jail per call, started ahead of time, used once.

Every call gets a new process in fresh user, PID, network, mount, IPC, UTS and cgroup namespaces
(bubblewrap), with the Python runtime and its libraries mounted read-only, an empty size-capped
tmpfs as its working directory, an empty environment, all capabilities dropped and a seccomp
filter that refuses new processes, non-Unix sockets and namespace or mount changes. Inside,
sandbox_worker.py lowers the CPU, memory, file-size and open-file limits before the code runs;
out here the wall-clock limit and the output caps are enforced, and any breach kills the whole
jail. SANDBOX.md has the threat model and what this does not cover.

A pool keeps a few jails started with numpy and sympy already imported, so a call pays only for
running its code; each jail serves exactly one call and is replaced in the background.
"""

import asyncio
import contextlib
import errno
import json
import logging
import os
import platform
import shutil
import signal
import site
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyseccomp

log = logging.getLogger("svend.tools.sandbox")

WORKER_SCRIPT = Path(__file__).with_name("sandbox_worker.py")
# Where the worker script and the libraries appear inside the jail.
JAIL_WORKER = "/opt/svend/sandbox_worker.py"
JAIL_LIBRARY_ROOT = "/opt/svend/site-packages"
JAIL_WORK_DIR = "/work"
JAIL_TMP_DIR = "/tmp"
READY = b"ready\n"
# Largest result document (values, plots and files as base64) read back from a jail.
MAX_RESULT_BYTES = 24 * 1024 * 1024
READ_CHUNK_BYTES = 64 * 1024
# Exit status bubblewrap reports for a jail whose code was killed by a signal.
SIGNAL_EXIT_BASE = 128

JAIL_ENVIRONMENT = {
    "PATH": "/usr/bin:/bin",
    "HOME": JAIL_WORK_DIR,
    "LANG": "C.UTF-8",
    "MPLBACKEND": "Agg",
    "MPLCONFIGDIR": f"{JAIL_TMP_DIR}/matplotlib",
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
}

# Syscalls no sandboxed code needs: they change namespaces, mounts, keys or other processes.
DENIED_SYSCALLS = (
    "fork",
    "vfork",
    "ptrace",
    "unshare",
    "setns",
    "mount",
    "umount2",
    "pivot_root",
    "chroot",
    "keyctl",
    "add_key",
    "request_key",
    "bpf",
    "userfaultfd",
    "perf_event_open",
    "process_vm_readv",
    "process_vm_writev",
    "kexec_load",
    "init_module",
    "finit_module",
    "delete_module",
)
CLONE_THREAD = 0x00010000
AF_UNIX = 1


class SandboxUnavailableError(RuntimeError):
    """This host cannot build the jail (no bubblewrap, or namespaces are not permitted)."""


class SandboxBreach(Exception):
    """The code passed a limit and the jail was killed; the message says which limit."""

    def __init__(self, message: str, *, timed_out: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.timed_out = timed_out


@dataclass(frozen=True)
class SandboxLimits:
    """What one call may use. The defaults suit a small math script; settings can change them."""

    wall_seconds: float = 10.0
    cpu_seconds: int = 10
    memory_bytes: int = 512 * 1024 * 1024
    work_dir_bytes: int = 32 * 1024 * 1024
    file_bytes: int = 16 * 1024 * 1024
    open_files: int = 64
    output_bytes: int = 64 * 1024
    value_chars: int = 10_000
    files: int = 10
    # Plots and files together, before base64; well under gRPC's 4 MiB message limit.
    files_total_bytes: int = 2 * 1024 * 1024
    plots: int = 5


@dataclass(frozen=True)
class SandboxRun:
    """What the code printed and produced."""

    stdout: str
    stderr: str
    value: str | None
    error: str | None
    files: list[dict[str, Any]]
    files_complete: bool
    plots: list[dict[str, Any]]


def seccomp_program() -> bytes:
    """The BPF program the jail runs under: everything allowed except the calls listed here."""
    rules = pyseccomp.SyscallFilter(pyseccomp.ALLOW)
    for name in DENIED_SYSCALLS:
        rules.add_rule(pyseccomp.ERRNO(errno.EPERM), name)
    # Threads (clone with CLONE_THREAD) stay allowed; new processes do not.
    new_process = pyseccomp.Arg(0, pyseccomp.MASKED_EQ, CLONE_THREAD, 0)
    rules.add_rule(pyseccomp.ERRNO(errno.EPERM), "clone", new_process)
    # clone3 hides its flags in memory a filter cannot read; ENOSYS makes libc fall back to clone.
    rules.add_rule(pyseccomp.ERRNO(errno.ENOSYS), "clone3")
    rules.add_rule(pyseccomp.ERRNO(errno.EACCES), "socket", pyseccomp.Arg(0, pyseccomp.NE, AF_UNIX))
    reader, writer = os.pipe()
    with os.fdopen(writer, "wb") as sink:
        rules.export_bpf(sink)
    with os.fdopen(reader, "rb") as source:
        return source.read()


def library_directories() -> list[str]:
    """The site-packages directories whose libraries the code may import."""
    paths = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    paths.update(site.getsitepackages())
    return sorted(path for path in paths if Path(path).is_dir())


def interpreter() -> str:
    """The base interpreter (not a virtualenv's symlink, whose target is what gets mounted)."""
    return os.path.realpath(getattr(sys, "_base_executable", sys.executable))


def bwrap_command(
    bwrap: str,
    limits: SandboxLimits,
    libraries: list[str],
    preload: list[str],
    seccomp_fd: int,
    result_fd: int,
) -> list[str]:
    """The bubblewrap command line for one jail, given the descriptors it inherits."""
    command = [
        bwrap,
        "--unshare-all",
        "--die-with-parent",
        "--new-session",
        "--cap-drop",
        "ALL",
        "--clearenv",
    ]
    for name, value in JAIL_ENVIRONMENT.items():
        command += ["--setenv", name, value]
    command += ["--ro-bind", "/usr", "/usr"]
    for link in ("lib", "lib64", "bin"):
        if Path("/", link).is_symlink():
            command += ["--symlink", os.readlink(Path("/", link)), f"/{link}"]
        elif Path("/", link).is_dir():
            command += ["--ro-bind", f"/{link}", f"/{link}"]
    if not sys.base_prefix.startswith("/usr/"):
        command += ["--ro-bind", sys.base_prefix, sys.base_prefix]
    # Libraries appear at neutral paths so no host directory name shows inside the jail.
    jail_libraries = [f"{JAIL_LIBRARY_ROOT}/{index}" for index in range(len(libraries))]
    for host_path, jail_path in zip(libraries, jail_libraries, strict=True):
        command += ["--ro-bind", host_path, jail_path]
    command += [
        "--ro-bind",
        str(WORKER_SCRIPT),
        JAIL_WORKER,
        "--proc",
        "/proc",
        "--dev",
        "/dev",
        "--size",
        str(limits.work_dir_bytes),
        "--tmpfs",
        JAIL_TMP_DIR,
        "--size",
        str(limits.work_dir_bytes),
        "--tmpfs",
        JAIL_WORK_DIR,
        "--chdir",
        JAIL_WORK_DIR,
        "--seccomp",
        str(seccomp_fd),
        interpreter(),
        "-I",
        "-S",
        "-B",
        JAIL_WORKER,
        str(result_fd),
        *jail_libraries,
        "--",
        *preload,
    ]
    return command


async def drain(stream: asyncio.StreamReader | None, keep: int) -> bytes:
    """Read a dead jail's pipe to its end, keeping the first `keep` bytes."""
    kept = bytearray()
    if stream is None:
        return b""
    while chunk := await stream.read(READ_CHUNK_BYTES):
        kept += chunk[: max(0, keep - len(kept))]
    return bytes(kept)


async def read_capped(stream: asyncio.StreamReader, cap: int, name: str) -> bytes:
    """Read a stream to its end; past `cap` bytes the jail is in breach."""
    data = bytearray()
    while chunk := await stream.read(READ_CHUNK_BYTES):
        data += chunk
        if len(data) > cap:
            raise SandboxBreach(f"the code wrote more than {cap} bytes to {name}")
    return bytes(data)


class Jail:
    """One started jail waiting for its one request."""

    def __init__(self, process: asyncio.subprocess.Process, results: asyncio.StreamReader) -> None:
        self.process = process
        self.results = results

    @classmethod
    async def start(cls, pool: "SandboxPool") -> "Jail":
        """Start bubblewrap and wait until the worker inside has done its imports."""
        loop = asyncio.get_running_loop()
        program_reader, program_writer = os.pipe()
        result_reader, result_writer = os.pipe()
        try:
            # The program is a few hundred bytes: it fits in the pipe before bwrap reads it.
            os.write(program_writer, pool.program)
            os.close(program_writer)
            process = await asyncio.create_subprocess_exec(
                *pool.command(program_reader, result_writer),
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
                start_new_session=True,
                pass_fds=(program_reader, result_writer),
                # bwrap stays the jail's PID 1, whose /proc/1/environ the code can read.
                env=JAIL_ENVIRONMENT,
            )
        finally:
            os.close(program_reader)
            os.close(result_writer)
        results = asyncio.StreamReader(limit=MAX_RESULT_BYTES)
        try:
            await loop.connect_read_pipe(
                lambda: asyncio.StreamReaderProtocol(results), os.fdopen(result_reader, "rb", 0)
            )
        except BaseException:
            os.killpg(process.pid, signal.SIGKILL)
            await asyncio.shield(process.wait())
            raise
        jail = cls(process, results)
        try:
            async with asyncio.timeout(pool.startup_seconds):
                ready = await results.readline()
        except TimeoutError:
            await jail.kill()
            raise SandboxUnavailableError(
                f"the sandbox did not start within {pool.startup_seconds:g} seconds"
            ) from None
        except BaseException:
            await asyncio.shield(jail.kill())
            raise
        if ready != READY:
            stderr = await jail.kill()
            raise SandboxUnavailableError(f"the sandbox failed to start: {stderr.strip()[-800:]}")
        return jail

    async def kill(self) -> str:
        """Kill the jail (its PID namespace dies with bubblewrap); return its stderr."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        # asyncio reports the exit only once every pipe is closed, so read them to their end.
        stderr, _ = await asyncio.gather(
            drain(self.process.stderr, keep=READ_CHUNK_BYTES), drain(self.process.stdout, keep=0)
        )
        await self.process.wait()
        return stderr.decode(errors="replace")

    async def run(self, code: str, limits: SandboxLimits) -> SandboxRun:
        """Send the code, collect output and result; SandboxBreach when a limit was passed."""
        request = {
            "code": code,
            "limits": {
                "cpu_seconds": limits.cpu_seconds,
                "memory_bytes": limits.memory_bytes,
                "file_bytes": limits.file_bytes,
                "open_files": limits.open_files,
            },
            "max_value_chars": limits.value_chars,
            "max_files": limits.files,
            "max_file_bytes_total": limits.files_total_bytes,
            "max_plots": limits.plots,
        }
        assert self.process.stdin and self.process.stdout and self.process.stderr
        self.process.stdin.write(json.dumps(request).encode())
        self.process.stdin.close()
        readers = [
            asyncio.ensure_future(read_capped(self.process.stdout, limits.output_bytes, "stdout")),
            asyncio.ensure_future(read_capped(self.process.stderr, limits.output_bytes, "stderr")),
            asyncio.ensure_future(read_capped(self.results, MAX_RESULT_BYTES, "its result")),
        ]
        try:
            async with asyncio.timeout(limits.wall_seconds):
                stdout, stderr, payload = await asyncio.gather(*readers)
                await self.process.wait()
        except TimeoutError:
            await self.stop(readers)
            raise SandboxBreach(
                f"the code did not finish within {limits.wall_seconds:g} seconds", timed_out=True
            ) from None
        except BaseException:
            await self.stop(readers)
            raise
        return self.interpret(stdout, stderr, payload, limits)

    async def stop(self, readers: list[asyncio.Future[bytes]]) -> None:
        """Stop reading and kill the jail, even when the caller was cancelled meanwhile."""
        for reader in readers:
            reader.cancel()
        await asyncio.shield(asyncio.gather(*readers, self.kill(), return_exceptions=True))

    def interpret(
        self, stdout: bytes, stderr: bytes, payload: bytes, limits: SandboxLimits
    ) -> SandboxRun:
        """Turn the jail's exit status and result document into a SandboxRun or a breach."""
        status = self.process.returncode or 0
        if not payload:
            raise SandboxBreach(describe_exit(status, limits))
        try:
            result = json.loads(payload)
        except ValueError:
            raise SandboxBreach("the code corrupted the sandbox's result channel") from None
        return SandboxRun(
            stdout=stdout.decode(errors="replace"),
            stderr=stderr.decode(errors="replace"),
            value=result.get("value"),
            error=result.get("error"),
            files=result.get("files", []),
            files_complete=bool(result.get("files_complete", True)),
            plots=result.get("plots", []),
        )


def describe_exit(status: int, limits: SandboxLimits) -> str:
    """Why a jail ended without a result, in words."""
    if status > SIGNAL_EXIT_BASE:
        number = status - SIGNAL_EXIT_BASE
        if number in (signal.SIGXCPU, signal.SIGKILL):
            return (
                f"the code was killed: it used more than {limits.cpu_seconds} seconds of CPU time "
                "or more memory than the host had"
            )
        if number == signal.SIGXFSZ:
            return f"the code wrote a file larger than {limits.file_bytes} bytes and was killed"
        name = signal.Signals(number).name if number in signal.valid_signals() else str(number)
        return f"the code was killed by signal {name}"
    return f"the code ended the sandbox process (exit status {status}) before it could report"


class SandboxPool:
    """Jails started ahead of time; each call takes one and a replacement starts behind it."""

    def __init__(
        self,
        limits: SandboxLimits,
        *,
        warm: int,
        max_concurrent: int,
        preload: list[str],
        startup_seconds: float = 30.0,
    ) -> None:
        bwrap = shutil.which("bwrap")
        if bwrap is None:
            raise SandboxUnavailableError(
                "bubblewrap (bwrap) is not installed; install the 'bubblewrap' package"
            )
        if platform.system() != "Linux":
            raise SandboxUnavailableError("the sandbox needs Linux namespaces")
        self.limits = limits
        self.warm = warm
        self.startup_seconds = startup_seconds
        self.bwrap = bwrap
        self.preload = preload
        self.libraries = library_directories()
        self.program = seccomp_program()
        self.ready: asyncio.Queue[Jail] = asyncio.Queue()
        self.running = asyncio.Semaphore(max_concurrent)
        self.refills: set[asyncio.Task[None]] = set()
        self.closed = False

    async def start(self) -> None:
        """Fill the pool, failing loudly if this host cannot build a jail."""
        jails = await asyncio.gather(*(self.spawn() for _ in range(max(self.warm, 1))))
        for jail in jails[: self.warm]:
            self.ready.put_nowait(jail)
        for jail in jails[self.warm :]:
            await jail.kill()

    def command(self, seccomp_fd: int, result_fd: int) -> list[str]:
        return bwrap_command(
            self.bwrap, self.limits, self.libraries, self.preload, seccomp_fd, result_fd
        )

    async def spawn(self) -> Jail:
        return await Jail.start(self)

    async def refill(self) -> None:
        """Start one jail for the pool; a failure is logged and the next call starts its own."""
        try:
            jail = await self.spawn()
        except SandboxUnavailableError:
            log.exception("could not start a warm sandbox")
            return
        if self.closed:
            await jail.kill()
        else:
            self.ready.put_nowait(jail)

    async def take(self) -> Jail:
        """A warm jail when one is ready, otherwise a cold one started now."""
        try:
            jail = self.ready.get_nowait()
        except asyncio.QueueEmpty:
            jail = None
        while not self.closed and self.ready.qsize() + len(self.refills) < self.warm:
            task = asyncio.create_task(self.refill())
            self.refills.add(task)
            task.add_done_callback(self.refills.discard)
        return jail or await self.spawn()

    async def run(self, code: str, limits: SandboxLimits) -> SandboxRun:
        """Run `code` once in a jail of its own."""
        async with self.running:
            jail = await self.take()
            return await jail.run(code, limits)

    async def close(self) -> None:
        """Kill every waiting jail and stop refilling."""
        self.closed = True
        for task in list(self.refills):
            task.cancel()
        await asyncio.gather(*self.refills, return_exceptions=True)
        while not self.ready.empty():
            await self.ready.get_nowait().kill()

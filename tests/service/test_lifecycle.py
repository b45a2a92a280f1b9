"""Every service answers health SERVING, and SIGTERM ends it cleanly within its grace period."""

import signal

import pytest

from svend.launcher import check_serving
from svend.mesh import SERVICES

GRACE_SECONDS = 5.0


@pytest.mark.model
def test_sigterm_ends_each_service_within_its_grace(start_mesh) -> None:
    names = [spec.name for spec in SERVICES]
    env = {f"SVEND_{name.upper()}_GRACE_SECONDS": str(GRACE_SECONDS) for name in names}
    mesh = start_mesh(names, extra_env=env)
    for name in names:
        assert check_serving(mesh.endpoints[name].address), name
    for name in names:
        process = mesh.processes[name]
        process.popen.send_signal(signal.SIGTERM)
        # ManagedProcess.wait kills a process that outlives the timeout, which shows as -9.
        assert process.wait(GRACE_SECONDS + 5) == 0, f"{name}:\n{process.log_tail()}"
        assert not check_serving(mesh.endpoints[name].address)

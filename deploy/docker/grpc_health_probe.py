#!/opt/venv/bin/python
"""Container health check: exit 0 when the service's standard gRPC health check says SERVING.

The service is named by SVEND_SERVICE (set in the image); its port is SVEND_<SERVICE>_PORT,
or the default of svend/mesh.py.
"""

import os
import sys

from svend.launcher import check_serving
from svend.mesh import SERVICES_BY_NAME

service = os.environ["SVEND_SERVICE"]
port = os.environ.get(f"SVEND_{service.upper()}_PORT", SERVICES_BY_NAME[service].grpc_port)
sys.exit(0 if check_serving(f"127.0.0.1:{port}", timeout=3.0) else 1)

from svend.common import run
from svend.router.app import build
from svend.router.settings import RouterSettings

run(RouterSettings, build)

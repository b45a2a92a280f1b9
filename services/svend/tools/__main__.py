from svend.common import run
from svend.tools.app import build
from svend.tools.settings import ToolsSettings

run(ToolsSettings, build)

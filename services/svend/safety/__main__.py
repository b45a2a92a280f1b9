from svend.common import run
from svend.safety.app import build
from svend.safety.settings import SafetySettings

run(SafetySettings, build)

from svend.common import run
from svend.reasoner.app import build
from svend.reasoner.settings import ReasonerSettings

run(ReasonerSettings, build)

from svend.common import run
from svend.verifier.app import build
from svend.verifier.settings import VerifierSettings

run(VerifierSettings, build)

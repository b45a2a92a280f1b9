"""The quick path's work in one process, no network: the baseline the mesh is compared against."""

from svend.router.answers import render_tool_answer
from svend.router.quick import parse_direct_request
from svend.safety.app import build_checker
from svend.safety.settings import SafetySettings
from svend.tools.app import default_registry
from svend.tools.units import UnitConverter


class QuickPathInProcess:
    """Input safety (rules and classifier), recognition, validation, Pint, output safety."""

    def __init__(self) -> None:
        self.safety = build_checker(SafetySettings())
        self.converter = UnitConverter()
        self.registry = default_registry(self.converter, sandbox=None)

    async def ask(self, query: str) -> str:
        await self.safety.check_input(query)
        direct = parse_direct_request(query)
        assert direct is not None and direct.tool == "unit_convert", query
        spec = self.registry.validate(direct.tool, direct.arguments)
        result = spec.function(direct.arguments)
        answer, _ = render_tool_answer(direct.tool, direct.arguments, result)
        await self.safety.check_output(answer, query)
        return answer

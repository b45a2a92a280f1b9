"""Chemistry tools: molecules with RDKit, formulas, reaction balancing, stoichiometry and pH.

Each tool is its own ToolSpec so a model picks the one it needs by name; CHEMISTRY_TOOLS lists
them all for the registry, and importing this package loads RDKit, SymPy and SciPy once.
"""

from svend.tools.chemistry.acids import PH
from svend.tools.chemistry.formulas import MOLECULAR_WEIGHT
from svend.tools.chemistry.molecules import FUNCTIONAL_GROUPS_TOOL, MOLECULAR_STRUCTURE
from svend.tools.chemistry.reactions import REACTION_BALANCE, STOICHIOMETRY

CHEMISTRY_TOOLS = (
    MOLECULAR_STRUCTURE,
    MOLECULAR_WEIGHT,
    FUNCTIONAL_GROUPS_TOOL,
    REACTION_BALANCE,
    STOICHIOMETRY,
    PH,
)

__all__ = [
    "CHEMISTRY_TOOLS",
    "FUNCTIONAL_GROUPS_TOOL",
    "MOLECULAR_STRUCTURE",
    "MOLECULAR_WEIGHT",
    "PH",
    "REACTION_BALANCE",
    "STOICHIOMETRY",
]

"""The physics tools: kinematics, thermodynamics and DC circuits.

Each reads quantities as SI numbers or unit strings through the process's one Pint registry
(svend.tools.units) and does closed-form or small linear-algebra work bounded by its schema's
caps, so all three run inline.
"""

from svend.tools.physics_circuits import CIRCUITS
from svend.tools.physics_kinematics import KINEMATICS
from svend.tools.physics_thermodynamics import THERMODYNAMICS
from svend.tools.registry import ToolSpec

PHYSICS_TOOLS: tuple[ToolSpec, ...] = (KINEMATICS, THERMODYNAMICS, CIRCUITS)

__all__ = ["CIRCUITS", "KINEMATICS", "PHYSICS_TOOLS", "THERMODYNAMICS"]

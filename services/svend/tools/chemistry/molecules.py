"""molecular_structure and functional_groups: RDKit on one SMILES string.

Both run in a worker process: RDKit is native code, conformer embedding can take seconds on
large or strained molecules, and only a separate process can be stopped for certain. RDKit's
own logging is silenced; its error messages are captured and returned to the caller instead.
"""

import re
from collections.abc import Mapping
from typing import Any

from rdkit import Chem, RDLogger, rdBase
from rdkit.Chem import AllChem, Crippen, Descriptors, rdDepictor, rdMolDescriptors

from svend.tools.chemistry.common import failures_explained, invalid, rounded
from svend.tools.registry import ToolSpec

STRUCTURE_NAME = "molecular_structure"
GROUPS_NAME = "functional_groups"
MAX_SMILES_CHARS = 2000
# Heavier molecules get no 3D conformer: embedding time grows steeply with size, and at this
# size the worst cases (long chains, big rings) still take seconds, within the call's limit.
MAX_EMBED_HEAVY_ATOMS = 100
EMBED_RANDOM_SEED = 0x5EED
FORCE_FIELD_ITERATIONS = 200
MAX_RDKIT_MESSAGE_CHARS = 300
LOG_TIMESTAMP = re.compile(r"^\[\d\d:\d\d:\d\d\]\s*")

RDLogger.DisableLog("rdApp.*")

SMILES_FIELD: dict[str, Any] = {
    "type": "string",
    "minLength": 1,
    "maxLength": MAX_SMILES_CHARS,
}

STRUCTURE_DESCRIPTION = f"""\
Properties and coordinates of a molecule given as SMILES, computed with RDKit, e.g. \
smiles="CC(=O)Oc1ccccc1C(=O)O" (aspirin).
Result fields: smiles (canonical), formula, molecular_weight (g/mol, average atomic \
weights), exact_mass (monoisotopic, Da), logp (Crippen), tpsa (topological polar surface \
area, Å²), h_bond_donors (N-H and O-H count, Lipinski), h_bond_acceptors (N and O atom \
count, Lipinski), rule_of_five_violations (Lipinski: MW > 500, logP > 5, donors > 5, \
acceptors > 10), rotatable_bonds, rings, aromatic_rings, heavy_atoms, formal_charge, inchi, \
inchikey, units, text; with include_coordinates (default true) also mol_block_2d (2D \
depiction, MDL MOL block), mol_block_3d (one 3D conformer with hydrogens: ETKDGv3 with a \
fixed seed, then MMFF94 or UFF, named in conformer_method; identical on every call) or null \
with conformer_note saying why (embedding failed, or more than {MAX_EMBED_HEAVY_ATOMS} heavy \
atoms). Should a call run out of time, include_coordinates=false still gives the \
properties. An invalid SMILES is refused with RDKit's reason. SMILES are at most \
{MAX_SMILES_CHARS} characters."""

STRUCTURE_PARAMETERS: dict[str, Any] = {
    "type": "object",
    "properties": {
        "smiles": SMILES_FIELD | {"description": 'The molecule as SMILES, e.g. "CCO" (ethanol).'},
        "include_coordinates": {
            "type": "boolean",
            "description": "Return 2D and 3D MOL blocks (default true); false for properties only.",
        },
    },
    "required": ["smiles"],
    "additionalProperties": False,
}

# Name → SMARTS. Carbonyl-bearing groups exclude each other (an ester's oxygen is no ether, an
# amide's nitrogen no amine) so each atom is reported under the group a chemist would name.
NOT_ACYL = "!$(*[#6]=[O,S,N]);!$(*S(=O)=O)"
FUNCTIONAL_GROUP_SMARTS: dict[str, str] = {
    "carboxylic_acid": "[CX3](=O)[OX2H1,OX1-]",
    "ester": "[#6][CX3](=O)[OX2H0;!$(O(C=O)C=O)][#6]",
    "anhydride": "[CX3](=O)[OX2][CX3]=O",
    "acyl_halide": "[CX3](=O)[F,Cl,Br,I]",
    "amide": "[NX3][CX3;$(C[#6]),$([CH1])](=[OX1])",
    "urea": "[NX3][CX3](=[OX1])[NX3]",
    "carbamate": "[NX3][CX3](=[OX1])[OX2]",
    "aldehyde": "[CX3;$([CH1][#6]),$([CH2])]=[OX1]",
    "ketone": "[#6][CX3](=O)[#6]",
    "alcohol": "[OX2H][CX4]",
    "phenol": "[OX2H]c",
    "ether": f"[OX2;{NOT_ACYL}]([#6])[#6]",
    "primary_amine": f"[NX3;H2;{NOT_ACYL}][#6]",
    "secondary_amine": f"[NX3;H1;{NOT_ACYL}]([#6])[#6]",
    "tertiary_amine": f"[NX3;H0;{NOT_ACYL}]([#6])([#6])[#6]",
    "nitrile": "[NX1]#[CX2]",
    "nitro": "[#6][NX3+](=O)[O-]",
    "imine": "[CX3;!$(C[N,O,S])]=[NX2;!$(N[N,O])]",
    "alkene": "[CX3]=[CX3]",
    "alkyne": "[CX2]#[CX2]",
    "halide": "[#6;!$([CX3]=O)][F,Cl,Br,I]",
    "thiol": "[#6][SX2H]",
    "sulfide": "[#6][SX2H0;!$(SS)][#6]",
    "disulfide": "[#6][SX2][SX2][#6]",
    "sulfonamide": "[SX4](=O)(=O)[NX3]",
    "sulfonic_acid": "[SX4](=O)(=O)[OX2H1,OX1-]",
    "phosphate": "[PX4](=O)([OX2,OX1-])([OX2,OX1-])[OX2,OX1-]",
    "azo": "[#6][NX2]=[NX2][#6]",
}
FUNCTIONAL_GROUPS = {
    name: Chem.MolFromSmarts(smarts) for name, smarts in FUNCTIONAL_GROUP_SMARTS.items()
}
AROMATIC_RING = "aromatic_ring"

GROUPS_DESCRIPTION = f"""\
Functional groups present in a molecule given as SMILES, found with RDKit substructure \
patterns, e.g. smiles="CC(=O)Oc1ccccc1C(=O)O" (aspirin) → carboxylic_acid, ester, \
aromatic_ring. Groups looked for: {", ".join([*FUNCTIONAL_GROUP_SMARTS, AROMATIC_RING])}. \
Amines exclude amides and sulfonamides; ethers exclude ester oxygens; alcohol is an OH on an \
sp3 carbon, phenol an OH on an aromatic ring.
Result fields: smiles (canonical), groups (only those present: name, count, atoms = one list \
of 0-based atom indices per occurrence, numbered in the order the atoms appear in the SMILES \
as given), text. An invalid SMILES is refused with RDKit's reason."""

GROUPS_PARAMETERS: dict[str, Any] = {
    "type": "object",
    "properties": {
        "smiles": SMILES_FIELD
        | {"description": 'The molecule as SMILES, e.g. "OCC(=O)O" (glycolic acid).'},
    },
    "required": ["smiles"],
    "additionalProperties": False,
}


def rdkit_reason(messages: str) -> str:
    """RDKit's error log as one line, without timestamps or the echoed input."""
    lines = []
    for raw in messages.splitlines():
        line = LOG_TIMESTAMP.sub("", raw).removeprefix("SMILES Parse Error: ").strip(" :")
        if line and not line.startswith(("Failed parsing SMILES", "~")) and line not in lines:
            lines.append(line)
    reason = "; ".join(line for line in lines if " " in line) or "not a valid SMILES string"
    return reason[:MAX_RDKIT_MESSAGE_CHARS]


def parse_smiles(smiles: str) -> Chem.Mol:
    """A sanitized molecule, or INVALID_ARGUMENTS with RDKit's reason."""
    if not smiles.strip():
        raise invalid("smiles: the SMILES is blank")
    with rdBase.CaptureErrorLog() as log:
        molecule = Chem.MolFromSmiles(smiles)
    if molecule is None:
        raise invalid(f"smiles: RDKit cannot read {smiles[:100]!r}: {rdkit_reason(log.messages)}")
    if molecule.GetNumAtoms() == 0:
        raise invalid("smiles: the SMILES has no atoms")
    return molecule


def conformer_fields(molecule: Chem.Mol) -> dict[str, str | None]:
    """One deterministic 3D conformer as a MOL block with hydrogens, or why there is none."""
    heavy_atoms = molecule.GetNumHeavyAtoms()
    if heavy_atoms > MAX_EMBED_HEAVY_ATOMS:
        return no_conformer(
            f"{heavy_atoms} heavy atoms is more than the {MAX_EMBED_HEAVY_ATOMS} embedded"
        )
    with_hydrogens = Chem.AddHs(molecule)
    # No wall-clock timeout: it would make the result depend on the machine's load.
    parameters = AllChem.ETKDGv3()
    parameters.randomSeed = EMBED_RANDOM_SEED
    if AllChem.EmbedMolecule(with_hydrogens, parameters) != 0:
        # Random starting coordinates rescue long chains and large rings.
        parameters.useRandomCoords = True
        if AllChem.EmbedMolecule(with_hydrogens, parameters) != 0:
            return no_conformer("ETKDG embedding failed for this structure")
    if AllChem.MMFFHasAllMoleculeParams(with_hydrogens):
        AllChem.MMFFOptimizeMolecule(with_hydrogens, maxIters=FORCE_FIELD_ITERATIONS)
        method = "ETKDGv3 + MMFF94"
    elif AllChem.UFFHasAllMoleculeParams(with_hydrogens):
        AllChem.UFFOptimizeMolecule(with_hydrogens, maxIters=FORCE_FIELD_ITERATIONS)
        method = "ETKDGv3 + UFF"
    else:
        method = "ETKDGv3, not force-field optimized (no MMFF94 or UFF parameters)"
    return {
        "mol_block_3d": Chem.MolToMolBlock(with_hydrogens),
        "conformer_method": method,
        "conformer_note": None,
    }


def no_conformer(reason: str) -> dict[str, str | None]:
    return {"mol_block_3d": None, "conformer_method": None, "conformer_note": reason}


def rule_of_five_violations(weight: float, logp: float, donors: int, acceptors: int) -> int:
    return sum((weight > 500, logp > 5, donors > 5, acceptors > 10))


def describe_molecule(molecule: Chem.Mol, include_coordinates: bool) -> dict[str, Any]:
    weight = Descriptors.MolWt(molecule)
    logp = Crippen.MolLogP(molecule)
    donors = rdMolDescriptors.CalcNumLipinskiHBD(molecule)
    acceptors = rdMolDescriptors.CalcNumLipinskiHBA(molecule)
    tpsa = rdMolDescriptors.CalcTPSA(molecule)
    formula = rdMolDescriptors.CalcMolFormula(molecule)
    result: dict[str, Any] = {
        "smiles": Chem.MolToSmiles(molecule),
        "formula": formula,
        "molecular_weight": rounded(weight),
        "exact_mass": rounded(Descriptors.ExactMolWt(molecule)),
        "logp": round(logp, 4),
        "tpsa": round(tpsa, 4),
        "h_bond_donors": donors,
        "h_bond_acceptors": acceptors,
        "rule_of_five_violations": rule_of_five_violations(weight, logp, donors, acceptors),
        "rotatable_bonds": rdMolDescriptors.CalcNumRotatableBonds(molecule),
        "rings": rdMolDescriptors.CalcNumRings(molecule),
        "aromatic_rings": rdMolDescriptors.CalcNumAromaticRings(molecule),
        "heavy_atoms": molecule.GetNumHeavyAtoms(),
        "formal_charge": Chem.GetFormalCharge(molecule),
        "inchi": Chem.MolToInchi(molecule) or None,
        "inchikey": Chem.MolToInchiKey(molecule) or None,
        "units": {"molecular_weight": "g/mol", "exact_mass": "Da", "tpsa": "Å²"},
    }
    if include_coordinates:
        depiction = Chem.Mol(molecule)
        rdDepictor.Compute2DCoords(depiction)
        result["mol_block_2d"] = Chem.MolToMolBlock(depiction)
        result |= conformer_fields(molecule)
    result["text"] = (
        f"{formula}, {weight:.2f} g/mol, logP {logp:.2f}, TPSA {tpsa:.1f} Å², "
        f"H-bond donors {donors}, acceptors {acceptors}"
    )
    return result


def molecular_structure(arguments: Mapping[str, Any]) -> dict[str, Any]:
    """Descriptors and (optionally) 2D/3D coordinates of one molecule."""
    with failures_explained(STRUCTURE_NAME):
        molecule = parse_smiles(arguments["smiles"])
        with rdBase.CaptureErrorLog():
            return describe_molecule(molecule, bool(arguments.get("include_coordinates", True)))


def aromatic_rings(molecule: Chem.Mol) -> list[list[int]]:
    """Atom indices of each ring (smallest set) whose atoms are all aromatic."""
    return [
        sorted(ring)
        for ring in molecule.GetRingInfo().AtomRings()
        if all(molecule.GetAtomWithIdx(index).GetIsAromatic() for index in ring)
    ]


def functional_groups(arguments: Mapping[str, Any]) -> dict[str, Any]:
    """Which of the known functional groups occur, how often and where."""
    with failures_explained(GROUPS_NAME):
        molecule = parse_smiles(arguments["smiles"])
        found = {
            name: [sorted(match) for match in molecule.GetSubstructMatches(pattern)]
            for name, pattern in FUNCTIONAL_GROUPS.items()
        }
        found[AROMATIC_RING] = aromatic_rings(molecule)
    found = {name: atoms for name, atoms in found.items() if atoms}
    groups = [{"name": name, "count": len(atoms), "atoms": atoms} for name, atoms in found.items()]
    text = ", ".join(f"{g['name'].replace('_', ' ')} x{g['count']}" for g in groups)
    return {
        "smiles": Chem.MolToSmiles(molecule),
        "groups": groups,
        "text": text or "no functional groups from the list",
    }


MOLECULAR_STRUCTURE = ToolSpec(
    name=STRUCTURE_NAME,
    description=STRUCTURE_DESCRIPTION,
    parameters=STRUCTURE_PARAMETERS,
    function=molecular_structure,
    isolated=True,
)

FUNCTIONAL_GROUPS_TOOL = ToolSpec(
    name=GROUPS_NAME,
    description=GROUPS_DESCRIPTION,
    parameters=GROUPS_PARAMETERS,
    function=functional_groups,
    isolated=True,
)

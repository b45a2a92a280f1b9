"""Case suite for the chemistry tools: expected values from textbooks, tables and hand work.

No expectation here comes from running the tools: molar masses are standard values (IUPAC
conventional atomic weights, as tabulated in the CRC Handbook and PubChem), balanced
equations are textbook ones, yields and pH values are solved by hand or by a closed form
computed below with plain math, and structure counts are read off the structures.
"""

import math

import numpy as np
import pytest

from svend.tools.chemistry.acids import ph
from svend.tools.chemistry.formulas import molecular_weight
from svend.tools.chemistry.molecules import functional_groups, molecular_structure
from svend.tools.chemistry.reactions import reaction_balance, stoichiometry

KW = 1e-14

# --- molecular_weight: standard molar masses (g/mol), CRC Handbook / PubChem. RDKit's atomic
# weights differ from IUPAC's abridged values in the third decimal (S 32.067 vs 32.06), so the
# tolerance is 0.02 g/mol.
MOLAR_MASSES = [
    ("water", "H2O", 18.015),
    ("carbon-dioxide", "CO2", 44.009),
    ("sodium-chloride", "NaCl", 58.443),
    ("glucose", "C6H12O6", 180.156),
    ("sulfuric-acid", "H2SO4", 98.079),
    ("calcium-carbonate", "CaCO3", 100.086),
    ("calcium-hydroxide", "Ca(OH)2", 74.093),
    ("copper-sulfate-pentahydrate-dot", "CuSO4·5H2O", 249.685),
    ("copper-sulfate-pentahydrate-star", "CuSO4*5H2O", 249.685),
    ("ammonia", "NH3", 17.031),
    ("ethanol", "C2H5OH", 46.069),
    ("aluminium-sulfate", "Al2(SO4)3", 342.15),
    ("potassium-permanganate", "KMnO4", 158.034),
    ("iron-iii-oxide", "Fe2O3", 159.687),
    ("sucrose", "C12H22O11", 342.297),
    ("magnesium-phosphate", "Mg3(PO4)2", 262.855),
    ("potassium-ferrocyanide", "K4[Fe(CN)6]", 368.35),
    ("sodium-bicarbonate", "NaHCO3", 84.007),
    ("caffeine", "C8H10N4O2", 194.194),
    ("aspirin", "C9H8O4", 180.158),
    ("ammonium-sulfate", "(NH4)2SO4", 132.14),
    ("epsom-salt", "MgSO4·7H2O", 246.47),
    ("oxygen", "O2", 31.998),
    ("hydrogen-chloride", "HCl", 36.46),
    ("methane", "CH4", 16.043),
    ("sulfate-ion", "SO4^2-", 96.06),
    ("ammonium-ion", "NH4+", 18.039),
    ("glucose-with-state", "C6H12O6(aq)", 180.156),
]


@pytest.mark.parametrize(
    ("formula", "expected"),
    [case[1:] for case in MOLAR_MASSES],
    ids=[case[0] for case in MOLAR_MASSES],
)
def test_molar_mass(formula, expected):
    assert molecular_weight({"formula": formula})["molar_mass"] == pytest.approx(expected, abs=0.02)


# Mass percent by hand: element mass / molar mass (H2O: 2·1.008/18.015; C6H12O6:
# 6·12.011/180.156; NaCl: 22.990/58.443; CaCO3: 40.078/100.086).
MASS_PERCENTS = [
    ("hydrogen-in-water", "H2O", "H", 11.19),
    ("carbon-in-glucose", "C6H12O6", "C", 40.00),
    ("sodium-in-salt", "NaCl", "Na", 39.34),
    ("calcium-in-limestone", "CaCO3", "Ca", 40.04),
]


@pytest.mark.parametrize(
    ("formula", "element", "percent"),
    [case[1:] for case in MASS_PERCENTS],
    ids=[case[0] for case in MASS_PERCENTS],
)
def test_mass_percent(formula, element, percent):
    composition = molecular_weight({"formula": formula})["composition"]
    entry = next(e for e in composition if e["element"] == element)
    assert entry["mass_percent"] == pytest.approx(percent, abs=0.01)


# --- reaction_balance: textbook balanced equations (coefficients in the order written).
# The ferrocyanide one is the classic hard case (10, 122, 299, 162, 5, 122, 60, 60, 188).
BALANCED = [
    ("propane-combustion", "C3H8 + O2 -> CO2 + H2O", [1, 5, 3, 4]),
    ("water-synthesis", "H2 + O2 -> H2O", [2, 1, 2]),
    ("haber", "N2 + H2 = NH3", [1, 3, 2]),
    ("rusting", "Fe + O2 → Fe2O3", [4, 3, 2]),
    ("respiration", "C6H12O6 + O2 -> CO2 + H2O", [1, 6, 6, 6]),
    ("permanganate-hcl", "KMnO4 + HCl -> KCl + MnCl2 + H2O + Cl2", [2, 16, 2, 2, 8, 5]),
    ("copper-nitric-acid", "Cu + HNO3 -> Cu(NO3)2 + NO + H2O", [3, 8, 3, 2, 4]),
    ("aluminium-oxide", "Al + O2 -> Al2O3", [4, 3, 2]),
    ("methane-combustion", "CH4 + O2 -> CO2 + H2O", [1, 2, 1, 2]),
    ("octane-combustion", "C8H18 + O2 -> CO2 + H2O", [2, 25, 16, 18]),
    ("blast-furnace", "Fe2O3 + CO -> Fe + CO2", [1, 3, 2, 3]),
    ("chlorate-decomposition", "KClO3 -> KCl + O2", [2, 2, 3]),
    ("sodium-water", "Na + H2O -> NaOH + H2", [2, 2, 2, 1]),
    ("calcium-phosphate", "Ca(OH)2 + H3PO4 -> Ca3(PO4)2 + H2O", [3, 2, 1, 6]),
    ("ostwald", "NH3 + O2 -> NO + H2O", [4, 5, 4, 6]),
    ("ethane-combustion", "C2H6 + O2 -> CO2 + H2O", [2, 7, 4, 6]),
    ("zinc-acid", "Zn + HCl -> ZnCl2 + H2", [1, 2, 1, 1]),
    ("phosphorus-oxide", "P4 + O2 -> P4O10", [1, 5, 1]),
    ("dehydration", "CuSO4·5H2O -> CuSO4 + H2O", [1, 1, 5]),
    ("pyrite-roasting", "FeS2 + O2 -> Fe2O3 + SO2", [4, 11, 2, 8]),
    (
        "ferrocyanide-permanganate",
        "K4[Fe(CN)6] + KMnO4 + H2SO4 -> KHSO4 + Fe2(SO4)3 + MnSO4 + HNO3 + CO2 + H2O",
        [10, 122, 299, 162, 5, 122, 60, 60, 188],
    ),
    ("permanganate-iron-ionic", "MnO4^- + Fe^2+ + H+ -> Mn^2+ + Fe^3+ + H2O", [1, 5, 8, 1, 5, 4]),
    ("dichromate-iron-ionic", "Cr2O7^2- + Fe^2+ + H+ -> Cr^3+ + Fe^3+ + H2O", [1, 6, 14, 2, 6, 7]),
    ("silver-chloride", "Ag+ + Cl- -> AgCl", [1, 1, 1]),
    ("iron-half-reaction", "Fe3+ + e- -> Fe2+", [1, 1, 1]),
    ("dichromate-half-reaction", "Cr2O7^2- + H+ + e- -> Cr^3+ + H2O", [1, 14, 6, 2, 7]),
]


@pytest.mark.parametrize(
    ("equation", "coefficients"),
    [case[1:] for case in BALANCED],
    ids=[case[0] for case in BALANCED],
)
def test_balanced_coefficients(equation, coefficients):
    result = reaction_balance({"equation": equation})
    found = [s["coefficient"] for s in result["reactants"] + result["products"]]
    assert found == coefficients


# --- stoichiometry: solved by hand with textbook molar masses (H2 2.016, O2 31.998,
# H2O 18.015, N2 28.014, NH3 17.031, C3H8 44.097, CO2 44.009, AlCl3 133.34, Fe 55.845,
# CaCO3 100.086, Zn 65.38). Each case: limiting reagent, one product's grams, and one
# leftover in mol (None when nothing given is left).
STOICHIOMETRY = [
    (
        "hydrogen-limits-water",
        "H2 + O2 -> H2O",
        {"H2": "4 g", "O2": "32 g"},
        ["H2"],
        ("H2O", 4 / 2.016 * 18.015),
        ("O2", 32 / 31.998 - 4 / 2.016 / 2),
    ),
    (
        "nitrogen-limits-ammonia",
        "N2 + H2 -> NH3",
        {"N2": "10 g", "H2": "10 g"},
        ["N2"],
        ("NH3", 2 * 10 / 28.014 * 17.031),
        ("H2", 10 / 2.016 - 3 * 10 / 28.014),
    ),
    (
        "oxygen-limits-propane",
        "C3H8 + O2 -> CO2 + H2O",
        {"C3H8": "1 mol", "O2": "3 mol"},
        ["O2"],
        ("CO2", 3 / 5 * 3 * 44.009),
        ("C3H8", 1 - 3 / 5),
    ),
    (
        "chlorine-limits-aluminium-chloride",
        "Al + Cl2 -> AlCl3",
        {"Al": "1 mol", "Cl2": "1 mol"},
        ["Cl2"],
        ("AlCl3", 2 / 3 * 133.34),
        ("Al", 1 - 2 / 3),
    ),
    (
        "iron-from-hematite",
        "Fe2O3 + CO -> Fe + CO2",
        {"Fe2O3": "159.687 g"},
        ["Fe2O3"],
        ("Fe", 2 * 55.845),
        None,
    ),
    (
        "limestone-calcination",
        "CaCO3 -> CaO + CO2",
        {"CaCO3": "100 g"},
        ["CaCO3"],
        ("CO2", 100 / 100.086 * 44.009),
        None,
    ),
    (
        "acid-limits-zinc",
        "Zn + HCl -> ZnCl2 + H2",
        {"Zn": "6.538 g", "HCl": "0.1 mol"},
        ["HCl"],
        ("H2", 0.05 * 2.016),
        ("Zn", 0.1 - 0.05),
    ),
    (
        "millimoles",
        "H2 + O2 -> H2O",
        {"H2": "500 mmol", "O2": {"value": 0.5, "unit": "mol"}},
        ["H2"],
        ("H2O", 0.5 * 18.015),
        ("O2", 0.25),
    ),
]


@pytest.mark.parametrize(
    ("reaction", "amounts", "limiting", "product", "leftover"),
    [case[1:] for case in STOICHIOMETRY],
    ids=[case[0] for case in STOICHIOMETRY],
)
def test_stoichiometry(reaction, amounts, limiting, product, leftover):
    result = stoichiometry({"reaction": reaction, "amounts": amounts})
    assert result["limiting_reagents"] == limiting
    products = {p["species"]: p for p in result["products"]}
    name, grams = product
    assert products[name]["grams"] == pytest.approx(grams, rel=2e-3)
    if leftover is not None:
        reactants = {r["species"]: r for r in result["reactants"]}
        species, moles = leftover
        assert reactants[species]["leftover_moles"] == pytest.approx(moles, rel=2e-3)
    # Conservation of mass: what is consumed weighs what is formed.
    consumed = sum(r["consumed_grams"] for r in result["reactants"])
    formed = sum(p["grams"] for p in result["products"])
    assert consumed == pytest.approx(formed, rel=1e-9)


# --- ph: hand-solved textbook problems (two decimals, tolerance 0.01).
HAND_SOLVED_PH = [
    ("acetic-acid", {"kind": "weak_acid", "concentration": 0.1, "ka": 1.8e-5}, 2.87),
    ("hcl-0.01", {"kind": "strong_acid", "concentration": 0.01}, 2.00),
    ("hcl-0.001", {"kind": "strong_acid", "concentration": 0.001}, 3.00),
    ("naoh-0.05", {"kind": "strong_base", "concentration": 0.05}, 12.70),
    ("barium-hydroxide", {"kind": "strong_base", "concentration": 0.005, "equivalents": 2}, 12.00),
    # 1e-8 M HCl: [H+] = (C + sqrt(C² + 4Kw))/2, the classic "not pH 8" problem.
    ("very-dilute-hcl", {"kind": "strong_acid", "concentration": 1e-8}, 6.98),
    ("very-dilute-naoh", {"kind": "strong_base", "concentration": 1e-8}, 7.02),
    ("ammonia", {"kind": "weak_base", "concentration": 0.1, "kb": 1.8e-5}, 11.13),
    ("hypochlorous-acid", {"kind": "weak_acid", "concentration": 0.05, "ka": 3.0e-8}, 4.41),
    ("pyridine", {"kind": "weak_base", "concentration": 0.1, "kb": 1.7e-9}, 9.12),
    (
        "acetate-buffer-equal",
        {"kind": "buffer", "acid_concentration": 0.1, "base_concentration": 0.1, "pka": 4.76},
        4.76,
    ),
    (
        "acetate-buffer-two-to-one",
        {"kind": "buffer", "acid_concentration": 0.1, "base_concentration": 0.2, "pka": 4.74},
        5.04,
    ),
    (
        "ammonia-buffer-from-pkb",
        {"kind": "buffer", "acid_concentration": 0.1, "base_concentration": 0.2, "pkb": 4.75},
        9.55,
    ),
    (
        "buffer-from-ka",
        {"kind": "buffer", "acid_concentration": 0.25, "base_concentration": 0.25, "ka": 1.0e-7},
        7.00,
    ),
]


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [case[1:] for case in HAND_SOLVED_PH],
    ids=[case[0] for case in HAND_SOLVED_PH],
)
def test_hand_solved_ph(arguments, expected):
    assert ph(arguments)["ph"] == pytest.approx(expected, abs=0.01)


def quadratic_hydronium(ka: float, concentration: float) -> float:
    """x² + Ka·x - Ka·C = 0, the textbook weak-acid equation without water."""
    return (-ka + math.sqrt(ka * ka + 4 * ka * concentration)) / 2


# Weak acids where water's ions are negligible: the quadratic's closed form (pH to 1e-6).
QUADRATIC_PH = [
    ("hydrofluoric-acid", 6.8e-4, 0.1),
    ("formic-acid", 10**-3.75, 0.2),
    ("dichloroacetic-acid", 5.5e-2, 0.01),
    ("benzoic-acid", 6.3e-5, 0.02),
]


@pytest.mark.parametrize(
    ("ka", "concentration"),
    [case[1:] for case in QUADRATIC_PH],
    ids=[case[0] for case in QUADRATIC_PH],
)
def test_weak_acid_matches_the_quadratic(ka, concentration):
    result = ph({"kind": "weak_acid", "concentration": concentration, "ka": ka})
    hydronium = quadratic_hydronium(ka, concentration)
    assert result["ph"] == pytest.approx(-math.log10(hydronium), abs=1e-6)
    assert result["percent_ionization"] == pytest.approx(100 * hydronium / concentration, rel=1e-5)


# Very dilute or very weak acids, where water's ions matter: the positive root of the full
# charge-balance cubic h³ + Ka·h² - (Ka·C + Kw)·h - Ka·Kw = 0, found here with numpy.roots.
CUBIC_PH = [
    ("dilute-hydrocyanic-acid", 6.2e-10, 1e-3),
    ("trace-acetic-acid", 1.8e-5, 1e-7),
    ("dilute-boric-acid", 5.8e-10, 1e-4),
]


@pytest.mark.parametrize(
    ("ka", "concentration"),
    [case[1:] for case in CUBIC_PH],
    ids=[case[0] for case in CUBIC_PH],
)
def test_weak_acid_includes_water(ka, concentration):
    roots = np.roots([1.0, ka, -(ka * concentration + KW), -ka * KW])
    hydronium = max(root.real for root in roots if abs(root.imag) < 1e-20)
    result = ph({"kind": "weak_acid", "concentration": concentration, "ka": ka})
    assert result["hydronium"] == pytest.approx(hydronium, rel=1e-6)


# --- molecular_structure: formulas and counts read off the structures; average molar masses
# as in PubChem; monoisotopic masses from NIST isotope masses (computed below); TPSA values
# published by PubChem (Ertl's method: ethanol 20.2, acetic acid 37.3, aspirin 63.6,
# paracetamol 49.3, ibuprofen 37.3, benzene 0); H-bond donors = N-H plus O-H bonds and
# acceptors = N plus O atoms (Lipinski's definitions).
ISOTOPE_MASSES = {"C": 12.0, "H": 1.00782503207, "N": 14.0030740048, "O": 15.99491461956}
STRUCTURES = [
    (
        "ethanol",
        "CCO",
        {"formula": "C2H6O", "h_bond_donors": 1, "h_bond_acceptors": 1, "heavy_atoms": 3},
        {"molecular_weight": 46.069, "tpsa": 20.23},
    ),
    (
        "acetic-acid",
        "CC(=O)O",
        {"formula": "C2H4O2", "h_bond_donors": 1, "h_bond_acceptors": 2, "rings": 0},
        {"molecular_weight": 60.052, "tpsa": 37.3},
    ),
    (
        "aspirin",
        "CC(=O)Oc1ccccc1C(=O)O",
        {"formula": "C9H8O4", "h_bond_donors": 1, "h_bond_acceptors": 4, "aromatic_rings": 1},
        {"molecular_weight": 180.158, "tpsa": 63.6},
    ),
    (
        "paracetamol",
        "CC(=O)Nc1ccc(O)cc1",
        {"formula": "C8H9NO2", "h_bond_donors": 2, "h_bond_acceptors": 3, "heavy_atoms": 11},
        {"molecular_weight": 151.165, "tpsa": 49.3},
    ),
    (
        "ibuprofen",
        "CC(C)Cc1ccc(cc1)C(C)C(=O)O",
        {"formula": "C13H18O2", "rotatable_bonds": 4, "h_bond_donors": 1, "rings": 1},
        {"molecular_weight": 206.285, "tpsa": 37.3},
    ),
    (
        "benzene",
        "c1ccccc1",
        {"formula": "C6H6", "aromatic_rings": 1, "rotatable_bonds": 0, "h_bond_donors": 0},
        {"molecular_weight": 78.114, "tpsa": 0.0},
    ),
    (
        "caffeine",
        "CN1C=NC2=C1C(=O)N(C(=O)N2C)C",
        {"formula": "C8H10N4O2", "h_bond_donors": 0, "h_bond_acceptors": 6, "heavy_atoms": 14},
        {"molecular_weight": 194.194},
    ),
    (
        "naphthalene",
        "c1ccc2ccccc2c1",
        {"formula": "C10H8", "rings": 2, "aromatic_rings": 2},
        {"molecular_weight": 128.174},
    ),
    (
        "cyclohexanol",
        "OC1CCCCC1",
        {"formula": "C6H12O", "rings": 1, "aromatic_rings": 0, "h_bond_donors": 1},
        {"molecular_weight": 100.161},
    ),
    (
        "glycine",
        "NCC(=O)O",
        {"formula": "C2H5NO2", "h_bond_donors": 3, "h_bond_acceptors": 3},
        {"molecular_weight": 75.067},
    ),
    (
        "tetramethylammonium",
        "C[N+](C)(C)C",
        {"formula": "C4H12N+", "formal_charge": 1, "h_bond_donors": 0},
        {"molecular_weight": 74.147},
    ),
    (
        "acetate",
        "CC(=O)[O-]",
        {"formula": "C2H3O2-", "formal_charge": -1, "h_bond_donors": 0},
        {"molecular_weight": 59.044},
    ),
]


@pytest.mark.parametrize(
    ("smiles", "exact", "approximate"),
    [case[1:] for case in STRUCTURES],
    ids=[case[0] for case in STRUCTURES],
)
def test_structure_properties(smiles, exact, approximate):
    result = molecular_structure({"smiles": smiles, "include_coordinates": False})
    for name, value in exact.items():
        assert result[name] == value, name
    for name, value in approximate.items():
        assert result[name] == pytest.approx(value, abs=0.05), name


MONOISOTOPIC = [
    ("water", "O", {"H": 2, "O": 1}),
    ("ethanol", "CCO", {"C": 2, "H": 6, "O": 1}),
    ("glucose", "OCC1OC(O)C(O)C(O)C1O", {"C": 6, "H": 12, "O": 6}),
    ("caffeine", "CN1C=NC2=C1C(=O)N(C(=O)N2C)C", {"C": 8, "H": 10, "N": 4, "O": 2}),
]


@pytest.mark.parametrize(
    ("smiles", "counts"),
    [case[1:] for case in MONOISOTOPIC],
    ids=[case[0] for case in MONOISOTOPIC],
)
def test_exact_mass_is_monoisotopic(smiles, counts):
    expected = sum(ISOTOPE_MASSES[element] * n for element, n in counts.items())
    result = molecular_structure({"smiles": smiles, "include_coordinates": False})
    assert result["exact_mass"] == pytest.approx(expected, abs=1e-4)


# --- functional_groups: the textbook classification of each compound (present groups with
# counts; groups a naive pattern would wrongly add are listed as absent).
GROUPS = [
    ("ethanol", "CCO", {"alcohol": 1}, {"ether", "phenol"}),
    ("phenol", "Oc1ccccc1", {"phenol": 1, "aromatic_ring": 1}, {"alcohol"}),
    ("acetaldehyde", "CC=O", {"aldehyde": 1}, {"ketone"}),
    ("formaldehyde", "C=O", {"aldehyde": 1}, set()),
    ("acetone", "CC(C)=O", {"ketone": 1}, {"aldehyde"}),
    ("acetic-acid", "CC(=O)O", {"carboxylic_acid": 1}, {"alcohol", "ketone", "ester"}),
    ("ethyl-acetate", "CCOC(C)=O", {"ester": 1}, {"ether", "ketone", "carboxylic_acid"}),
    ("acetamide", "CC(N)=O", {"amide": 1}, {"primary_amine", "ketone"}),
    ("methylamine", "CN", {"primary_amine": 1}, {"amide"}),
    ("dimethylamine", "CNC", {"secondary_amine": 1}, {"primary_amine"}),
    ("trimethylamine", "CN(C)C", {"tertiary_amine": 1}, {"secondary_amine"}),
    ("acetonitrile", "CC#N", {"nitrile": 1}, {"alkyne"}),
    ("nitrobenzene", "c1ccccc1[N+](=O)[O-]", {"nitro": 1, "aromatic_ring": 1}, set()),
    ("nitro-uncharged-spelling", "CN(=O)=O", {"nitro": 1}, set()),
    ("diethyl-ether", "CCOCC", {"ether": 1}, {"alcohol"}),
    ("ethene", "C=C", {"alkene": 1}, set()),
    ("acetylene", "C#C", {"alkyne": 1}, set()),
    ("chloroform", "ClC(Cl)Cl", {"halide": 3}, set()),
    ("ethanethiol", "CCS", {"thiol": 1}, {"sulfide"}),
    ("dimethyl-sulfide", "CSC", {"sulfide": 1}, {"thiol"}),
    ("acetyl-chloride", "CC(Cl)=O", {"acyl_halide": 1}, {"halide", "ketone"}),
    ("acetic-anhydride", "CC(=O)OC(C)=O", {"anhydride": 1}, {"ester", "ether"}),
    ("urea", "NC(N)=O", {"urea": 1}, {"amide", "primary_amine"}),
    ("benzaldehyde", "O=Cc1ccccc1", {"aldehyde": 1, "aromatic_ring": 1}, {"ketone"}),
    ("acetophenone", "CC(=O)c1ccccc1", {"ketone": 1, "aromatic_ring": 1}, {"aldehyde"}),
    ("glycine", "NCC(=O)O", {"primary_amine": 1, "carboxylic_acid": 1}, {"amide"}),
    (
        "aspirin",
        "CC(=O)Oc1ccccc1C(=O)O",
        {"carboxylic_acid": 1, "ester": 1, "aromatic_ring": 1},
        {"ether", "ketone", "phenol"},
    ),
    (
        "paracetamol",
        "CC(=O)Nc1ccc(O)cc1",
        {"amide": 1, "phenol": 1, "aromatic_ring": 1},
        {"secondary_amine", "alcohol"},
    ),
    ("azobenzene", "c1ccccc1N=Nc1ccccc1", {"azo": 1, "aromatic_ring": 2}, {"imine"}),
    ("benzenesulfonamide", "NS(=O)(=O)c1ccccc1", {"sulfonamide": 1}, {"primary_amine"}),
    ("phosphoric-acid", "OP(=O)(O)O", {"phosphate": 1}, {"alcohol"}),
]


@pytest.mark.parametrize(
    ("smiles", "present", "absent"),
    [case[1:] for case in GROUPS],
    ids=[case[0] for case in GROUPS],
)
def test_functional_groups(smiles, present, absent):
    found = {g["name"]: g["count"] for g in functional_groups({"smiles": smiles})["groups"]}
    for name, count in present.items():
        assert found.get(name) == count, name
    assert not absent & set(found)

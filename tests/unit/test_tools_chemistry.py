"""Chemistry tools: behaviour, result shapes, refusals and schema checks."""

import json
import pickle

import pytest
from google.protobuf import struct_pb2

from svend.common.errors import InvalidArgumentError
from svend.tools.chemistry import CHEMISTRY_TOOLS
from svend.tools.chemistry.acids import ph
from svend.tools.chemistry.formulas import molecular_weight, parse_formula
from svend.tools.chemistry.molecules import functional_groups, molecular_structure
from svend.tools.chemistry.reactions import reaction_balance, stoichiometry
from svend.tools.registry import FailureKind, ToolFailure, ToolRegistry


@pytest.fixture(scope="module")
def registry():
    return ToolRegistry(CHEMISTRY_TOOLS)


def refusal(function, **arguments) -> ToolFailure:
    with pytest.raises(ToolFailure) as failure:
        function(arguments)
    return failure.value


# --- the contract every tool keeps ---


def test_six_separate_tools_with_closed_schemas(registry):
    names = [tool.name for tool in registry.tools()]
    assert names == [
        "functional_groups",
        "molecular_structure",
        "molecular_weight",
        "ph",
        "reaction_balance",
        "stoichiometry",
    ]
    for tool in registry.tools():
        assert tool.parameters["additionalProperties"] is False
        assert tool.parameters["required"]
        assert "Result fields" in tool.description
        for name, schema in tool.parameters["properties"].items():
            assert schema.get("description"), f"{tool.name}.{name} has no description"


def test_isolated_tools_pickle_for_the_worker_process():
    isolated = {tool.name for tool in CHEMISTRY_TOOLS if tool.isolated}
    assert isolated == {
        "molecular_structure",
        "functional_groups",
        "reaction_balance",
        "stoichiometry",
    }
    for tool in CHEMISTRY_TOOLS:
        assert pickle.loads(pickle.dumps(tool.function)) is tool.function


@pytest.mark.parametrize(
    ("function", "arguments"),
    [
        (molecular_structure, {"smiles": "CC(=O)Oc1ccccc1C(=O)O"}),
        (functional_groups, {"smiles": "CC(=O)Oc1ccccc1C(=O)O"}),
        (molecular_weight, {"formula": "CuSO4·5H2O"}),
        (reaction_balance, {"equation": "MnO4^- + Fe^2+ + H+ -> Mn^2+ + Fe^3+ + H2O"}),
        (stoichiometry, {"reaction": "H2 + O2 -> H2O", "amounts": {"H2": "4 g"}}),
        (ph, {"kind": "weak_acid", "concentration": 0.1, "ka": 1.8e-5}),
    ],
    ids=["structure", "groups", "weight", "balance", "stoichiometry", "ph"],
)
def test_results_are_json_ready_and_fit_a_protobuf_struct(function, arguments):
    result = function(arguments)
    json.dumps(result, allow_nan=False)
    struct_pb2.Struct().update(result)
    assert isinstance(result["text"], str) and result["text"]


# --- molecular_structure ---


def test_structure_of_aspirin():
    result = molecular_structure({"smiles": "CC(=O)Oc1ccccc1C(=O)O"})
    assert result["formula"] == "C9H8O4"
    assert result["molecular_weight"] == pytest.approx(180.158, abs=0.01)
    assert result["exact_mass"] == pytest.approx(180.04226, abs=1e-4)
    assert result["h_bond_donors"] == 1
    assert result["h_bond_acceptors"] == 4
    assert result["rings"] == result["aromatic_rings"] == 1
    assert result["heavy_atoms"] == 13
    assert result["inchikey"] == "BSYNRYMUTXBXSQ-UHFFFAOYSA-N"
    assert result["units"]["molecular_weight"] == "g/mol"


def test_canonical_smiles_is_the_same_for_every_spelling():
    spellings = ["OCC", "C(O)C", "[CH3][CH2][OH]"]
    assert {molecular_structure({"smiles": s})["smiles"] for s in spellings} == {"CCO"}


def test_coordinates_are_mol_blocks_and_deterministic():
    first = molecular_structure({"smiles": "CCO"})
    second = molecular_structure({"smiles": "CCO"})
    assert first["mol_block_3d"] == second["mol_block_3d"]
    assert first["conformer_method"] == "ETKDGv3 + MMFF94"
    assert first["conformer_note"] is None
    counts_3d = first["mol_block_3d"].splitlines()[3].split()
    assert counts_3d[:2] == ["9", "8"]  # ethanol with hydrogens: 9 atoms, 8 bonds
    assert first["mol_block_2d"].splitlines()[3].split()[:2] == ["3", "2"]
    assert "V2000" in first["mol_block_2d"]


def test_coordinates_can_be_left_out():
    result = molecular_structure({"smiles": "CCO", "include_coordinates": False})
    assert not {"mol_block_2d", "mol_block_3d", "conformer_note"} & set(result)


def test_large_molecule_gets_no_conformer_but_still_answers():
    result = molecular_structure({"smiles": "C" * 101})
    assert result["heavy_atoms"] == 101
    assert result["mol_block_3d"] is None
    assert result["conformer_method"] is None
    assert "101 heavy atoms" in result["conformer_note"]
    assert result["mol_block_2d"]


def test_charged_molecule_reports_its_formal_charge():
    result = molecular_structure({"smiles": "C[N+](C)(C)C", "include_coordinates": False})
    assert result["formal_charge"] == 1


@pytest.mark.parametrize(
    ("smiles", "reason"),
    [
        ("C1CC", "unclosed ring"),
        ("CC(", "syntax error"),
        ("CN(C)(C)(C)C", "valence"),
        ("c1cccc1", "kekulize"),
        ("   ", "blank"),
    ],
)
def test_invalid_smiles_is_refused_with_rdkits_reason(smiles, reason, capfd):
    failure = refusal(molecular_structure, smiles=smiles)
    assert failure.kind is FailureKind.INVALID_ARGUMENTS
    assert failure.message.startswith("smiles: ")
    assert reason in failure.message.lower()
    assert capfd.readouterr().err == ""  # RDKit's logging stays silent


# --- functional_groups ---


def test_groups_of_aspirin_with_atom_indices():
    result = functional_groups({"smiles": "CC(=O)Oc1ccccc1C(=O)O"})
    groups = {group["name"]: group for group in result["groups"]}
    assert set(groups) == {"carboxylic_acid", "ester", "aromatic_ring"}
    assert groups["carboxylic_acid"]["atoms"] == [[10, 11, 12]]
    assert groups["aromatic_ring"]["atoms"] == [[4, 5, 6, 7, 8, 9]]
    assert all(group["count"] == len(group["atoms"]) for group in result["groups"])


def test_molecule_without_listed_groups():
    result = functional_groups({"smiles": "CCCC"})
    assert result["groups"] == []
    assert result["text"] == "no functional groups from the list"


def test_groups_refuse_invalid_smiles():
    failure = refusal(functional_groups, smiles="C1CC")
    assert failure.kind is FailureKind.INVALID_ARGUMENTS
    assert failure.message.startswith("smiles: ")


# --- molecular_weight ---


def test_weight_of_a_hydrate_with_composition():
    result = molecular_weight({"formula": "CuSO4*5H2O"})
    assert result["hill_formula"] == "CuH10O9S"
    assert result["unit"] == "g/mol"
    elements = {entry["element"]: entry for entry in result["composition"]}
    assert [entry["element"] for entry in result["composition"]] == ["Cu", "S", "O", "H"]
    assert elements["H"]["count"] == 10
    assert elements["O"]["count"] == 9
    assert sum(entry["mass_percent"] for entry in result["composition"]) == pytest.approx(100)
    assert sum(entry["mass"] for entry in result["composition"]) == pytest.approx(
        result["molar_mass"]
    )


@pytest.mark.parametrize(
    ("formula", "counts", "charge"),
    [
        ("SO4^2-", {"S": 1, "O": 4}, -2),
        ("NH4+", {"N": 1, "H": 4}, 1),
        ("Fe3+", {"Fe": 1}, 3),
        ("Fe+3", {"Fe": 1}, 3),
        ("Fe+++", {"Fe": 1}, 3),
        ("MnO4^-", {"Mn": 1, "O": 4}, -1),
        ("SO₄²⁻", {"S": 1, "O": 4}, -2),
        ("NaCl(aq)", {"Na": 1, "Cl": 1}, 0),
        ("K4[Fe(CN)6]", {"K": 4, "Fe": 1, "C": 6, "N": 6}, 0),
        ("e-", {}, -1),
    ],
)
def test_formula_reader_charges_states_and_brackets(formula, counts, charge):
    parsed = parse_formula(formula)
    assert parsed.counts == counts
    assert parsed.charge == charge


@pytest.mark.parametrize(
    ("formula", "message"),
    [
        ("Xy2", "formula: unknown element 'Xy'"),
        ("Nc", "for N and C write 'NC'"),
        ("h2o", "element symbols start with a capital letter"),
        ("Ca(OH2", "missing ')'"),
        ("CaOH)2", "unmatched ')'"),
        ("C0H4", "a count of 0"),
        ("SO42-", "write it with a caret, e.g. 'SO4^2-'"),
        ("e-", "an electron is not a compound"),
        ("H2O..", "empty hydrate part"),
        ("C$", "unexpected '$'"),
    ],
)
def test_weight_refusals_name_the_formula(formula, message):
    failure = refusal(molecular_weight, formula=formula)
    assert failure.kind is FailureKind.INVALID_ARGUMENTS
    assert failure.message.startswith("formula: ")
    assert message in failure.message


# --- reaction_balance ---


def test_balance_reports_atoms_and_charge():
    result = reaction_balance({"equation": "Cr2O7^2- + H+ + e- -> Cr^3+ + H2O"})
    assert result["equation"] == "Cr2O7^2- + 14 H+ + 6 e- -> 2 Cr^3+ + 7 H2O"
    assert result["charge"] == {"reactants": 6, "products": 6}
    assert all(row["reactants"] == row["products"] for row in result["atoms"])
    assert result["products"][1] == {"species": "H2O", "coefficient": 7}


def test_balance_ignores_given_coefficients_and_keeps_equilibrium_arrows():
    result = reaction_balance({"equation": "4 H2 + 7 O2 <=> 9 H2O"})
    assert result["equation"] == "2 H2 + O2 <=> 2 H2O"
    assert "charge" not in result


@pytest.mark.parametrize(
    ("equation", "message"),
    [
        ("H2 + O2", "found no arrow"),
        ("H2 -> H2O -> O2", "found 2 arrows"),
        (" -> H2O", "there are no reactants"),
        ("H2 + -> H2O", "a side ends without a species"),
        ("+ H2 -> H2O", "a '+' with no species before it"),
        ("H2 + H2 -> H4", "'H2' is written twice"),
        ("H2 -> O2", "H and O appear on one side only"),
        ("H2 + O2 -> H2O + H2O2", "2 independent balances"),
        ("H2O -> H2 + O2 + O3 + H2O2", "independent balances"),
        ("H2 + O2 + N2 -> H2O", "N2 taking part (it would need a coefficient of 0); N appears"),
        ("H2O + O2 -> H2", "would need a negative one"),
        ("Na+ -> Na", "no coefficients conserve every element and the charge"),
        ("Xy + O2 -> XyO2", "unknown element 'Xy'"),
    ],
)
def test_unbalanceable_equations_are_explained(equation, message):
    failure = refusal(reaction_balance, equation=equation)
    assert failure.kind is FailureKind.INVALID_ARGUMENTS
    assert failure.message.startswith("equation: ")
    assert message in failure.message


# --- stoichiometry ---


def test_limiting_reagent_yields_and_leftovers():
    result = stoichiometry(
        {
            "reaction": "H2 + O2 -> H2O",
            "amounts": {"H2": "1 mol", "O2": {"value": 1, "unit": "mol"}},
        }
    )
    assert result["equation"] == "2 H2 + O2 -> 2 H2O"
    assert result["limiting_reagents"] == ["H2"]
    assert result["extent"] == pytest.approx(0.5)
    hydrogen, oxygen = result["reactants"]
    assert hydrogen["leftover_moles"] == 0.0
    assert oxygen["leftover_moles"] == pytest.approx(0.5)
    assert oxygen["consumed_moles"] == pytest.approx(0.5)
    assert result["products"][0]["moles"] == pytest.approx(1.0)
    assert result["units"]["grams"] == "g"
    assert "limiting: H2" in result["text"]


def test_reactants_not_given_are_in_excess():
    result = stoichiometry({"reaction": "CH4 + O2 -> CO2 + H2O", "amounts": {"CH4": "2 mol"}})
    methane, oxygen = result["reactants"]
    assert methane["leftover_moles"] == 0.0
    assert oxygen["given_moles"] is None
    assert oxygen["leftover_moles"] is None
    assert oxygen["consumed_moles"] == pytest.approx(4.0)


def test_reactants_that_run_out_together_are_all_limiting():
    result = stoichiometry(
        {"reaction": "H2 + Cl2 -> HCl", "amounts": {"H2": "1 mol", "Cl2": "1 mol"}}
    )
    assert result["limiting_reagents"] == ["H2", "Cl2"]
    assert all(r["leftover_moles"] == 0.0 for r in result["reactants"])


def test_amount_keys_match_by_formula_and_units_scale():
    result = stoichiometry(
        {"reaction": "2 H2(g) + O2(g) -> 2 H2O(l)", "amounts": {"H2": "2016 mg", "O2": "0.5 kmol"}}
    )
    assert result["reactants"][0]["given_moles"] == pytest.approx(1.0)
    assert result["reactants"][1]["given_moles"] == pytest.approx(500.0)


@pytest.mark.parametrize(
    ("amounts", "message"),
    [
        ({"H2O": "1 mol"}, "amounts.H2O: H2O is a product"),
        ({"N2": "1 mol"}, "amounts.N2: not a reactant of the reaction; its reactants are H2, O2"),
        ({"H2": "four grams"}, "amounts.H2: 'four grams' is not an amount"),
        ({"H2": "4 lb"}, "amounts.H2: unknown unit 'lb'"),
        ({"H2": "0 g"}, "amounts.H2: the amount must be positive"),
        ({"H2": "1 mol", "H2(g)": "2 mol"}, "H2 is given twice"),
    ],
)
def test_stoichiometry_refusals_name_the_amount(amounts, message):
    failure = refusal(stoichiometry, reaction="H2 + O2 -> H2O", amounts=amounts)
    assert failure.kind is FailureKind.INVALID_ARGUMENTS
    assert message in failure.message


def test_unbalanceable_reaction_names_the_reaction_argument():
    failure = refusal(stoichiometry, reaction="H2 -> O2", amounts={"H2": "1 mol"})
    assert failure.message.startswith("reaction: ")


# --- ph ---


def test_weak_acid_result_fields():
    result = ph({"kind": "weak_acid", "concentration": 0.1, "pka": 4.76})
    assert set(result) >= {"ph", "poh", "hydronium", "hydroxide", "percent_ionization", "text"}
    assert result["ph"] + result["poh"] == pytest.approx(14.0)
    assert result["hydronium"] * result["hydroxide"] == pytest.approx(1e-14)
    assert result["units"] == {
        "hydronium": "mol/L",
        "hydroxide": "mol/L",
        "percent_ionization": "%",
    }


def test_buffer_outside_its_range_carries_a_note():
    result = ph(
        {"kind": "buffer", "acid_concentration": 1, "base_concentration": 0.01, "pka": 4.76}
    )
    assert result["ph"] == pytest.approx(2.76)
    assert "outside" in result["note"]
    calm = ph({"kind": "buffer", "acid_concentration": 0.1, "base_concentration": 0.1, "pka": 5})
    assert "note" not in calm


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"kind": "weak_acid", "concentration": 0.1}, "ka: weak_acid needs ka or pka"),
        ({"kind": "weak_base", "concentration": 0.1}, "kb: weak_base needs kb or pkb"),
        ({"kind": "weak_acid", "ka": 1e-5}, "concentration: weak_acid needs concentration"),
        ({"kind": "weak_acid", "concentration": 0.1, "ka": 1e-5, "pka": 5}, "pka: give only one"),
        ({"kind": "strong_acid", "concentration": 0.1, "ka": 1.0}, "ka: strong_acid takes no ka"),
        ({"kind": "weak_acid", "concentration": 0.1, "kb": 1e-5}, "kb: weak_acid takes no kb"),
        ({"kind": "buffer", "acid_concentration": 0.1, "pka": 4}, "base_concentration: buffer"),
        (
            {"kind": "buffer", "acid_concentration": 0.1, "base_concentration": 0.1},
            "pka: buffer needs",
        ),
    ],
)
def test_ph_refusals_name_the_argument(arguments, message):
    failure = refusal(ph, **arguments)
    assert failure.kind is FailureKind.INVALID_ARGUMENTS
    assert failure.message.startswith(message)


# --- schema checks before anything runs ---


@pytest.mark.parametrize(
    ("name", "arguments", "field"),
    [
        ("molecular_structure", {}, "arguments.smiles"),
        ("molecular_structure", {"smiles": "C" * 2001}, "arguments.smiles"),
        ("molecular_structure", {"smiles": "C", "coordinates": True}, "arguments.coordinates"),
        ("molecular_weight", {"formula": ""}, "arguments.formula"),
        ("molecular_weight", {"formula": 12}, "arguments.formula"),
        ("functional_groups", {"smiles": ["CCO"]}, "arguments.smiles"),
        ("reaction_balance", {"equation": "x" * 501}, "arguments.equation"),
        ("stoichiometry", {"reaction": "H2 + O2 -> H2O", "amounts": {}}, "arguments.amounts"),
        (
            "stoichiometry",
            {"reaction": "H2 + O2 -> H2O", "amounts": {"H2": {"value": 1, "unit": "lb"}}},
            "arguments.amounts.H2.unit",
        ),
        (
            "stoichiometry",
            {"reaction": "H2 + O2 -> H2O", "amounts": {"H2": {"value": -1, "unit": "g"}}},
            "arguments.amounts.H2.value",
        ),
        ("ph", {"kind": "acid", "concentration": 0.1}, "arguments.kind"),
        ("ph", {"kind": "strong_acid", "concentration": 0}, "arguments.concentration"),
        (
            "ph",
            {"kind": "strong_acid", "concentration": 0.1, "equivalents": 1.5},
            "arguments.equivalents",
        ),
        ("ph", {"kind": "weak_acid", "concentration": 0.1, "ka": -1}, "arguments.ka"),
    ],
)
def test_schema_violations_name_the_field(registry, name, arguments, field):
    with pytest.raises(InvalidArgumentError) as error:
        registry.validate(name, arguments)
    assert error.value.field == field


def test_integral_floats_from_protobuf_pass_the_schema(registry):
    arguments = {"kind": "strong_base", "concentration": 0.05, "equivalents": 2.0}
    registry.validate("ph", arguments)
    assert ph(arguments)["ph"] == pytest.approx(13.0)

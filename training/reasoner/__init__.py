"""Tool-use conversations for fine-tuning the reasoner (the SmolLM2 LoRA, or Qwen's).

    python -m training.reasoner.data --out build/reasoner/traces.jsonl --count 20000 --seed 0

writes three JSONL files next to --out: traces.train.jsonl (--count traces),
traces.validation.jsonl (count/20) and traces.held_out.jsonl (count/10), and prints the
traces per family and split. On the 2-core development machine, --count 20000 (23,000 traces,
~210 MB) took 106 s and 121 s in two runs on one core (~5 ms a trace); progress goes to stderr.

One line per trace: `messages` is the conversation exactly as the reasoner hands it to a chat
template without a tool role (SmolLM2's): the system prompt of `prompting.system_prompt` listing
only `tools_offered` (in the reasoner's default tool listing, or --tool-listing), the question,
an assistant turn with a short thought and a
`<tool_call>{"name": …, "arguments": …}</tool_call>` block, the tool's result as a user turn of
`<tool_response>` blocks, and a final assistant turn ending in the line
`Answer: <final value>`. Nothing is rendered here: each trace is played through
`svend.reasoner.engine.Reasoner` with a scripted backend, and the tools service's own registry
runs every call in-process (see replay.py), so each result is the real tool's and a result cut
to the reasoner's 2000-character limit drops the sample. Results and schemas pass through a
protobuf Struct as over gRPC (every number a float), but keep the tool's key order, because
Struct's order is random per process and a seed must give the same bytes.

Machine-readable fields: `family`, `task` (family.kind), `template` (task.t<i> for training
phrasings, task.h<i> for held-out ones), `tool` (null for no-tool traces),
`expected_arguments`, `mistaken_arguments` (the failing first call of a correction trace, else
null), `final_value` (the text after "Answer: "), `values` (every number or pick drawn, by
slot), `tools_offered`, `tool_listing` and `split`.

Families: math (symbolic_math: solve, diff, integrate, simplify, factor, evaluate, gcd/lcm,
isprime, limit, det, summation), units (unit_convert, plus correction traces where "F"/"C" is
read as farad/coulomb, the tool's error comes back and the model retries with degF/degC),
chemistry (molecular_weight, reaction_balance, stoichiometry, ph), physics (kinematics,
thermodynamics, circuits), logic (logic_solver), code (execute_python) and no_tool (greetings,
concepts, facts; answered directly even when tools are offered). Four traces in five offer the
reasoner's default tools (`ReasonerSettings.tools_offered`, the eleven tools above), as the
service lists them; the others offer the needed tool with up to two distractors, or, when no
tool is needed, none or one.

execute_python runs in the real bubblewrap sandbox, started from this process with no preloaded
modules (the programs use the standard library only; ~70 ms a call). Where no jail can start,
the code family is left out and the build says so.

Splits: each trace draws from its own stream, seeded by (seed, split, index), so a trace does
not depend on --count. "train" and "validation" use the training templates and value ranges;
"held_out" uses only held-out templates and draws every number from a range, and every pick
(compound, reaction, greeting, concept…) from a pool, that training never uses (phrasing.Span
and phrasing.Pool refuse to overlap). Politeness prefixes, sign-offs and synonyms are shared.
"""

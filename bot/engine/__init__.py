"""The conversation engine: pure rules, no I/O.

Nothing in this package imports aiogram, SQLAlchemy, HTTP clients, the clock or any other
part of bot: the runtime passes time, stored state and fetched data in, and gets back a
`Turn` saying what to store, what to answer and what to do (tests/engine/test_purity.py and
tests/test_architecture.py enforce it).

model.py        values that cross the boundary: Inbound, Reply, Text, ConversationState, Turn
advance.py      `advance(flows, state, inbound, now, data) -> Turn`, the one entry point
cursor.py       the working state of one `advance` call; how values are looked up
steps/          one module per step kind (say, ask, branch, action, goto, set, end)
definition.py   pydantic models of a flow file: the shape pass
yamlsource.py   YAML with a line number for every value
textfile.py     reading a text file people edit: UTF-8, or a byte order mark's encoding
load.py         flows/*.yaml -> (FlowSet, issues), the shape pass over a folder
checks.py       the meaning pass: steps, flows, actions and texts that do not fit together
issues.py       a problem found in a flow file, with its file and line
validators.py   typed answers (`input: number`, `phone`, `email`...)
normalize.py    comparing what people type with labels and words
messages.py     the engine's own texts (N_ marks them for extraction)
gettext.py      the Babel extractor for flow files (`pybabel extract`, babel.cfg)
"""

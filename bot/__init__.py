"""Welcome Bot: a multilingual chatbot for a city's integration department.

The layers, top to bottom (docs/ARCHITECTURE.md; tests/test_architecture.py checks them):

    cli.py, service.py, app.py, console/   entry points and wiring (console/: the staff web console)
    channels/                           platforms -> Inbound, Outbound -> platform calls
    runtime.py, delivery/               turns and pushes: load, decide, commit, send
    actions.py, privacy.py              the registries of every feature's actions and slices
    faq/ events/ notices/ buddies/ handoff/ people/   the features: pure rules beside storage
    engine/                             the pure conversation engine
    db/                                 tables, sessions, the people repository, migrations

__main__.py     `python -m bot` is `welcomebot`
cli.py          the `welcomebot` command: run, chat, deliver, check, flows, db, people, faq...
commandline.py  what every command shares: settings, logging, async work, a database
service.py      `welcomebot run`: channels, webhooks, the outbox sender, housekeeping
server.py       the one HTTP server (aiohttp): every webhook, /healthz and /metrics
console/        the staff web console (`welcomebot console`): Starlette pages on their own port
app.py          wiring: settings -> flows, catalogs, content, database -> the runtime
check.py        `welcomebot check`: settings, flows and content, every problem at once
config.py       settings, read once from the environment and .env
paths.py        where flows, content and catalogs are: the checkout's, or those shipped with it
logs.py         how log lines look: text, or one JSON object a line (LOG_FORMAT)
metrics.py      every metric the bot exports on /metrics (Prometheus), in one registry per app
errors.py       errors that stop the start (bad flows, database not migrated, bad content)
runtime.py      one turn: load the person, advance the engine, run actions, commit, reply
hold.py         turns held in memory while the database is out, done in order once it is back
feature.py      what a feature gives the bot: its actions (ActionContext) and privacy slice
actions.py      every action flows may call, by name
privacy.py      every feature's privacy slice: /mydata, /delete, consent withdrawn, retention
audit.py        the audit log: who did what as staff, and the erasures asked for
review.py       what a feature offers the translators' review queue (Reviewable, Item)
reviewers.py    the languages a translator (role reviewer) reviews texts in
flood.py        the per-person flood limit on typed messages
i18n.py         catalogs, locale negotiation, plurals, dates, bidi isolation
catalogs.py     keeping the PO catalogs whole (`welcomebot i18n check`)
glossary.py     one rendering per language of the office names and the bot's terms
contacts.py     the city's contacts (content/contacts.yaml) and the contact action
districts.py    the city's districts (content/districts.yaml) and the district question
help.py         the /help list of commands, built from the flows
"""

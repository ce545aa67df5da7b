"""Notices: one message to everyone who asked for its topic, each in their own language.

content.py    notice files (content/notices/<id>.yaml): texts per language, staleness
audience.py   `topic:health locale:ar,fa district:Mitte role:newcomer`, parsed
store.py      queueing a notice in the outbox (once per person), pause, resume, tally
topics.py     the topics people subscribe to, and subscribing
actions.py    the actions of flows/notices.yaml (the notice itself; topics; /stop)
cli.py        `welcomebot notice send|status|pause|resume|review`, `deliver`, `people import`
"""

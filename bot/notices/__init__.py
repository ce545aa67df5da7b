"""Notices: one message to everyone who asked for its topic, each in their own language.

content.py      notice files (content/notices/<id>.yaml): texts per language, staleness;
                reading them, and writing them (some languages, a review stamp)
drafts.py       notices staff write in the chat, kept in the database; finding a notice
                by id (a file of the city's, else such a draft)
plan.py         pure: how many get it in each language, which text, how long sending takes
audience.py     `topic:health locale:ar,fa district:Mitte role:newcomer`, parsed
store.py        queueing a notice in the outbox (once per person), pause, resume, cancel,
                tally
approvals.py    which WhatsApp templates Meta approved in which language (as last asked),
                and which the templates file lists: the console's page and warnings
topics.py       the topics people subscribe to, and subscribing
translation.py  machine-translation drafts of the texts, offline (argostranslate)
actions.py      the actions of flows/notices.yaml (the notice itself; topics; /stop)
composer.py     the actions of flows/notices_staff.yaml: staff write and send one in the chat
privacy.py      the notices' privacy slice: the person's topics as /mydata shows them
cli.py          `welcomebot notice send|status|pause|resume|cancel|review|translate`
review.py       the drafts' texts as the translators' review queue sees them (bot.review)
"""

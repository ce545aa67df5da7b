"""The FAQ: answers to the questions newcomers ask most, found from their own words.

content.py     the topic files (content/faq/<id>.yaml) and small talk (content/smalltalk.yaml)
titles.py      each topic's short title, a gettext message (buttons of related topics)
vectors.py     the embedding model and the cache of what it computed
keywords.py    German office words found in any script ("бюргергельд" -> Bürgergeld)
spelling.py    what the model reads: misspelt Arabic-script words and dialect words fixed
question.py    the question inside a long message
match.py       which topic a message is about, or that it is none (pure scoring)
letters.py     the character n-grams of a message, for match.py's second classifier
language.py    which language a message is written in
desk.py        the answer for a message: topic, language, text, related topics
edits.py       topics edited in the staff console (table faq_edits), laid over the files
current.py     the desk a process answers with, built again when the edits change
gaps.py        the unanswered questions grouped by language and wording, for staff
review.py      FAQ answers in the translators' review queue (`bot.review`)
evaluation.py  accuracy and latency on a labelled JSONL set (`welcomebot faq eval`)
checks.py      the held-out check run from the console: the desk it runs on, its results kept
store.py       "Did this help?" answers and the questions without an answer (never commits)
helpfulness.py "Did this help?" per topic and language over a period and week by week
tally.py       how many questions a day, by language, and how many were answered (numbers only)
privacy.py     the FAQ's privacy slice: the person's unanswered questions
actions.py     the actions the FAQ flow calls
"""

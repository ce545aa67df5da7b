"""Refugee Dialogues and language cafés: browse, book, waitlist, reminders, staff lists.

series.py    events as staff write them (content/events.yaml, the CLI), and their dates
content.py   reading event series from a YAML file, every problem with its file and line
seating.py   who gets a seat and who waits (pure rules)
calendar.py  the .ics file of a booking
store.py     events and bookings in the database (booking under a lock on the event)
actions.py   the actions the events flows call
privacy.py   the events' privacy slice: the person's bookings as /mydata shows them
cli.py       `welcomebot events import|add|list|cancel|move|attendees`
"""

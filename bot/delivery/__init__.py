"""Every push the bot makes (reminders, "you got a seat", notices) goes through here.

outbox.py   queue a message in the transaction that causes it; take back what is no
            longer true; claim what is due (several senders share the work)
sender.py   send what is due within the platform's limits; retry, give up, or mark the
            person unreachable by what the platform answered
"""

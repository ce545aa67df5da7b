"""People and their privacy: consent, what is stored (/mydata), erasure (/delete), retention."""

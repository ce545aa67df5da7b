"""Short titles of the FAQ topics, for the buttons of related topics. The ids are fixed
(the file names in content/faq/): evaluation sets, analytics and flows refer to them."""

from bot.engine.messages import N_

TITLES: dict[str, str] = {
    "german-courses": N_("Learning German"),
    "integration-course": N_("Integration course"),
    "language-cafe": N_("Language cafés"),
    "address-registration": N_("Registering your address"),
    "residence-permit": N_("Residence permit"),
    "asylum-procedure": N_("Asylum procedure"),
    "family-reunion": N_("Family reunion"),
    "work-permit": N_("Permission to work"),
    "job-search": N_("Finding a job"),
    "recognition-qualifications": N_("Recognition of qualifications"),
    "social-benefits": N_("Money to live on"),
    "housing": N_("Finding a flat"),
    "health-insurance": N_("Health insurance and doctors"),
    "vaccination": N_("Vaccination and testing"),
    "mental-health": N_("Help with stress and trauma"),
    "emergency": N_("Emergencies"),
    "interpreter": N_("Interpreters"),
    "children-school": N_("School and daycare"),
    "welcome-buddy": N_("Welcome Buddies"),
    "refugee-dialogue": N_("Refugee Dialogues"),
    "welcome-center": N_("The Welcome Center"),
    "naturalisation": N_("Becoming a citizen"),
    "discrimination": N_("Discrimination and racism"),
    "lgbtiq": N_("LGBTIQ support"),
    "international-students": N_("International students"),
    "return-counselling": N_("Return counselling"),
    "leisure": N_("Leisure and meeting people"),
    # Everyday life, added after the first release.
    "local-transport": N_("Buses, trains and tickets"),
    "bank-account": N_("Opening a bank account"),
    "phone-internet": N_("Phone and internet"),
    "broadcasting-fee": N_("Broadcasting fee letter"),
    "taxes": N_("Taxes"),
    "driving-licence": N_("Driving licence"),
    "family-benefits": N_("Money for families"),
    "legal-advice": N_("Letters and legal advice"),
    "everyday-shopping": N_("Affordable shopping"),
    "waste-separation": N_("Sorting rubbish"),
}

TOPIC_IDS: tuple[str, ...] = tuple(TITLES)

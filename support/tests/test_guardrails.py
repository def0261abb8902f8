from support.assistant.guardrails import numbers_in, reply_grounded

DRAFT = "Yogamatte Cork kostet 89,99 € (inkl. 19 % MwSt.). Versand in 1–3 Werktagen."
FACTS = ("89,99 €", "1–3")


def test_numbers_are_read_whatever_the_separators():
    assert numbers_in("1.299,00 € und $1,299.00 in 3 Tagen") == {"129900", "3"}


def test_a_rephrasing_that_keeps_the_facts_is_grounded():
    text = "Die Yogamatte Cork gibt es für 89,99 € inkl. 19 % MwSt., in 1–3 Werktagen."

    assert reply_grounded(text=text, facts=FACTS, draft=DRAFT) is True


def test_an_invented_price_is_not_grounded():
    text = "Die Yogamatte Cork kostet heute nur 79,99 € statt 89,99 €, in 1–3 Tagen."

    assert reply_grounded(text=text, facts=FACTS, draft=DRAFT) is False


def test_a_dropped_fact_is_not_grounded():
    text = "Die Yogamatte Cork kostet 89,99 €."

    assert reply_grounded(text=text, facts=FACTS, draft=DRAFT) is False


def test_an_empty_text_is_not_grounded():
    assert reply_grounded(text="  ", facts=(), draft=DRAFT) is False

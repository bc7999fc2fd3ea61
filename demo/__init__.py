"""The Lumora demo help center, loaded by ``manage.py load_demo``: content only.

``demo.articles`` (categories, articles, community, accounts, synonyms), ``demo.tickets``
(teams, hours, plans, requests) and ``demo.analytics`` (a month of dashboard history).
It writes through the apps' services and models; no app imports from here.
"""

"""Customer and sales analytics: the KPIs of SPEC §4, RFM segments and customer value.

Analytics reads every app and is imported by none but `crm.urls`; pandas lives only here.
"""

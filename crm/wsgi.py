import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")

application = get_wsgi_application()

# Everything loaded so far (modules, settings, URL patterns) lives as long as the process:
# moving it out of the collector's generations keeps full collections, which otherwise stall
# a request now and then, short.
gc.freeze()

"""gunicorn settings for the pages tier: `gunicorn -c config/gunicorn.py config.wsgi`.

Sync workers, one per core: a page is CPU work in Python, so more workers than cores
only queue for the GIL and the CPU. `GUNICORN_WORKER_CLASS=gthread` keeps client
connections alive (useful without a buffering proxy in front).
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", str(os.cpu_count() or 1)))
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "sync")
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# The proxy buffers slow clients; a worker stuck this long is restarted.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
keepalive = 5
# Request lines go through Django's logging config, whose filter redacts order links.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
# gunicorn's control socket has one default path per user: several instances on a
# host would fight over it; systemd and signals manage the process here.
control_socket_disable = True

"""SMS and e-mail to citizens: queued, delivered by Celery through pluggable gateways."""

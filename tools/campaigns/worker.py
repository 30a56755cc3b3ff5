"""The Celery app of the campaign batch workers: ``celery -A tools.campaigns.worker worker --concurrency 1``.

Late acknowledgement and one task at a time per worker process: a worker killed mid-batch leaves its task
unacknowledged, and the broker redelivers it (``task_reject_on_worker_lost``); ``process_batch`` skips the events
already done, so a batch redelivered writes nothing twice. The broker is ``AGENTIFY_BROKER_URL`` (Redis on
127.0.0.1:6379 on this machine kind; RabbitMQ's ``amqp://`` works the same).
"""

from __future__ import annotations

import os

from celery import Celery

from tools.campaigns.engine import BROKER_SETTING, process_batch

QUEUE = "agentify-campaigns"

app = Celery("agentify_campaigns", broker=os.environ.get(BROKER_SETTING, "redis://127.0.0.1:6379/0"))
app.conf.update(
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    task_default_queue=QUEUE,
    task_serializer="json",
    accept_content=["json"],
    # An unacknowledged batch (its worker died) goes back to the queue after this long (Redis).
    broker_transport_options={"visibility_timeout": int(os.environ.get("AGENTIFY_BROKER_VISIBILITY_S") or 300)},
    broker_connection_retry_on_startup=True,
    worker_hijack_root_logger=False,
)


@app.task(name="agentify.campaigns.process_batch")
def process_batch_task(database_url: str, campaign_id: str, event_ids: list[str]) -> int:
    """One batch of a campaign's events, on the bank at ``database_url``."""
    from stores.db import shared_database

    return process_batch(shared_database(database_url), campaign_id, event_ids)

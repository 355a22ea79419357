"""Every module that defines tasks, imported by a worker so that it knows them all by name (a web
process imports each where it enqueues it). A new task module is added here."""

from engage.briefings import jobs
from engage.dashboard import tasks as dashboard_tasks
from engage.engagements import tasks as engagement_tasks
from engage.reports import tasks as report_tasks
from engage.transfer import tasks as transfer_tasks
from engage.webhooks import tasks as webhook_tasks

MODULES = (jobs, transfer_tasks, webhook_tasks, engagement_tasks, dashboard_tasks, report_tasks)
TASK_MODULES = tuple(m.__name__ for m in MODULES)

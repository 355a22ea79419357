"""Webhooks: admins subscribe other tools to Engage's changes; an outbox written in the change's
own transaction, delivered as signed POSTs (Standard Webhooks) by `engage deliver-webhooks`."""

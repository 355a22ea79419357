"""Every model, imported once so that Alembic and `create_all` see the whole schema."""

from engage.api.models import ApiToken
from engage.audit.models import AuditEvent
from engage.auth.models import LoginFailure, User, UserSession
from engage.briefings.models import Document
from engage.consultations.models import Commitment, Consultation, Decision, Input
from engage.documents.models import Attachment, Note
from engage.engagements.models import AgendaItem, Engagement, EngagementParticipant, ReminderSent
from engage.forums.models import Forum, ForumMember
from engage.fulltext.models import SearchEntry, SearchWord
from engage.helplines.models import Helpline
from engage.inbox.models import EmailDraft
from engage.organizations.models import Affiliation, Organisation
from engage.people.models import (
    ConflictDeclaration,
    ConsentChange,
    ErasedEmail,
    Honorarium,
    Person,
    PersonEmail,
    PersonPhone,
    StakeholderAssessment,
)
from engage.policies.models import Clause, OutcomeCount, Policy, PolicyVersion
from engage.reports.models import ConsultationMonthCount, CoverageCount, CoveragePair, CoverageState
from engage.savedviews.models import SavedView
from engage.topics.models import Topic
from engage.transfer.models import ImportMapping
from engage.webhooks.models import WebhookAttempt, WebhookMessage, WebhookSubscription

__all__ = [
    "Affiliation",
    "AgendaItem",
    "ApiToken",
    "Attachment",
    "AuditEvent",
    "Clause",
    "Commitment",
    "ConflictDeclaration",
    "ConsentChange",
    "Consultation",
    "ConsultationMonthCount",
    "CoverageCount",
    "CoveragePair",
    "CoverageState",
    "Decision",
    "Document",
    "EmailDraft",
    "Engagement",
    "EngagementParticipant",
    "ErasedEmail",
    "Forum",
    "ForumMember",
    "Helpline",
    "Honorarium",
    "ImportMapping",
    "Input",
    "LoginFailure",
    "Note",
    "Organisation",
    "OutcomeCount",
    "Person",
    "PersonEmail",
    "PersonPhone",
    "Policy",
    "PolicyVersion",
    "ReminderSent",
    "SavedView",
    "SearchEntry",
    "SearchWord",
    "StakeholderAssessment",
    "Topic",
    "User",
    "UserSession",
    "WebhookAttempt",
    "WebhookMessage",
    "WebhookSubscription",
]

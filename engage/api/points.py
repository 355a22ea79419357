"""How the API sends a point raised and the decision on it (in a consultation's detail, and as the
answer to writing one): with their versions, the ETags to send back as If-Match."""


def decision_body(decision) -> dict | None:
    if decision is None:
        return None
    names = ("id", "version", "outcome", "rationale", "decided_on", "decided_by_id", "policy_version_id")
    return {name: getattr(decision, name) for name in (*names, "clause_id", "no_change")}


def point_body(point) -> dict:
    names = ("id", "version", "consultation_id", "text", "person_id", "organisation_id", "topic_id", "clause_id")
    return {name: getattr(point, name) for name in names} | {"decision": decision_body(point.decision)}

"""Required properties of the Open Badges 2.0 specification: Profile used as an Issuer,
BadgeClass, Assertion, IdentityObject, Evidence and Endorsement.

Evidence has no required property in the specification.
"""

CONTEXT = "https://w3id.org/openbadges/v2"
ISSUER_REQUIRED = {"@context", "type", "id", "name", "url"}
BADGE_CLASS_REQUIRED = {
    "@context",
    "type",
    "id",
    "name",
    "description",
    "image",
    "criteria",
    "issuer",
}
ASSERTION_REQUIRED = {"@context", "type", "id", "recipient", "badge", "verification", "issuedOn"}
IDENTITY_REQUIRED = {"type", "hashed", "identity"}
EVIDENCE_PROPERTIES = {"type", "id", "narrative", "name", "description", "genre", "audience"}
ENDORSEMENT_REQUIRED = {"@context", "type", "id", "claim", "issuer", "issuedOn", "verification"}

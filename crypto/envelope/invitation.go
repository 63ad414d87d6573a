package envelope

import (
	"encoding/json"
	"time"

	"filippo.io/age"
)

// Route is the route of the referents who will read a victim thread.
type Route string

const (
	RouteAVDHAS   Route = "avdhas"
	RouteConflict Route = "conflict" // facts that involve the authority
)

// MaxInvitationMessageSize is the largest witness message in an invitation.
const MaxInvitationMessageSize = 8 << 10

// Invitation is what a witness hands to the presumed victim, sealed to the
// recipient derived from the invitation code (casecode purpose
// "invitation"). It says where the victim's thread goes and nothing about
// the witness's case: no lookup id, no key, no facts. JSON in this field
// order.
type Invitation struct {
	// OrgID is the organisation whose directory the victim's device loads.
	OrgID string `json:"org_id"`
	// Route is RouteAVDHAS, or RouteConflict when the facts involve the
	// authority. Whistleblowing has no victim thread.
	Route     Route     `json:"route"`
	CreatedAt time.Time `json:"created_at"` // encoded in UTC
	// Message is an optional word from the witness to the victim.
	Message string `json:"message"`
}

// Validate checks the invitation's fields. Errors wrap ErrInvalid.
func (in *Invitation) Validate() error {
	switch {
	case !validOrgID(in.OrgID):
		return invalid("org_id must match [a-z0-9][a-z0-9-]{0,62}")
	case in.Route != RouteAVDHAS && in.Route != RouteConflict:
		return invalid("route must be %q or %q", RouteAVDHAS, RouteConflict)
	case in.CreatedAt.IsZero():
		return invalid("created_at is missing")
	case !validText(in.Message, MaxInvitationMessageSize):
		return invalid("message must be at most %d bytes of UTF-8", MaxInvitationMessageSize)
	}
	return nil
}

// SealInvitation validates in and seals it as a KindInvitation envelope to
// the invitation's recipient. in is not modified.
func SealInvitation(in *Invitation, invitationRecipient age.Recipient) ([]byte, error) {
	c := *in
	c.CreatedAt = c.CreatedAt.UTC()
	if err := c.Validate(); err != nil {
		return nil, err
	}
	payload, err := json.Marshal(&c)
	if err != nil {
		return nil, err
	}
	return Seal(KindInvitation, payload, invitationRecipient)
}

// OpenInvitation opens a KindInvitation envelope with the identity derived
// from the invitation code and decodes it strictly.
func OpenInvitation(ciphertext []byte, identities ...age.Identity) (*Invitation, error) {
	payload, err := Open(ciphertext, KindInvitation, identities...)
	if err != nil {
		return nil, err
	}
	return decodeInvitation(payload)
}

func decodeInvitation(payload []byte) (*Invitation, error) {
	var in Invitation
	if err := decodeStrict(payload, &in); err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	return &in, nil
}

package directory

import (
	"time"

	"github.com/lanterne/lanterne/crypto/agekey"
)

// Format is the value of Directory.Format for this version of the protocol.
const Format = "lanterne-directory/1"

// RouteID names a route: the set of referents a report is encrypted to.
type RouteID string

const (
	// RouteAVDHAS is the channel for violence, discrimination, harassment and
	// sexist acts (CGFP L135-6).
	RouteAVDHAS RouteID = "avdhas"
	// RouteWhistleblowing is the channel for whistleblowing (loi 2016-1691).
	RouteWhistleblowing RouteID = "whistleblowing"
	// RouteConflict serves facts that involve the authority or a referent:
	// its referents are not those of the other routes.
	RouteConflict RouteID = "conflict"
)

// Directory is what an organisation publishes, signed: who it is, which
// routes it offers and which referents read each route. The JSON form of this
// struct, in field order, is what is signed.
type Directory struct {
	Format      string      `json:"format"`
	OrgID       string      `json:"org_id"`
	OrgName     string      `json:"org_name"`
	Version     uint64      `json:"version"`
	IssuedAt    time.Time   `json:"issued_at"`
	ExpiresAt   time.Time   `json:"expires_at"`
	CaseKeyKind agekey.Kind `json:"case_key_kind"`
	Routes      []Route     `json:"routes"`
	Referents   []Referent  `json:"referents"`
	// Keys is the organisation's key chain: Keys[0] is the root key that the
	// fingerprint names; each later key is endorsed by the one before it;
	// the last key signs the directory.
	Keys []SigningKey `json:"keys"`
}

// Route is one route an organisation offers, with its names in French and
// English (keys "fr" and "en").
type Route struct {
	ID    RouteID           `json:"id"`
	Names map[string]string `json:"names"`
}

// Referent is a person who reads the reports of one or more routes.
type Referent struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// AgeRecipient is the referent's age public key (age1pq1… by default).
	AgeRecipient string `json:"age_recipient"`
	// VerifyKey is the referent's Ed25519 public key (32 bytes), which
	// checks the signatures on the referent's messages.
	VerifyKey []byte    `json:"verify_key"`
	Routes    []RouteID `json:"routes"`
}

// SigningKey is one link of the organisation's key chain.
type SigningKey struct {
	ID        string `json:"id"`
	PublicKey []byte `json:"public_key"`
	// Endorsement is the previous key's signature over this key; empty for
	// the root key.
	Endorsement []byte `json:"endorsement,omitempty"`
}

// Referent returns the referent with the given id, or nil.
func (d *Directory) Referent(id string) *Referent {
	for i := range d.Referents {
		if d.Referents[i].ID == id {
			return &d.Referents[i]
		}
	}
	return nil
}

// Serves reports whether the referent reads the given route.
func (r *Referent) Serves(route RouteID) bool {
	for _, x := range r.Routes {
		if x == route {
			return true
		}
	}
	return false
}

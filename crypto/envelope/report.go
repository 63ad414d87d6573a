package envelope

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"filippo.io/age"
)

// ReportSchema is the value of Report.Schema for this version.
const ReportSchema = "lanterne-report/1"

// ErrSchema: the report's schema field is not ReportSchema.
var ErrSchema = errors.New("envelope: not a lanterne-report/1 report")

// Report is what a reporter submits: the payload of a KindReport frame,
// encoded as JSON in this field order.
type Report struct {
	// Schema is ReportSchema. SealReport fills it in when empty.
	Schema   string   `json:"schema"`
	Channel  Channel  `json:"channel"`
	Role     Role     `json:"role"`
	Category Category `json:"category"`
	// Criteria are discrimination criteria, only with CategoryDiscrimination
	// (possibly none: the reporter may not know which applies).
	Criteria []Criterion `json:"criteria"`
	// Facts is what happened, in the reporter's words; required.
	Facts string `json:"facts"`
	// When and Where are free text ("since March, every Monday").
	When            string         `json:"when"`
	Where           string         `json:"where"`
	PersonsInvolved string         `json:"persons_involved"`
	Witnesses       string         `json:"witnesses"`
	Wishes          Wishes         `json:"wishes"`
	Conflict        Conflict       `json:"conflict"`
	Evidence        []EvidenceItem `json:"evidence"`
	// SubmittedAt is the device's time of submission; encoded in UTC.
	SubmittedAt time.Time `json:"submitted_at"`
}

// Wishes says what the reporter asks for.
type Wishes struct {
	// Meeting: the reporter asks for a meeting (to be held within 20
	// working days).
	Meeting bool   `json:"meeting"`
	Other   string `json:"other"`
}

// Conflict drives reader selection (package casekey): facts that involve the
// authority go to the conflict route, and the excluded referents never
// receive the case key.
type Conflict struct {
	InvolvesAuthority bool `json:"involves_authority"`
	// ExcludedReferents are referent ids; no duplicates.
	ExcludedReferents []string `json:"excluded_referents"`
}

// Size limits of the report's free-text fields, in bytes. The whole payload
// is bounded by KindReport.MaxPayload() too.
const (
	MaxFactsSize = 512 << 10
	MaxFieldSize = 64 << 10 // when, where, persons_involved, witnesses, wishes.other
	MaxEvidence  = 100      // evidence items per report
)

// Validate checks a report against the schema's rules. Errors wrap ErrSchema
// or ErrInvalid and name fields and positions, never values.
func (r *Report) Validate() error {
	if r.Schema != ReportSchema {
		return ErrSchema
	}
	switch r.Role {
	case RoleVictim, RoleWitness:
	default:
		return invalid("role must be %q or %q", RoleVictim, RoleWitness)
	}
	want := ChannelFor(r.Category)
	switch {
	case want == "":
		return invalid("unknown category")
	case r.Channel != ChannelAVDHAS && r.Channel != ChannelWhistleblowing:
		return invalid("channel must be %q or %q", ChannelAVDHAS, ChannelWhistleblowing)
	case r.Channel != want:
		return invalid("category %q belongs to channel %q, not %q", r.Category, want, r.Channel)
	case len(r.Criteria) > 0 && r.Category != CategoryDiscrimination:
		return invalid("criteria are only for category %q", CategoryDiscrimination)
	}
	seen := make(map[Criterion]bool, len(r.Criteria))
	for i, c := range r.Criteria {
		if !knownCriterion(c) {
			return invalid("criteria[%d] is not a known criterion", i)
		}
		if seen[c] {
			return invalid("criteria[%d] is listed twice", i)
		}
		seen[c] = true
	}
	if strings.TrimSpace(r.Facts) == "" || !validText(r.Facts, MaxFactsSize) {
		return invalid("facts must be 1 to %d bytes of UTF-8, not only spaces", MaxFactsSize)
	}
	for _, f := range []struct{ name, v string }{
		{"when", r.When}, {"where", r.Where}, {"persons_involved", r.PersonsInvolved},
		{"witnesses", r.Witnesses}, {"wishes.other", r.Wishes.Other},
	} {
		if !validText(f.v, MaxFieldSize) {
			return invalid("%s must be at most %d bytes of UTF-8", f.name, MaxFieldSize)
		}
	}
	excluded := make(map[string]bool, len(r.Conflict.ExcludedReferents))
	for i, id := range r.Conflict.ExcludedReferents {
		if !validReferentID(id) {
			return invalid("conflict.excluded_referents[%d] is not a referent id", i)
		}
		if excluded[id] {
			return invalid("conflict.excluded_referents[%d] is listed twice", i)
		}
		excluded[id] = true
	}
	if len(r.Evidence) > MaxEvidence {
		return invalid("at most %d evidence items", MaxEvidence)
	}
	files := make(map[string]bool, len(r.Evidence))
	for i := range r.Evidence {
		if err := r.Evidence[i].Validate(); err != nil {
			return fmt.Errorf("evidence[%d]: %w", i, err)
		}
		if files[r.Evidence[i].FileID] {
			return invalid("evidence[%d] repeats a file_id", i)
		}
		files[r.Evidence[i].FileID] = true
	}
	if r.SubmittedAt.IsZero() {
		return invalid("submitted_at is missing")
	}
	return nil
}

// encodeReport validates r and returns its JSON payload: Schema filled in
// when empty, nil lists as [], submitted_at in UTC. r is not modified.
func encodeReport(r *Report) ([]byte, error) {
	c := *r
	if c.Schema == "" {
		c.Schema = ReportSchema
	}
	if c.Criteria == nil {
		c.Criteria = []Criterion{}
	}
	if c.Conflict.ExcludedReferents == nil {
		c.Conflict.ExcludedReferents = []string{}
	}
	if c.Evidence == nil {
		c.Evidence = []EvidenceItem{}
	}
	c.SubmittedAt = c.SubmittedAt.UTC()
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return json.Marshal(&c)
}

// decodeReport is the strict decoder of a report payload.
func decodeReport(payload []byte) (*Report, error) {
	var r Report
	if err := decodeStrict(payload, &r); err != nil {
		return nil, err
	}
	if err := r.Validate(); err != nil {
		return nil, err
	}
	return &r, nil
}

// SealReport validates r and seals it as a KindReport envelope to the
// recipients (the case key). r is not modified.
func SealReport(r *Report, recipients ...age.Recipient) ([]byte, error) {
	payload, err := encodeReport(r)
	if err != nil {
		return nil, err
	}
	return Seal(KindReport, payload, recipients...)
}

// OpenReport opens a KindReport envelope and decodes it strictly: unknown
// fields, duplicate keys, another schema and invalid content are refused.
func OpenReport(ciphertext []byte, identities ...age.Identity) (*Report, error) {
	payload, err := Open(ciphertext, KindReport, identities...)
	if err != nil {
		return nil, err
	}
	return decodeReport(payload)
}

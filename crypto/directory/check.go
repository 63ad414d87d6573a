package directory

import (
	"crypto/ed25519"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/lanterne/lanterne/crypto/agekey"
	"github.com/lanterne/lanterne/crypto/casecode"
)

// Limits on the directory's text fields, in bytes of UTF-8.
const (
	maxNameLength = 200
	maxIDLength   = 63
)

// Check reports whether d is a directory that may be signed and that Verify
// would accept as well-formed: format, organisation id, names, version (at
// least 1), times (UTC, issued before expiry), case key kind, routes,
// referents and the key chain (shape and endorsements). It does not look at
// the clock, the fingerprint or a signature.
//
// Rules beyond the JSON shape, each refused with an error wrapping
// ErrMalformed (or ErrBrokenChain for an endorsement):
//   - every referent's age_recipient is in canonical form and parses with
//     agekey.ParseRecipient; classic X25519 recipients (age1…) are allowed
//     only when case_key_kind is "x25519", so that a hybrid directory never
//     protects a case key with a classic key;
//   - every route listed is served by at least one referent, and every
//     referent serves at least one listed route;
//   - route names are given in French and English ("fr" and "en"), and only
//     those.
func Check(d *Directory) error {
	if err := checkContent(d); err != nil {
		return err
	}
	return CheckChain(d.OrgID, d.Keys)
}

// checkContent checks everything Check does except the key chain.
func checkContent(d *Directory) error {
	if d.Format != Format {
		return fmt.Errorf("%w: format is not %q", ErrMalformed, Format)
	}
	if !ValidOrgID(d.OrgID) {
		return fmt.Errorf("%w: org_id must match [a-z0-9][a-z0-9-]{0,62}", ErrMalformed)
	}
	if !validText(d.OrgName, maxNameLength) {
		return fmt.Errorf("%w: org_name must be 1 to %d bytes of printable UTF-8", ErrMalformed, maxNameLength)
	}
	if d.Version == 0 {
		return fmt.Errorf("%w: version must be at least 1", ErrMalformed)
	}
	if err := checkTime("issued_at", d.IssuedAt); err != nil {
		return err
	}
	if err := checkTime("expires_at", d.ExpiresAt); err != nil {
		return err
	}
	if !d.ExpiresAt.After(d.IssuedAt) {
		return fmt.Errorf("%w: expires_at must be after issued_at", ErrMalformed)
	}
	var allowClassic bool
	switch d.CaseKeyKind {
	case agekey.Hybrid:
	case agekey.X25519:
		allowClassic = true
	default:
		return fmt.Errorf("%w: case_key_kind must be %q or %q", ErrMalformed, agekey.Hybrid, agekey.X25519)
	}

	if len(d.Routes) == 0 {
		return fmt.Errorf("%w: no route", ErrMalformed)
	}
	routes := make(map[RouteID]int, len(d.Routes)) // route → number of referents
	for i, r := range d.Routes {
		switch r.ID {
		case RouteAVDHAS, RouteWhistleblowing, RouteConflict:
		default:
			return fmt.Errorf("%w: routes[%d]: unknown route id", ErrMalformed, i)
		}
		if _, dup := routes[r.ID]; dup {
			return fmt.Errorf("%w: route %q listed twice", ErrMalformed, r.ID)
		}
		routes[r.ID] = 0
		if len(r.Names) != 2 || !validText(r.Names["fr"], maxNameLength) || !validText(r.Names["en"], maxNameLength) {
			return fmt.Errorf("%w: route %q: names must be exactly \"fr\" and \"en\", each 1 to %d bytes of printable UTF-8", ErrMalformed, r.ID, maxNameLength)
		}
	}

	ids := make(map[string]bool, len(d.Referents))
	for i := range d.Referents {
		r := &d.Referents[i]
		if !ValidReferentID(r.ID) {
			return fmt.Errorf("%w: referents[%d]: id must match [a-z0-9][a-z0-9._-]{0,62}", ErrMalformed, i)
		}
		if ids[r.ID] {
			return fmt.Errorf("%w: referent %q listed twice", ErrMalformed, r.ID)
		}
		ids[r.ID] = true
		if !validText(r.Name, maxNameLength) {
			return fmt.Errorf("%w: referent %q: name must be 1 to %d bytes of printable UTF-8", ErrMalformed, r.ID, maxNameLength)
		}
		rcpt, err := agekey.ParseRecipient(r.AgeRecipient, allowClassic)
		if err != nil {
			return fmt.Errorf("%w: referent %q: age_recipient: %v", ErrMalformed, r.ID, err)
		}
		if rcpt.String() != r.AgeRecipient {
			return fmt.Errorf("%w: referent %q: age_recipient is not in canonical form", ErrMalformed, r.ID)
		}
		if len(r.VerifyKey) != ed25519.PublicKeySize {
			return fmt.Errorf("%w: referent %q: verify_key must be %d bytes", ErrMalformed, r.ID, ed25519.PublicKeySize)
		}
		if len(r.Routes) == 0 {
			return fmt.Errorf("%w: referent %q serves no route", ErrMalformed, r.ID)
		}
		seen := make(map[RouteID]bool, len(r.Routes))
		for _, route := range r.Routes {
			n, ok := routes[route]
			if !ok {
				return fmt.Errorf("%w: referent %q serves a route the directory does not list", ErrMalformed, r.ID)
			}
			if seen[route] {
				return fmt.Errorf("%w: referent %q lists route %q twice", ErrMalformed, r.ID, route)
			}
			seen[route] = true
			routes[route] = n + 1
		}
	}
	for _, r := range d.Routes {
		if routes[r.ID] == 0 {
			return fmt.Errorf("%w: route %q has no referent", ErrMalformed, r.ID)
		}
	}
	return nil
}

// checkTime refuses a zero time, a time outside the years 1..9999 (which
// RFC 3339 cannot write) and a time not in UTC.
func checkTime(field string, t time.Time) error {
	if t.IsZero() || t.Year() < 1 || t.Year() > 9999 {
		return fmt.Errorf("%w: %s is missing or out of range", ErrMalformed, field)
	}
	if t.Location() != time.UTC {
		return fmt.Errorf("%w: %s must be in UTC", ErrMalformed, field)
	}
	return nil
}

// ValidOrgID reports whether id is a well-formed organisation id:
// [a-z0-9][a-z0-9-]{0,62}.
func ValidOrgID(id string) bool {
	return casecode.ValidOrgID(id)
}

// ValidReferentID reports whether id is a well-formed referent id:
// [a-z0-9][a-z0-9._-]{0,62}, and not "reporter" or "victim", which name the
// other readers of a case.
func ValidReferentID(id string) bool {
	return id != "reporter" && id != "victim" && validIdent(id, "._-")
}

func validIdent(id, punct string) bool {
	if len(id) == 0 || len(id) > maxIDLength {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		case i > 0 && strings.IndexByte(punct, c) >= 0:
		default:
			return false
		}
	}
	return true
}

// validText reports whether s is 1 to max bytes of valid UTF-8 without
// control characters and not only spaces.
func validText(s string, max int) bool {
	if len(s) == 0 || len(s) > max || !utf8.ValidString(s) || strings.TrimSpace(s) == "" {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return false
		}
	}
	return true
}

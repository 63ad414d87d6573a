package store

import (
	"bytes"
	"fmt"
	"time"
	"unicode"
	"unicode/utf8"

	"filippo.io/age"
)

func isLowerHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

func checkOrg(org string) error {
	ok := len(org) >= 1 && len(org) <= 63
	for i := 0; ok && i < len(org); i++ {
		c := org[i]
		ok = '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || c == '-' && i > 0
	}
	if !ok {
		return fmt.Errorf("%w: organisation id must match [a-z0-9][a-z0-9-]{0,62}", ErrInvalid)
	}
	return nil
}

// checkLookup validates a case or invitation lookup id.
func checkLookup(id string) error {
	if len(id) != 32 || !isLowerHex(id) {
		return fmt.Errorf("%w: lookup id must be 32 lowercase hex characters", ErrInvalid)
	}
	return nil
}

func checkFileID(id string) error {
	if len(id) < 16 || len(id) > 64 || len(id)%2 != 0 || !isLowerHex(id) {
		return fmt.Errorf("%w: file id must be 16 to 64 lowercase hex characters", ErrInvalid)
	}
	return nil
}

// checkName validates a reader, author or referent id: 1 to 128 bytes of
// UTF-8 with no control or space characters.
func checkName(what, s string) error {
	ok := len(s) >= 1 && len(s) <= 128 && utf8.ValidString(s)
	for _, r := range s {
		if !ok {
			break
		}
		ok = !unicode.IsControl(r) && !unicode.IsSpace(r)
	}
	if !ok {
		return fmt.Errorf("%w: %s must be 1 to 128 bytes of UTF-8 without spaces or control characters", ErrInvalid, what)
	}
	return nil
}

// checkDay validates a civil date; empty is refused unless optional.
func checkDay(what, d string, optional bool) error {
	if d == "" && optional {
		return nil
	}
	t, err := time.Parse(time.DateOnly, d)
	if err != nil || t.Format(time.DateOnly) != d {
		return fmt.Errorf("%w: %s must be a date YYYY-MM-DD", ErrInvalid, what)
	}
	return nil
}

const ageMagic = "age-encryption.org/v1\n"

// IsAgeFile reports whether b is a ciphertext the store accepts: a
// well-formed binary age file (see isAgeFile) of at most MaxValueSize bytes.
// Callers use it to name the refused field before calling the store.
func IsAgeFile(b []byte) bool { return len(b) <= MaxValueSize && isAgeFile(b) }

// isAgeFile reports whether b is a well-formed binary age file: a header
// that age parses, then a 16-byte nonce and at least one 16-byte-tagged
// payload chunk. It does not decrypt anything.
func isAgeFile(b []byte) bool {
	if !bytes.HasPrefix(b, []byte(ageMagic)) {
		return false
	}
	hdr, err := age.ExtractHeader(bytes.NewReader(b))
	if err != nil || !bytes.HasPrefix(b, hdr) {
		return false
	}
	return len(b)-len(hdr) >= 16+16
}

func checkCiphertext(what string, b []byte) error {
	if len(b) > MaxValueSize {
		return fmt.Errorf("%w: %s is larger than %d bytes", ErrInvalid, what, MaxValueSize)
	}
	if !isAgeFile(b) {
		return fmt.Errorf("%w: %s is not an age ciphertext", ErrInvalid, what)
	}
	return nil
}

func checkMeta(m *CaseMeta) error {
	if err := checkLookup(m.LookupID); err != nil {
		return err
	}
	if err := checkDay("created day", m.CreatedDay, false); err != nil {
		return err
	}
	for _, d := range []string{m.Deadlines.AckDue, m.Deadlines.FeedbackDue, m.Deadlines.MeetingDue, m.Deadlines.TargetInformedDue} {
		if err := checkDay("deadline", d, true); err != nil {
			return err
		}
	}
	for _, d := range []string{m.Days.Acknowledged, m.Days.FeedbackGiven, m.Days.MeetingHeld, m.Days.Closed} {
		if err := checkDay("workflow day", d, true); err != nil {
			return err
		}
	}
	switch m.Flags.Consent {
	case ConsentNone, ConsentGiven, ConsentRefused:
	default:
		return fmt.Errorf("%w: unknown consent answer", ErrInvalid)
	}
	for _, s := range m.StatusHistory {
		if err := checkDay("status day", s.Day, false); err != nil {
			return err
		}
	}
	for _, id := range []string{m.LinkedCase, m.Invitation} {
		if id != "" {
			if err := checkLookup(id); err != nil {
				return err
			}
		}
	}
	for r := range m.Read.Referents {
		if err := checkName("referent id", r); err != nil {
			return err
		}
	}
	switch m.Flags.Identity {
	case IdentityNone, IdentitySealed, IdentityRequested, IdentityReleased:
	default:
		return fmt.Errorf("%w: unknown identity state", ErrInvalid)
	}
	for _, s := range []string{m.Route, m.Channel, m.Status, m.ReporterRecipient} {
		if len(s) > 4096 {
			return fmt.Errorf("%w: case meta field too long", ErrInvalid)
		}
	}
	return nil
}

func checkWrap(w *Wrap) error {
	if err := checkName("wrap reader", w.Reader); err != nil {
		return err
	}
	if w.Role != RoleCase && w.Role != RoleStaff {
		return fmt.Errorf("%w: wrap role must be %q or %q", ErrInvalid, RoleCase, RoleStaff)
	}
	if w.Generation == 0 {
		return fmt.Errorf("%w: wrap generation starts at 1", ErrInvalid)
	}
	return checkCiphertext("wrap", w.Ciphertext)
}

// checkWhat validates an access log's What: 1 to 32 characters a-z and '-'.
func checkWhat(what string) error {
	ok := len(what) >= 1 && len(what) <= 32
	for i := 0; ok && i < len(what); i++ {
		c := what[i]
		ok = 'a' <= c && c <= 'z' || c == '-'
	}
	if !ok {
		return fmt.Errorf("%w: access kind must be 1 to 32 characters a-z or '-'", ErrInvalid)
	}
	return nil
}

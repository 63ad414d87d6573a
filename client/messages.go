package client

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"filippo.io/age"

	"github.com/lanterne/lanterne/crypto/casekey"
	"github.com/lanterne/lanterne/crypto/directory"
	"github.com/lanterne/lanterne/crypto/envelope"
	"github.com/lanterne/lanterne/server/api"
)

// Message is one message of a case's conversation as a reader's device
// decrypted and checked it.
//
// Show a message as written by its author only when Verified is true. A
// message that could not be decrypted or failed a check is still returned,
// with Verified false and Err saying why, so that the interface can say
// "a message could not be verified" instead of hiding it or showing it as
// genuine.
type Message struct {
	// Seq and Time are the server's: position in the thread and time of
	// receipt, to the minute.
	Seq  uint64
	Time time.Time
	// Message is the decrypted content; zero when it could not be read.
	// Author is the server's label when the content could not be read.
	envelope.Message
	// Verified: a referent's message carries a valid signature of the
	// referent the directory lists under Author; a reporter's or victim's
	// message was sealed to a trusted generation of the case key. In both
	// cases the message names this case and the server labelled it with
	// the same author.
	Verified bool
	Err      error
	// KeyRotation is set on a verified, signed message of kind key_rotation
	// announcing a new generation of the case key (see doc.go). It shadows
	// the embedded envelope.Message.KeyRotation, which it copies.
	KeyRotation *KeyRotation
}

// KeyRotation is a referent's signed announcement of a key generation.
type KeyRotation struct {
	Generation uint32
	Recipient  string
	// Held is true when the reader's keyring holds that generation with the
	// announced recipient; only then is it used for new content.
	Held bool
}

// Errors that mark a message as not verified.
var (
	ErrUnknownAuthor = errors.New("lanterne client: the message's author is not a referent of the directory")
	ErrAuthorLabel   = errors.New("lanterne client: the server's author label differs from the message's author")
	ErrUntrustedKey  = errors.New("lanterne client: the message was sealed to a key generation no referent announced")
	ErrWrongParty    = errors.New("lanterne client: the message claims to come from another party of the case")
)

// needsReload reports whether msgs show that the keyring lacks a generation:
// an announced one it does not hold, or a message none of its keys opens.
func needsReload(msgs []Message) bool {
	for _, m := range msgs {
		if (m.KeyRotation != nil && !m.KeyRotation.Held) || errors.Is(m.Err, envelope.ErrNoIdentity) {
			return true
		}
	}
	return false
}

// trust is the set of key generations of one role a device encrypts to and
// accepts unsigned content from.
type trust map[uint32]*casekey.Key

// current returns the newest trusted generation, or nil.
func (t trust) current() *casekey.Key {
	var best *casekey.Key
	for _, k := range t {
		if best == nil || k.Generation > best.Generation {
			best = k
		}
	}
	return best
}

func (t trust) identities() []age.Identity {
	ids := make([]age.Identity, 0, len(t))
	for _, k := range t {
		ids = append(ids, k.Identity())
	}
	return ids
}

// announce adds generation g with recipient rcpt if kr holds it.
func (t trust) announce(kr *casekey.Keyring, role casekey.Role, g uint32, rcpt string) bool {
	k := kr.ForGeneration(role, g)
	if k == nil || k.Recipient().String() != rcpt {
		return false
	}
	t[g] = k
	return true
}

// thread reads one case's conversation.
type thread struct {
	caseID string
	d      *directory.Directory
	// party is the reporter-side author this device accepts unsigned
	// messages from (AuthorReporter or AuthorVictim); "" accepts both
	// (a referent's device).
	party string
}

// read decrypts and checks entries with the keyring. gen1 is the case key's
// first generation, trusted by construction (see doc.go). It returns the
// messages, without repeated ids, and the trusted case-key generations.
func (th *thread) read(entries []api.Entry, kr *casekey.Keyring, gen1 *casekey.Key) ([]Message, trust) {
	t := trust{1: gen1}
	all := kr.Identities()
	out := make([]Message, 0, len(entries))
	type openedEntry struct {
		om *envelope.OpenedMessage
		ct []byte
	}
	opened := make([]openedEntry, 0, len(entries))
	seen := make(map[string]bool, len(entries))
	for _, e := range entries {
		m := Message{Seq: e.Seq, Time: e.Time}
		om, err := envelope.OpenMessage(e.Ciphertext, all...)
		if err != nil {
			m.Author, m.Err = e.Author, err
			out, opened = append(out, m), append(opened, openedEntry{})
			continue
		}
		if seen[om.Message.ID] {
			continue // replay: keep the first
		}
		seen[om.Message.ID] = true
		m.Message = om.Message
		m.Err = th.check(om, e.Author)
		m.Verified = m.Err == nil
		// Only the key_rotation kind announces a case-key generation; a
		// status_notice is never an announcement, whatever its body.
		if r := m.Message.KeyRotation; m.Verified && om.Signed && m.Kind == envelope.MessageKeyRotation && r != nil {
			m.KeyRotation = &KeyRotation{Generation: r.Generation, Recipient: r.Recipient, Held: t.announce(kr, casekey.RoleCase, r.Generation, r.Recipient)}
		}
		out, opened = append(out, m), append(opened, openedEntry{om, e.Ciphertext})
	}
	// Unsigned messages count only if sealed to a trusted generation:
	// anyone could make a wrap of a key of their own (casekey's warning).
	ids := t.identities()
	for i := range out {
		if o := opened[i]; o.om != nil && !o.om.Signed && out[i].Verified {
			if _, err := envelope.OpenMessage(o.ct, ids...); err != nil {
				out[i].Verified, out[i].Err = false, ErrUntrustedKey
			}
		}
	}
	return out, t
}

// check authenticates an opened message.
func (th *thread) check(om *envelope.OpenedMessage, label string) error {
	if om.Message.Author != label {
		return ErrAuthorLabel
	}
	if !om.Signed {
		if th.party != "" && om.Message.Author != th.party {
			return ErrWrongParty
		}
		return om.VerifyParty(th.caseID)
	}
	ref := th.d.Referent(om.Message.Author)
	if ref == nil {
		return ErrUnknownAuthor
	}
	return om.VerifyReferent(ref.VerifyKey, th.caseID)
}

// fetchEntries reads a whole thread ("messages" or "notes") page by page.
func (s *session) fetchEntries(ctx context.Context, path string) ([]api.Entry, error) {
	var all []api.Entry
	var after uint64
	for {
		var page api.Entries
		err := s.do(ctx, request{method: http.MethodGet, path: path + "?limit=1000&after=" + strconv.FormatUint(after, 10), out: &page})
		if err != nil {
			return nil, err
		}
		progressed := false
		for _, e := range page.Entries {
			if e.Seq > after {
				all = append(all, e)
				after, progressed = e.Seq, true
			}
		}
		if !progressed {
			return all, nil
		}
	}
}

// post seals nothing: it sends one ciphertext to a thread and returns its
// sequence number.
func (s *session) post(ctx context.Context, path string, ciphertext []byte) (uint64, error) {
	var p api.Posted
	err := s.do(ctx, request{method: http.MethodPost, path: path, in: api.PostEntry{Ciphertext: ciphertext}, out: &p})
	return p.Seq, err
}

// sealMessage fills in the id, case and time of m and seals it.
func sealMessage(c *Client, m *envelope.Message, signer ed25519.PrivateKey, to age.Recipient) ([]byte, error) {
	m.ID = envelope.NewID()
	m.SentAt = c.now().UTC().Truncate(time.Second)
	ct, err := envelope.SealMessage(m, signer, to)
	if err != nil {
		return nil, err
	}
	if len(ct) > api.MaxMessageCiphertext {
		return nil, fmt.Errorf("lanterne client: message too large")
	}
	return ct, nil
}

package envelope

import (
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"filippo.io/age"

	"github.com/lanterne/lanterne/crypto/agekey"
)

// MessageKind says what a message does in the follow-up conversation.
type MessageKind string

const (
	// MessageText is free text, from anyone; Body is required.
	MessageText MessageKind = "text"
	// MessageIdentityRequest: a referent asks the reporter to release their
	// identity.
	MessageIdentityRequest MessageKind = "identity_request"
	// MessageIdentityDecline: the reporter (or victim) declines.
	MessageIdentityDecline MessageKind = "identity_decline"
	// MessageConsentGiven and MessageConsentRefused: the presumed victim's
	// answer, in the victim thread, to handling a witness's report.
	MessageConsentGiven   MessageKind = "consent_given"
	MessageConsentRefused MessageKind = "consent_refused"
	// MessageEvidenceAdded carries one more evidence item; from anyone.
	MessageEvidenceAdded MessageKind = "evidence_added"
	// MessageStatusNotice: a referent's notice about the case (acknowledgement,
	// feedback on measures, closure); Body is required.
	MessageStatusNotice MessageKind = "status_notice"
	// MessageKeyRotation: a referent announces a new generation of the case
	// key; KeyRotation is required. Readers encrypt new content to a
	// generation above 1 only when a message of this kind, signed with a
	// verify key of the directory, names its recipient (docs/protocol.md,
	// "Trust rules for clients").
	MessageKeyRotation MessageKind = "key_rotation"
)

// KeyRotation names a new case key generation and its public recipient.
type KeyRotation struct {
	Generation uint32 `json:"generation"`
	// Recipient is the new generation's age recipient (age1pq1… or age1…).
	Recipient string `json:"recipient"`
}

// MaxBodySize is the largest message body, in bytes. The whole payload is
// bounded by KindMessage.MaxPayload() too.
const MaxBodySize = 32 << 10

// Message is one message of a case's conversation, encoded as JSON in this
// field order.
type Message struct {
	// ID is 32 lower-case hex digits (NewID); readers use it to drop a
	// message the server delivers twice.
	ID string `json:"id"`
	// CaseID is the case's lookup id, 32 lower-case hex digits.
	CaseID string `json:"case_id"`
	// Author is AuthorReporter, AuthorVictim or a referent id.
	Author string      `json:"author"`
	Kind   MessageKind `json:"kind"`
	Body   string      `json:"body"`
	// Evidence is set for MessageEvidenceAdded, and only then.
	Evidence *EvidenceItem `json:"evidence,omitempty"`
	// KeyRotation is set for MessageKeyRotation, and only then.
	KeyRotation *KeyRotation `json:"key_rotation,omitempty"`
	// SentAt is the author's device time; encoded in UTC.
	SentAt time.Time `json:"sent_at"`
}

// Validate checks the message's fields and that its author may send its
// kind: identity_request and status_notice come from a referent,
// identity_decline from the reporter or the victim, consent_given and
// consent_refused from the victim; text and evidence_added from anyone.
// Errors wrap ErrInvalid.
func (m *Message) Validate() error {
	switch {
	case !validHex(m.ID, IDSize):
		return invalid("id must be 32 lower-case hex digits")
	case !validHex(m.CaseID, IDSize):
		return invalid("case_id must be 32 lower-case hex digits")
	case !isParty(m.Author) && !validReferentID(m.Author):
		return invalid("author must be %q, %q or a referent id", AuthorReporter, AuthorVictim)
	case !validText(m.Body, MaxBodySize):
		return invalid("body must be at most %d bytes of UTF-8", MaxBodySize)
	case m.SentAt.IsZero():
		return invalid("sent_at is missing")
	case (m.Kind == MessageEvidenceAdded) != (m.Evidence != nil):
		return invalid("evidence is required with kind %q and refused with any other", MessageEvidenceAdded)
	case (m.Kind == MessageKeyRotation) != (m.KeyRotation != nil):
		return invalid("key_rotation is required with kind %q and refused with any other", MessageKeyRotation)
	}
	referent := !isParty(m.Author)
	switch m.Kind {
	case MessageText, MessageStatusNotice:
		if strings.TrimSpace(m.Body) == "" {
			return invalid("body is required for kind %q", m.Kind)
		}
		if m.Kind == MessageStatusNotice && !referent {
			return invalid("only a referent sends %q", m.Kind)
		}
	case MessageIdentityRequest:
		if !referent {
			return invalid("only a referent sends %q", m.Kind)
		}
	case MessageIdentityDecline:
		if referent {
			return invalid("only the reporter or the victim sends %q", m.Kind)
		}
	case MessageConsentGiven, MessageConsentRefused:
		if m.Author != AuthorVictim {
			return invalid("only the victim sends %q", m.Kind)
		}
	case MessageEvidenceAdded:
		if err := m.Evidence.Validate(); err != nil {
			return fmt.Errorf("evidence: %w", err)
		}
	case MessageKeyRotation:
		if !referent {
			return invalid("only a referent sends %q", m.Kind)
		}
		if m.KeyRotation.Generation < 2 {
			return invalid("a key rotation names a generation of 2 or more")
		}
		if _, err := agekey.ParseRecipient(m.KeyRotation.Recipient, true); err != nil {
			return invalid("key_rotation.recipient is not an age recipient")
		}
	default:
		return invalid("unknown message kind")
	}
	return nil
}

// SealMessage validates m and seals it as a KindMessage envelope to the
// recipients (the case key). A referent's message must be signed with the
// referent's Ed25519 key; a message of the reporter or the victim must not
// (signer nil): they have no signing key. m is not modified.
func SealMessage(m *Message, signer ed25519.PrivateKey, recipients ...age.Recipient) ([]byte, error) {
	payload, err := encodeMessagePayload(m, signer)
	if err != nil {
		return nil, err
	}
	return Seal(KindMessage, payload, recipients...)
}

// encodeMessagePayload returns {"message":<json>[,"signature":"<base64>"]}.
func encodeMessagePayload(m *Message, signer ed25519.PrivateKey) ([]byte, error) {
	c := *m
	c.SentAt = c.SentAt.UTC()
	if err := c.Validate(); err != nil {
		return nil, err
	}
	switch {
	case isParty(c.Author) && signer != nil:
		return nil, invalid("a message of the reporter or the victim is not signed")
	case !isParty(c.Author) && signer == nil:
		return nil, ErrUnsigned
	}
	raw, err := json.Marshal(&c)
	if err != nil {
		return nil, err
	}
	var sig []byte
	if signer != nil {
		if sig, err = sign(signer, MessageSignatureContext, raw); err != nil {
			return nil, err
		}
	}
	return signedPayload("message", raw, sig), nil
}

// OpenedMessage is a message as decrypted, before its author is checked.
type OpenedMessage struct {
	Message Message
	// Signed reports whether the message carries a signature. A message
	// is signed exactly when its author is a referent; OpenMessage refuses
	// any other combination.
	Signed bool

	raw, sig []byte
}

// OpenMessage opens a KindMessage envelope and decodes it strictly. An
// unsigned message claiming a referent author, or a signed one claiming the
// reporter or the victim, is refused here. The result is NOT yet
// authenticated: call VerifyReferent (referent authors) or VerifyParty
// (reporter, victim) before showing it.
func OpenMessage(ciphertext []byte, identities ...age.Identity) (*OpenedMessage, error) {
	payload, err := Open(ciphertext, KindMessage, identities...)
	if err != nil {
		return nil, err
	}
	return decodeMessagePayload(payload)
}

// decodeMessagePayload is the strict decoder of a decrypted message payload.
func decodeMessagePayload(payload []byte) (*OpenedMessage, error) {
	raw, sig, err := parseSignedPayload(payload, "message")
	if err != nil {
		return nil, err
	}
	var m Message
	if err := decodeStrict(raw, &m); err != nil {
		return nil, err
	}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	switch {
	case !isParty(m.Author) && sig == nil:
		return nil, ErrUnsigned
	case isParty(m.Author) && sig != nil:
		return nil, invalid("a message of the reporter or the victim is not signed")
	}
	return &OpenedMessage{Message: m, Signed: sig != nil, raw: raw, sig: sig}, nil
}

// VerifyReferent checks that the message comes from a referent whose verify
// key (from the verified directory, for the referent named by
// Message.Author) is pub, and belongs to the case caseID. It refuses a
// message of another case (ErrWrongCase), of the reporter or the victim
// (ErrAuthor), without signature (ErrUnsigned) and with a signature pub
// does not verify (ErrBadSignature).
func (o *OpenedMessage) VerifyReferent(pub ed25519.PublicKey, caseID string) error {
	switch {
	case o.Message.CaseID != caseID:
		return ErrWrongCase
	case isParty(o.Message.Author):
		return ErrAuthor
	}
	return verify(pub, MessageSignatureContext, o.raw, o.sig)
}

// VerifyParty checks that the message is an (unsigned) message of the
// reporter or the victim and belongs to the case caseID. Such messages are
// authenticated only by the case key: anyone who knows the case's
// recipient could have sealed one.
func (o *OpenedMessage) VerifyParty(caseID string) error {
	switch {
	case o.Message.CaseID != caseID:
		return ErrWrongCase
	case !isParty(o.Message.Author) || o.sig != nil:
		return ErrAuthor
	}
	return nil
}

package envelope

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/lanterne/lanterne/crypto/agekey"
)

func TestMessageRoundTrip(t *testing.T) {
	caseKey := key(t, agekey.Hybrid, 1)
	refKey, refPub := signer(1)
	tests := []struct {
		name   string
		m      *Message
		signer ed25519.PrivateKey
	}{
		{"referent text", testMessage("ref-1", MessageText), refKey},
		{"referent identity request", testMessage("ref-1", MessageIdentityRequest), refKey},
		{"referent status notice", testMessage("ref-1", MessageStatusNotice), refKey},
		{"reporter text", testMessage(AuthorReporter, MessageText), nil},
		{"reporter declines", testMessage(AuthorReporter, MessageIdentityDecline), nil},
		{"victim consents", testMessage(AuthorVictim, MessageConsentGiven), nil},
		{"victim refuses", testMessage(AuthorVictim, MessageConsentRefused), nil},
		{"referent announces a key rotation", func() *Message {
			m := testMessage("ref-1", MessageKeyRotation)
			m.KeyRotation = &KeyRotation{Generation: 2, Recipient: key(t, agekey.Hybrid, 2).Recipient().String()}
			return m
		}(), refKey},
		{"reporter adds evidence", func() *Message {
			m := testMessage(AuthorReporter, MessageEvidenceAdded)
			e := testEvidence()
			m.Evidence = &e
			return m
		}(), nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ct, err := SealMessage(tc.m, tc.signer, caseKey.Recipient())
			if err != nil {
				t.Fatal(err)
			}
			o, err := OpenMessage(ct, caseKey)
			if err != nil {
				t.Fatal(err)
			}
			if o.Message.Body != tc.m.Body || o.Message.Kind != tc.m.Kind || !o.Message.SentAt.Equal(tc.m.SentAt) {
				t.Errorf("got %+v", o.Message)
			}
			if (tc.m.Evidence == nil) != (o.Message.Evidence == nil) || tc.m.Evidence != nil && *tc.m.Evidence != *o.Message.Evidence {
				t.Errorf("evidence: got %+v", o.Message.Evidence)
			}
			if (tc.m.KeyRotation == nil) != (o.Message.KeyRotation == nil) || tc.m.KeyRotation != nil && *tc.m.KeyRotation != *o.Message.KeyRotation {
				t.Errorf("key rotation: got %+v", o.Message.KeyRotation)
			}
			if o.Signed != (tc.signer != nil) {
				t.Errorf("Signed = %v", o.Signed)
			}
			if tc.signer != nil {
				if err := o.VerifyReferent(refPub, testCaseID); err != nil {
					t.Errorf("VerifyReferent: %v", err)
				}
				if err := o.VerifyParty(testCaseID); !errors.Is(err, ErrAuthor) {
					t.Errorf("VerifyParty on a referent's message: %v", err)
				}
			} else {
				if err := o.VerifyParty(testCaseID); err != nil {
					t.Errorf("VerifyParty: %v", err)
				}
				if err := o.VerifyReferent(refPub, testCaseID); !errors.Is(err, ErrAuthor) {
					t.Errorf("VerifyReferent on the reporter's message: %v", err)
				}
			}
		})
	}
}

// TestReporterDetectsForgery: what a server (or anyone who knows the case's
// public key) can seal cannot pass for a referent's message.
func TestReporterDetectsForgery(t *testing.T) {
	caseKey := key(t, agekey.Hybrid, 1)
	refKey, refPub := signer(1)
	otherKey, _ := signer(2)
	m := testMessage("ref-1", MessageIdentityRequest)

	t.Run("unsigned, claiming ref-1", func(t *testing.T) {
		// SealMessage refuses to make it…
		if _, err := SealMessage(m, nil, caseKey.Recipient()); !errors.Is(err, ErrUnsigned) {
			t.Errorf("SealMessage: got %v", err)
		}
		// …and a forger who assembles it by hand is refused at opening.
		raw, _ := encodeMessagePayload(testMessage(AuthorReporter, MessageText), nil)
		forged := bytes.Replace(raw, []byte(`"author":"reporter"`), []byte(`"author":"ref-1"`), 1)
		ct, err := Seal(KindMessage, forged, caseKey.Recipient())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := OpenMessage(ct, caseKey); !errors.Is(err, ErrUnsigned) {
			t.Errorf("OpenMessage: got %v, want ErrUnsigned", err)
		}
	})
	t.Run("signed by another key", func(t *testing.T) {
		ct, err := SealMessage(m, otherKey, caseKey.Recipient())
		if err != nil {
			t.Fatal(err)
		}
		o, err := OpenMessage(ct, caseKey)
		if err != nil {
			t.Fatal(err)
		}
		if err := o.VerifyReferent(refPub, testCaseID); !errors.Is(err, ErrBadSignature) {
			t.Errorf("got %v, want ErrBadSignature", err)
		}
	})
	t.Run("body changed after signing", func(t *testing.T) {
		payload, _ := encodeMessagePayload(m, refKey)
		changed := bytes.Replace(payload, []byte("bien reçu"), []byte("bien lu!!"), 1)
		o, err := decodeMessagePayload(changed)
		if err != nil {
			t.Fatal(err)
		}
		if err := o.VerifyReferent(refPub, testCaseID); !errors.Is(err, ErrBadSignature) {
			t.Errorf("got %v, want ErrBadSignature", err)
		}
	})
	t.Run("moved to another case", func(t *testing.T) {
		ct, _ := SealMessage(m, refKey, caseKey.Recipient())
		o, err := OpenMessage(ct, caseKey)
		if err != nil {
			t.Fatal(err)
		}
		if err := o.VerifyReferent(refPub, "ffffffffffffffffffffffffffffffff"); !errors.Is(err, ErrWrongCase) {
			t.Errorf("got %v, want ErrWrongCase", err)
		}
		rm, _ := SealMessage(testMessage(AuthorReporter, MessageText), nil, caseKey.Recipient())
		o, _ = OpenMessage(rm, caseKey)
		if err := o.VerifyParty("ffffffffffffffffffffffffffffffff"); !errors.Is(err, ErrWrongCase) {
			t.Errorf("VerifyParty: got %v, want ErrWrongCase", err)
		}
	})
	t.Run("a note's signature replayed on a message", func(t *testing.T) {
		payload, _ := encodeMessagePayload(m, refKey)
		o, _ := decodeMessagePayload(payload)
		noteSig := ed25519.Sign(refKey, append([]byte(NoteSignatureContext), o.raw...))
		swapped := signedPayload("message", o.raw, noteSig)
		o2, err := decodeMessagePayload(swapped)
		if err != nil {
			t.Fatal(err)
		}
		if err := o2.VerifyReferent(refPub, testCaseID); !errors.Is(err, ErrBadSignature) {
			t.Errorf("got %v, want ErrBadSignature", err)
		}
	})
	t.Run("bad verify key", func(t *testing.T) {
		payload, _ := encodeMessagePayload(m, refKey)
		o, _ := decodeMessagePayload(payload)
		if err := o.VerifyReferent(refPub[:31], testCaseID); !errors.Is(err, ErrVerifyKey) {
			t.Errorf("got %v, want ErrVerifyKey", err)
		}
	})
}

func TestMessageValidate(t *testing.T) {
	tests := []struct {
		name   string
		author string
		kind   MessageKind
		change func(m *Message)
		ok     bool
	}{
		{"referent text", "ref-1", MessageText, nil, true},
		{"referent with dots", "jean.dupont_2", MessageText, nil, true},
		{"reporter requests identity", AuthorReporter, MessageIdentityRequest, nil, false},
		{"referent declines identity", "ref-1", MessageIdentityDecline, nil, false},
		{"reporter consents", AuthorReporter, MessageConsentGiven, nil, false},
		{"referent consents", "ref-1", MessageConsentRefused, nil, false},
		{"reporter status notice", AuthorReporter, MessageStatusNotice, nil, false},
		{"unknown kind", "ref-1", "delete_case", nil, false},
		{"key rotation without its fields", "ref-1", MessageKeyRotation, nil, false},
		{"key rotation from the reporter", AuthorReporter, MessageKeyRotation, func(m *Message) { m.KeyRotation = rotation(t, 2) }, false},
		{"key rotation to generation 1", "ref-1", MessageKeyRotation, func(m *Message) { m.KeyRotation = rotation(t, 1) }, false},
		{"key rotation to a secret key", "ref-1", MessageKeyRotation, func(m *Message) {
			m.KeyRotation = &KeyRotation{Generation: 2, Recipient: key(t, agekey.Hybrid, 2).String()}
		}, false},
		{"key rotation on a text", "ref-1", MessageText, func(m *Message) { m.KeyRotation = rotation(t, 2) }, false},
		{"referent rotates", "ref-1", MessageKeyRotation, func(m *Message) { m.KeyRotation = rotation(t, 3) }, true},
		{"empty text", AuthorReporter, MessageText, func(m *Message) { m.Body = " " }, false},
		{"identity request without body", "ref-1", MessageIdentityRequest, func(m *Message) { m.Body = "" }, true},
		{"evidence on a text", AuthorReporter, MessageText, func(m *Message) { e := testEvidence(); m.Evidence = &e }, false},
		{"evidence_added without evidence", AuthorReporter, MessageEvidenceAdded, nil, false},
		{"evidence_added with bad evidence", AuthorReporter, MessageEvidenceAdded, func(m *Message) { e := testEvidence(); e.Name = ""; m.Evidence = &e }, false},
		{"id not hex", AuthorReporter, MessageText, func(m *Message) { m.ID = "msg-1" }, false},
		{"case id upper case", AuthorReporter, MessageText, func(m *Message) { m.CaseID = strings.ToUpper(testCaseID) }, false},
		{"author empty", "", MessageText, nil, false},
		{"author with a space", "ref 1", MessageText, nil, false},
		{"body too long", AuthorReporter, MessageText, func(m *Message) { m.Body = strings.Repeat("x", MaxBodySize+1) }, false},
		{"no time", AuthorReporter, MessageText, func(m *Message) { m.SentAt = time.Time{} }, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := testMessage(tc.author, tc.kind)
			if tc.change != nil {
				tc.change(m)
			}
			err := m.Validate()
			if tc.ok != (err == nil) || err != nil && !errors.Is(err, ErrInvalid) {
				t.Errorf("got %v, want ok=%v", err, tc.ok)
			}
		})
	}
	refKey, _ := signer(1)
	if _, err := SealMessage(testMessage(AuthorReporter, MessageText), refKey, key(t, agekey.X25519, 1).Recipient()); !errors.Is(err, ErrInvalid) {
		t.Errorf("a signed reporter message: got %v", err)
	}
	if _, err := SealMessage(testMessage("ref-1", MessageText), refKey[:32], key(t, agekey.X25519, 1).Recipient()); err == nil {
		t.Error("a 32-byte signing key was accepted")
	}
}

func TestMessagePayloadDecode(t *testing.T) {
	refKey, _ := signer(1)
	signed, _ := encodeMessagePayload(testMessage("ref-1", MessageText), refKey)
	unsigned, _ := encodeMessagePayload(testMessage(AuthorReporter, MessageText), nil)
	s, u := string(signed), string(unsigned)
	sigAt := strings.Index(s, `,"signature":"`)
	sig := s[sigAt+len(`,"signature":"`) : len(s)-2]
	tests := []struct {
		name string
		in   string
		want error
	}{
		{"signed", s, nil},
		{"unsigned", u, nil},
		{"signature first", `{"signature":"` + sig + `","message":` + s[len(`{"message":`):sigAt] + `}`, nil},
		{"unsigned referent", s[:sigAt] + `}`, ErrUnsigned},
		{"signed reporter", u[:len(u)-1] + `,"signature":"` + sig + `"}`, ErrInvalid},
		{"signature null", s[:sigAt] + `,"signature":null}`, ErrMalformed},
		{"signature empty", s[:sigAt] + `,"signature":""}`, ErrMalformed},
		{"signature short", s[:sigAt] + `,"signature":"` + sig[:84] + `"}`, ErrMalformed},
		{"signature unpadded", s[:sigAt] + `,"signature":"` + strings.TrimRight(sig, "=") + `"}`, ErrMalformed},
		{"signature with a newline", s[:sigAt] + `,"signature":"` + sig[:40] + `\n` + sig[40:] + `"}`, ErrMalformed},
		{"signature url-safe", s[:sigAt] + `,"signature":"` + base64.URLEncoding.EncodeToString(make([]byte, 63)) + `_w=="}`, ErrMalformed},
		{"signature twice", s[:len(s)-1] + `,"signature":"` + sig + `"}`, ErrMalformed},
		{"extra top-level field", s[:len(s)-1] + `,"from":"ref-1"}`, ErrMalformed},
		{"message missing", `{"signature":"` + sig + `"}`, ErrMalformed},
		{"message a string", `{"message":"hello"}`, ErrMalformed},
		{"unknown field in message", strings.Replace(u, `"body"`, `"read":true,"body"`, 1), ErrMalformed},
		{"invalid message", strings.Replace(u, `"kind":"text"`, `"kind":"consent_given"`, 1), ErrInvalid},
		{"trailing data", u + ` {}`, ErrMalformed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := decodeMessagePayload([]byte(tc.in))
			if tc.want == nil && err != nil || tc.want != nil && !errors.Is(err, tc.want) {
				t.Errorf("got %v, want %v", err, tc.want)
			}
		})
	}
}

func rotation(t *testing.T, g uint32) *KeyRotation {
	return &KeyRotation{Generation: g, Recipient: key(t, agekey.X25519, byte(g)).Recipient().String()}
}

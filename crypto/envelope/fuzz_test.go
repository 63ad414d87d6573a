package envelope

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/lanterne/lanterne/crypto/agekey"
)

// FuzzUnframe: Unframe never panics, and accepts only frames that Frame
// makes byte for byte.
func FuzzUnframe(f *testing.F) {
	for k := KindReport; k <= KindInvitation; k++ {
		fr, _ := Frame(k, []byte(`{"x":1}`))
		f.Add(fr)
	}
	fr, _ := Frame(KindReport, bytes.Repeat([]byte("a"), 1016))
	f.Add(fr)
	f.Add([]byte("LNT1\x03\x00\x00\x00\x02hi"))
	f.Add(append([]byte("LNT1\x07\x00\x00\x00\x00"), make([]byte, 1015)...))
	f.Fuzz(func(t *testing.T, data []byte) {
		kind, payload, err := Unframe(data)
		if err != nil {
			return
		}
		again, err := Frame(kind, payload)
		if err != nil {
			t.Fatalf("Unframe accepted what Frame refuses: %v", err)
		}
		if !bytes.Equal(again, data) {
			t.Fatal("Unframe accepted a frame that Frame does not make")
		}
	})
}

// FuzzOpenMessagePayload: the decoder of a decrypted message payload never
// panics; what it accepts is a valid message, signed exactly when its author
// is a referent, and decodes the same once reassembled.
func FuzzOpenMessagePayload(f *testing.F) {
	refKey, _ := signer(1)
	signed, _ := encodeMessagePayload(testMessage("ref-1", MessageText), refKey)
	unsigned, _ := encodeMessagePayload(testMessage(AuthorReporter, MessageText), nil)
	ev := testMessage(AuthorVictim, MessageEvidenceAdded)
	e := testEvidence()
	ev.Evidence = &e
	withEvidence, _ := encodeMessagePayload(ev, nil)
	f.Add(signed)
	f.Add(unsigned)
	f.Add(withEvidence)
	f.Add([]byte(`{"message":{},"signature":""}`))
	f.Add([]byte(`{"message":{"id":"00112233445566778899aabbccddeeff","id":"x"}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		o, err := decodeMessagePayload(data)
		if err != nil {
			return
		}
		if err := o.Message.Validate(); err != nil {
			t.Fatalf("accepted an invalid message: %v", err)
		}
		if o.Signed == isParty(o.Message.Author) || o.Signed != (o.sig != nil) {
			t.Fatal("signature presence does not match the author")
		}
		o2, err := decodeMessagePayload(signedPayload("message", o.raw, o.sig))
		if err != nil || !bytes.Equal(o2.raw, o.raw) || !bytes.Equal(o2.sig, o.sig) {
			t.Fatalf("reassembled payload decodes differently: %v", err)
		}
	})
}

// FuzzReportJSON: the strict report decoder never panics; what it accepts
// re-encodes to a payload it accepts, and encoding is then stable.
func FuzzReportJSON(f *testing.F) {
	good, _ := encodeReport(testReport())
	f.Add(good)
	bare, _ := encodeReport(&Report{Channel: ChannelWhistleblowing, Role: RoleWitness, Category: CategoryOther, Facts: "x", SubmittedAt: testTime})
	f.Add(bare)
	f.Add([]byte(`{"schema":"lanterne-report/1","facts":"a","facts":"b"}`))
	f.Add([]byte(`{"schema":"lanterne-report/1","FACTS":"a"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := decodeReport(data)
		if err != nil {
			return
		}
		enc, err := encodeReport(r)
		if err != nil {
			t.Fatalf("accepted report does not re-encode: %v", err)
		}
		r2, err := decodeReport(enc)
		if err != nil {
			t.Fatalf("re-encoded report refused: %v", err)
		}
		enc2, _ := encodeReport(r2)
		if !bytes.Equal(enc, enc2) {
			t.Fatal("encoding is not stable")
		}
	})
}

// FuzzOtherPayloads covers the remaining decoders of decrypted payloads:
// note (kind 4), identity (2), identity release (5) and invitation (6).
// What each accepts re-encodes to bytes it accepts again.
func FuzzOtherPayloads(f *testing.F) {
	refKey, _ := signer(1)
	note, _ := encodeNotePayload(testNote(), refKey)
	// The first argument picks the decoder: 0 note, 1 identity, 2 release,
	// 3 invitation (modulo 4).
	f.Add(byte(0), note)
	who, _ := json.Marshal(&Identity{Name: "Camille", Contact: "c@example.org"})
	f.Add(byte(1), who)
	f.Add(byte(2), []byte(key(f, agekey.Hybrid, 9).String()))
	f.Add(byte(2), []byte(key(f, agekey.X25519, 9).String()))
	inv, _ := json.Marshal(&Invitation{OrgID: "cdg-69", Route: RouteAVDHAS, CreatedAt: testTime})
	f.Add(byte(3), inv)
	f.Fuzz(func(t *testing.T, kind byte, data []byte) {
		switch []Kind{KindNote, KindIdentity, KindIdentityRelease, KindInvitation}[kind%4] {
		case KindNote:
			o, err := decodeNotePayload(data)
			if err != nil {
				return
			}
			if _, err := decodeNotePayload(signedPayload("note", o.raw, o.sig)); err != nil || o.sig == nil {
				t.Fatalf("reassembled note refused: %v", err)
			}
		case KindIdentity:
			id, err := decodeIdentity(data)
			if err != nil {
				return
			}
			enc, _ := json.Marshal(id)
			if id2, err := decodeIdentity(enc); err != nil || *id2 != *id {
				t.Fatalf("re-encoded identity differs: %v", err)
			}
		case KindIdentityRelease:
			k, err := decodeRelease(data)
			if err != nil {
				return
			}
			if k.String() != string(data) {
				t.Fatal("accepted a release that is not the key's canonical string")
			}
		case KindInvitation:
			in, err := decodeInvitation(data)
			if err != nil {
				return
			}
			enc, _ := json.Marshal(in)
			if in2, err := decodeInvitation(enc); err != nil || !in2.CreatedAt.Equal(in.CreatedAt) || in2.Message != in.Message {
				t.Fatalf("re-encoded invitation differs: %v", err)
			}
		}
	})
}

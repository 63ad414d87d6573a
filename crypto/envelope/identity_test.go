package envelope

import (
	"errors"
	"strings"
	"testing"

	"filippo.io/age"

	"github.com/lanterne/lanterne/crypto/agekey"
)

// TestIdentityRelease follows the reporter's identity from submission to
// release: referents and the case key cannot open it; after the reporter's
// release, whoever holds the case key can.
func TestIdentityRelease(t *testing.T) {
	identityKey := key(t, agekey.Hybrid, 9) // derived from the case code in real life
	caseKey := key(t, agekey.Hybrid, 1)
	ref1, ref2 := key(t, agekey.Hybrid, 2), key(t, agekey.Hybrid, 3)
	who := &Identity{Name: "Camille Martin", Contact: "06 12 34 56 78", Service: "Voirie", Position: "Agente de maîtrise"}

	sealed, err := SealIdentity(who, identityKey.Recipient())
	if err != nil {
		t.Fatal(err)
	}
	staff := []age.Identity{ref1, ref2, caseKey}
	if _, err := OpenIdentity(sealed, staff...); !errors.Is(err, ErrNoIdentity) {
		t.Fatalf("referents with the case key opened the identity: %v", err)
	}

	release, err := SealRelease(identityKey, caseKey.Recipient())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := OpenRelease(release, ref1, ref2); !errors.Is(err, ErrNoIdentity) {
		t.Errorf("the release opened without the case key: %v", err)
	}
	got, err := OpenRelease(release, staff...)
	if err != nil {
		t.Fatal(err)
	}
	if got.String() != identityKey.String() {
		t.Fatal("the release holds another key")
	}
	opened, err := OpenIdentity(sealed, append(staff, got)...)
	if err != nil {
		t.Fatal(err)
	}
	if *opened != *who {
		t.Errorf("identity: got %+v", opened)
	}

	// An identity envelope is not a release, nor the reverse.
	if _, err := OpenRelease(sealed, identityKey); !errors.Is(err, ErrWrongKind) {
		t.Errorf("identity opened as a release: %v", err)
	}
	if _, err := OpenIdentity(release, caseKey); !errors.Is(err, ErrWrongKind) {
		t.Errorf("release opened as an identity: %v", err)
	}
}

func TestReleaseRefusals(t *testing.T) {
	caseKey := key(t, agekey.X25519, 1)
	identityKey := key(t, agekey.Hybrid, 9)
	secret := identityKey.String()
	tests := []struct {
		name    string
		payload string
	}{
		{"empty", ""},
		{"trailing newline", secret + "\n"},
		{"lower case", strings.ToLower(secret)},
		{"damaged", secret[:len(secret)-1] + "q"},
		{"a recipient", identityKey.Recipient().String()},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ct, err := Seal(KindIdentityRelease, []byte(tc.payload), caseKey.Recipient())
			if err != nil {
				t.Fatal(err)
			}
			_, err = OpenRelease(ct, caseKey)
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("got %v, want ErrInvalid", err)
			}
			if err != nil && len(tc.payload) > 30 && strings.Contains(err.Error(), tc.payload[19:30]) {
				t.Error("the error echoes key material")
			}
		})
	}
	if _, err := SealRelease(nil, caseKey.Recipient()); err == nil {
		t.Error("a nil key was released")
	}
}

func TestIdentityValidate(t *testing.T) {
	ok := Identity{Name: "Camille"}
	if err := ok.Validate(); err != nil {
		t.Errorf("name only: %v", err)
	}
	for name, id := range map[string]Identity{
		"no name":        {Contact: "x"},
		"blank name":     {Name: "  "},
		"name not UTF-8": {Name: "\xff"},
		"other too long": {Name: "a", Other: strings.Repeat("x", 4097)},
	} {
		if err := id.Validate(); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: got %v", name, err)
		}
	}
	for name, in := range map[string]string{
		"unknown field": `{"name":"a","contact":"","service":"","position":"","other":"","ssn":"1"}`,
		"duplicate":     `{"name":"a","name":"b"}`,
	} {
		if _, err := decodeIdentity([]byte(in)); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: got %v", name, err)
		}
	}
	if _, err := decodeIdentity([]byte(`{"name":"a"}`)); err != nil {
		t.Errorf("missing optional fields: %v", err)
	}
}

package orgkey

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"testing"
	"time"

	"filippo.io/age"
	"github.com/tink-crypto/tink-go/v2/keyset"

	"github.com/lanterne/lanterne/crypto/agekey"
	"github.com/lanterne/lanterne/crypto/directory"
)

const testOrg = "mairie-exemple"

var (
	testIssued = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	testNow    = testIssued.Add(12 * time.Hour)
)

// testDirectory is a well-formed directory with three referents.
func testDirectory(tb testing.TB, version uint64) *directory.Directory {
	tb.Helper()
	d := &directory.Directory{
		Format: directory.Format, OrgID: testOrg, OrgName: "Mairie d'Exemple", Version: version,
		IssuedAt: testIssued, ExpiresAt: testIssued.AddDate(0, 3, 0), CaseKeyKind: agekey.Hybrid,
		Routes: []directory.Route{
			{ID: directory.RouteAVDHAS, Names: map[string]string{"fr": "AVDHAS", "en": "AVDHAS"}},
			{ID: directory.RouteConflict, Names: map[string]string{"fr": "Conflit", "en": "Conflict"}},
		},
	}
	for i, route := range []directory.RouteID{directory.RouteAVDHAS, directory.RouteAVDHAS, directory.RouteConflict} {
		id, err := agekey.FromSeed(agekey.Hybrid, bytes.Repeat([]byte{byte(i + 1)}, 32))
		if err != nil {
			tb.Fatal(err)
		}
		d.Referents = append(d.Referents, directory.Referent{
			ID: fmt.Sprintf("r%d", i), Name: fmt.Sprintf("Référent %d", i), AgeRecipient: id.Recipient().String(),
			VerifyKey: bytes.Repeat([]byte{byte(i)}, 32), Routes: []directory.RouteID{route},
		})
	}
	return d
}

type signedForm struct {
	Directory []byte `json:"directory"`
	KeyID     string `json:"key_id"`
	Signature []byte `json:"signature"`
}

func mustSignedForm(t *testing.T, signed []byte) signedForm {
	t.Helper()
	var sf signedForm
	if err := json.Unmarshal(signed, &sf); err != nil {
		t.Fatal(err)
	}
	return sf
}

// TestRotation checks that after one and two rotations the fingerprint is
// unchanged, clients that pinned it accept the new directories, the chain
// grows by one endorsed key each time, the newest key signs, and directories
// signed before the rotation still verify.
func TestRotation(t *testing.T) {
	s, err := NewSigner(testOrg)
	if err != nil {
		t.Fatal(err)
	}
	pin := s.Fingerprint()
	before, err := s.Sign(testDirectory(t, 1))
	if err != nil {
		t.Fatal(err)
	}
	for rotations := 1; rotations <= 2; rotations++ {
		prev := s.Chain()
		if err := s.Rotate(); err != nil {
			t.Fatal(err)
		}
		if s.Fingerprint() != pin {
			t.Fatalf("after %d rotations the fingerprint changed", rotations)
		}
		chain := s.Chain()
		if len(chain) != rotations+1 || !equalChains(chain[:len(prev)], prev) {
			t.Fatalf("after %d rotations the chain is %d keys, or its earlier links changed", rotations, len(chain))
		}
		version := uint64(1 + rotations)
		signed, err := s.Sign(testDirectory(t, version))
		if err != nil {
			t.Fatal(err)
		}
		got, err := directory.Verify(signed, pin, version-1, testNow)
		if err != nil {
			t.Fatalf("after %d rotations: %v", rotations, err)
		}
		if got.Version != version || !equalChains(got.Keys, chain) {
			t.Errorf("verified directory: version %d, %d keys", got.Version, len(got.Keys))
		}
		sf := mustSignedForm(t, signed)
		msg := append([]byte("lanterne/v1/directory\n"), sf.Directory...)
		if sf.KeyID != chain[rotations].ID || !ed25519.Verify(chain[rotations].PublicKey, msg, sf.Signature) {
			t.Errorf("not signed by the newest key %s", chain[rotations].ID)
		}
		if ed25519.Verify(chain[rotations-1].PublicKey, msg, sf.Signature) {
			t.Error("signed by the retired key")
		}
		// The keyset keeps the retired keys, disabled.
		enabled := 0
		for i := 0; i < s.handle.Len(); i++ {
			e, _ := s.handle.Entry(i)
			if e.KeyStatus() == keyset.Enabled {
				enabled++
			}
		}
		if s.handle.Len() != rotations+1 || enabled != 1 {
			t.Errorf("keyset has %d keys, %d enabled", s.handle.Len(), enabled)
		}
	}
	if _, err := directory.Verify(before, pin, 0, testNow); err != nil {
		t.Errorf("a directory signed before the rotations: %v", err)
	}
}

// TestSignaturesArePlainEd25519 checks what a client without tink relies on:
// 64-byte signatures and endorsements that crypto/ed25519 verifies.
func TestSignaturesArePlainEd25519(t *testing.T) {
	s, _ := NewSigner(testOrg)
	if err := s.Rotate(); err != nil {
		t.Fatal(err)
	}
	signed, err := s.Sign(testDirectory(t, 1))
	if err != nil {
		t.Fatal(err)
	}
	sf := mustSignedForm(t, signed)
	keys := s.Chain()
	if len(sf.Signature) != ed25519.SignatureSize || len(keys[1].PublicKey) != ed25519.PublicKeySize {
		t.Fatalf("signature of %d bytes, key of %d", len(sf.Signature), len(keys[1].PublicKey))
	}
	if !ed25519.Verify(keys[1].PublicKey, append([]byte("lanterne/v1/directory\n"), sf.Directory...), sf.Signature) {
		t.Error("crypto/ed25519 rejects the directory signature")
	}
	emsg := append([]byte("lanterne/v1/key-endorsement\n"+testOrg+"\n"), keys[1].PublicKey...)
	if !ed25519.Verify(keys[0].PublicKey, emsg, keys[1].Endorsement) {
		t.Error("crypto/ed25519 rejects the endorsement")
	}
}

func TestSignRefusals(t *testing.T) {
	s, _ := NewSigner("autre-mairie")
	if _, err := s.Sign(testDirectory(t, 1)); !errors.Is(err, directory.ErrMalformed) {
		t.Errorf("another organisation's directory: err = %v", err)
	}
	s, _ = NewSigner(testOrg)
	d := testDirectory(t, 1)
	d.Referents[0].VerifyKey = nil
	if _, err := s.Sign(d); !errors.Is(err, directory.ErrMalformed) {
		t.Errorf("a malformed directory: err = %v", err)
	}
	for _, id := range []string{"", "Mairie", "-mairie", "mairie exemple"} {
		if _, err := NewSigner(id); err == nil {
			t.Errorf("NewSigner(%q) accepted a malformed org id", id)
		}
	}
}

// TestSignUsesItsOwnChain checks that Sign ignores the caller's Keys and
// leaves the caller's directory alone.
func TestSignUsesItsOwnChain(t *testing.T) {
	s, _ := NewSigner(testOrg)
	other, _ := NewSigner(testOrg)
	d := testDirectory(t, 1)
	d.Keys = other.Chain()
	signed, err := s.Sign(d)
	if err != nil {
		t.Fatal(err)
	}
	got, err := directory.Verify(signed, s.Fingerprint(), 0, testNow)
	if err != nil {
		t.Fatal(err)
	}
	if !equalChains(got.Keys, s.Chain()) || !equalChains(d.Keys, other.Chain()) {
		t.Error("Sign did not use its own chain, or changed the caller's directory")
	}
}

// TestKeyFile saves and loads the private keyset under a passphrase, with
// its chain, after two rotations.
func TestKeyFile(t *testing.T) {
	s, _ := NewSigner(testOrg)
	s.Rotate()
	s.Rotate()
	const pass = "phrase de passe correcte"
	sealed, err := s.MarshalPrivate(pass, 10)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(sealed, s.Chain()[0].PublicKey) || bytes.Contains(sealed, []byte(testOrg)) {
		t.Error("the sealed file shows its contents")
	}
	if _, err := s.MarshalPrivate("", 10); err == nil {
		t.Error("an empty passphrase was accepted")
	}

	if _, err := UnmarshalPrivate(sealed, "mauvaise phrase"); !errors.Is(err, agekey.ErrWrongPassphrase) {
		t.Errorf("wrong passphrase: err = %v", err)
	}
	damaged := bytes.Clone(sealed)
	damaged[len(damaged)-5] ^= 1
	if _, err := UnmarshalPrivate(damaged, pass); !errors.Is(err, agekey.ErrWrongPassphrase) {
		t.Errorf("damaged file: err = %v", err)
	}

	loaded, err := UnmarshalPrivate(sealed, pass)
	if err != nil {
		t.Fatal(err)
	}
	if loaded.Fingerprint() != s.Fingerprint() || loaded.OrgID() != testOrg || !equalChains(loaded.Chain(), s.Chain()) {
		t.Fatal("the loaded signer is not the saved one")
	}
	// The loaded signer signs with the current key and can rotate again.
	if err := loaded.Rotate(); err != nil {
		t.Fatal(err)
	}
	signed, err := loaded.Sign(testDirectory(t, 2))
	if err != nil {
		t.Fatal(err)
	}
	if d, err := directory.Verify(signed, s.Fingerprint(), 1, testNow); err != nil || len(d.Keys) != 4 {
		t.Errorf("directory signed after load and rotation: %v", err)
	}

	// The file is a plain age scrypt file.
	id, _ := age.NewScryptIdentity(pass)
	r, err := age.Decrypt(bytes.NewReader(sealed), id)
	if err != nil {
		t.Fatalf("age cannot open the key file: %v", err)
	}
	plain, _ := io.ReadAll(r)
	if !bytes.HasPrefix(plain, []byte(`{"format":"lanterne-org-keyset/1"`)) {
		t.Errorf("unexpected plaintext start %.30q", plain)
	}
}

// TestKeyFileConsistency checks that a key file whose keyset and chain do
// not belong together is refused.
func TestKeyFileConsistency(t *testing.T) {
	a, _ := NewSigner(testOrg)
	a.Rotate()
	b, _ := NewSigner(testOrg)
	b.Rotate()
	pa := plaintextOf(t, a)
	if _, err := decodeKeyFile(pa); err != nil {
		t.Fatalf("a valid key file: %v", err)
	}
	kfa, kfb := mustKeyFile(t, pa), mustKeyFile(t, plaintextOf(t, b))

	tests := []struct {
		name string
		kf   func() keyFile
	}{
		{"another keyset's chain", func() keyFile { k := kfa; k.Chain = kfb.Chain; return k }},
		{"chain without its last key", func() keyFile { k := kfa; k.Chain = k.Chain[:1]; return k }},
		{"another organisation", func() keyFile { k := kfa; k.OrgID = "autre"; return k }},
		{"malformed org id", func() keyFile { k := kfa; k.OrgID = "Autre"; return k }},
		{"wrong format", func() keyFile { k := kfa; k.Format = "x"; return k }},
		{"keyset not protobuf", func() keyFile { k := kfa; k.Keyset = []byte("not a keyset"); return k }},
		{"empty keyset", func() keyFile { k := kfa; k.Keyset = nil; return k }},
		{"the other signer's keyset", func() keyFile { k := kfa; k.Keyset = kfb.Keyset; return k }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			kf := tc.kf()
			plain, _ := json.Marshal(&kf)
			if _, err := decodeKeyFile(plain); !errors.Is(err, ErrKeyFile) {
				t.Errorf("err = %v, want ErrKeyFile", err)
			}
		})
	}
	for _, plain := range []string{"{}", "", `{"format":"lanterne-org-keyset/1","extra":1}`, string(pa) + " {}"} {
		if _, err := decodeKeyFile([]byte(plain)); !errors.Is(err, ErrKeyFile) {
			t.Errorf("%.20q: err = %v", plain, err)
		}
	}
}

func plaintextOf(t testing.TB, s *Signer) []byte {
	t.Helper()
	sealed, err := s.MarshalPrivate("x", 10)
	if err != nil {
		t.Fatal(err)
	}
	p, err := agekey.OpenWithPassphrase(sealed, "x")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func mustKeyFile(t *testing.T, plain []byte) keyFile {
	t.Helper()
	var kf keyFile
	if err := json.Unmarshal(plain, &kf); err != nil {
		t.Fatal(err)
	}
	return kf
}

func equalChains(a, b []directory.SigningKey) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].ID != b[i].ID || !bytes.Equal(a[i].PublicKey, b[i].PublicKey) || !bytes.Equal(a[i].Endorsement, b[i].Endorsement) {
			return false
		}
	}
	return true
}

package directory

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lanterne/lanterne/crypto/agekey"
)

// TestVerify runs the client's trust check against a directory signed by a
// real tink Signer (with one rotation) and against every way a hostile
// server or network could change it.
func TestVerify(t *testing.T) {
	keys, privs := fixedChain(t, testOrg, 2) // a root key and one rotation
	d := testDirectory(t, 3)
	d.Keys = keys
	good, err := Sign(d, signFunc(privs[1]))
	if err != nil {
		t.Fatal(err)
	}
	pin := Fingerprint(testOrg, keys[0].PublicKey)
	chain := keys
	last := chain[len(chain)-1]

	// Another organisation with the same org id but its own root key.
	otherKeys, otherPrivs := fixedChainFrom(t, testOrg, 1, 50)
	od := testDirectory(t, 3)
	od.Keys = otherKeys
	otherSigned, err := Sign(od, signFunc(otherPrivs[0]))
	if err != nil {
		t.Fatal(err)
	}

	// An attacker's key.
	_, evil, _ := ed25519.GenerateKey(nil)
	evilPub := evil.Public().(ed25519.PublicKey)
	sfGood := mustSignedForm(t, good)

	tests := []struct {
		name      string
		signed    []byte
		pin       string
		lastSeen  uint64
		now       time.Time
		wantErr   error
		wantValid bool
	}{
		{name: "valid", signed: good, pin: pin, now: testNow, wantValid: true},
		{name: "pin typed lower-case without dashes", signed: good, pin: strings.ToLower(strings.ReplaceAll(pin, "-", "")), now: testNow, wantValid: true},
		{name: "same version as last seen", signed: good, pin: pin, lastSeen: 7, now: testNow, wantValid: true},
		{name: "issued 4 minutes in the future (clock skew)", signed: good, pin: pin, now: testIssued.Add(-4 * time.Minute), wantValid: true},

		{name: "unsigned: empty signature", signed: edit(t, good, func(sf *signedForm) { sf.Signature = nil }), pin: pin, now: testNow, wantErr: ErrBadSignature},
		{name: "unsigned: no signature field", signed: []byte(`{"directory":"` + b64(sfGood.Directory) + `","key_id":"` + last.ID + `"}`), pin: pin, now: testNow, wantErr: ErrBadSignature},
		{name: "one byte of the directory changed", signed: edit(t, good, func(sf *signedForm) {
			sf.Directory = bytes.Replace(sf.Directory, []byte("Exemple-sur-Loire"), []byte("Exemple-sur-Loirf"), 1)
		}), pin: pin, now: testNow, wantErr: ErrBadSignature},
		{name: "one bit of the signature changed", signed: edit(t, good, func(sf *signedForm) { sf.Signature[10] ^= 1 }), pin: pin, now: testNow, wantErr: ErrBadSignature},
		{name: "truncated signature", signed: edit(t, good, func(sf *signedForm) { sf.Signature = sf.Signature[:63] }), pin: pin, now: testNow, wantErr: ErrBadSignature},
		{name: "signed by a key not in the chain", signed: signRaw(t, sfGood.Directory, last.ID, evil), pin: pin, now: testNow, wantErr: ErrBadSignature},
		{name: "signed by an earlier key of the chain", signed: edit(t, good, func(sf *signedForm) { sf.KeyID = chain[0].ID }), pin: pin, now: testNow, wantErr: ErrBadSignature},
		{name: "another organisation's directory", signed: otherSigned, pin: pin, now: testNow, wantErr: ErrWrongOrganisation},
		{name: "org id changed, same root key", signed: func() []byte {
			c := *d
			c.OrgID = "autre-mairie"
			return signRaw(t, mustJSON(t, &c), last.ID, evil)
		}(), pin: pin, now: testNow, wantErr: ErrWrongOrganisation},
		{name: "attacker's root key", signed: func() []byte {
			c := *d
			c.Keys = []SigningKey{{ID: "0badc0de", PublicKey: evilPub}}
			return signDir(t, &c, evil)
		}(), pin: pin, now: testNow, wantErr: ErrWrongOrganisation},
		{name: "forged chain link", signed: func() []byte {
			c := *d
			c.Keys = append(slices.Clone(keys), SigningKey{ID: "0badc0de", PublicKey: evilPub, Endorsement: bytes.Repeat([]byte{7}, 64)})
			return signDir(t, &c, evil)
		}(), pin: pin, now: testNow, wantErr: ErrBrokenChain},
		{name: "link endorsed by itself, not by the key before", signed: func() []byte {
			c := *d
			c.Keys = append(slices.Clone(keys), SigningKey{ID: "0badc0de", PublicKey: evilPub, Endorsement: ed25519.Sign(evil, EndorsementMessage(testOrg, evilPub))})
			return signDir(t, &c, evil)
		}(), pin: pin, now: testNow, wantErr: ErrBrokenChain},
		{name: "chain with the middle link removed", signed: func() []byte {
			// A 3-key chain from fixed keys, then the middle key removed.
			keys3, privs3 := fixedChain(t, testOrg, 3)
			c := *d
			c.Keys = []SigningKey{keys3[0], keys3[2]}
			return signDir(t, &c, privs3[2])
		}(), pin: pin, now: testNow, wantErr: ErrBrokenChain},
		{name: "expired", signed: good, pin: pin, now: testExpires, wantErr: ErrExpired},
		{name: "long expired", signed: good, pin: pin, now: testExpires.Add(365 * 24 * time.Hour), wantErr: ErrExpired},
		{name: "issued 6 minutes in the future", signed: good, pin: pin, now: testIssued.Add(-6 * time.Minute), wantErr: ErrNotYetValid},
		{name: "rolled back below the last seen version", signed: good, pin: pin, lastSeen: 8, now: testNow, wantErr: ErrRollback},

		{name: "empty input", signed: nil, pin: pin, now: testNow, wantErr: ErrMalformed},
		{name: "not JSON", signed: []byte("bonjour"), pin: pin, now: testNow, wantErr: ErrMalformed},
		{name: "data after the JSON", signed: append(bytes.Clone(good), []byte(" {}")...), pin: pin, now: testNow, wantErr: ErrMalformed},
		{name: "unknown outer field", signed: append(bytes.Clone(good[:len(good)-1]), []byte(`,"extra":1}`)...), pin: pin, now: testNow, wantErr: ErrMalformed},
		{name: "larger than 1 MiB", signed: append(bytes.Clone(good), bytes.Repeat([]byte(" "), MaxSignedSize)...), pin: pin, now: testNow, wantErr: ErrMalformed},
		{name: "no key chain", signed: func() []byte {
			c := *d
			c.Keys = nil
			return signRaw(t, mustJSON(t, &c), last.ID, evil)
		}(), pin: pin, now: testNow, wantErr: ErrMalformed},
		{name: "pin is not a fingerprint", signed: good, pin: "K7QM-2DX9", now: testNow, wantErr: ErrInvalidFingerprint},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Verify(tc.signed, tc.pin, tc.lastSeen, tc.now)
			if tc.wantValid {
				if err != nil {
					t.Fatalf("refused a valid directory: %v", err)
				}
				if got.OrgName != "Mairie d'Exemple-sur-Loire" || len(got.Referents) != 3 || got.Fingerprint() != pin {
					t.Errorf("returned directory differs: %+v", got)
				}
				return
			}
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("err = %v, want %v", err, tc.wantErr)
			}
			if got != nil {
				t.Error("a directory was returned with an error")
			}
		})
	}
}

// TestVerifyStrictContent checks that a directory correctly signed by the
// pinned organisation is still refused when its content is malformed, and
// that Sign refuses to sign the same content.
func TestVerifyStrictContent(t *testing.T) {
	classic, _ := agekey.FromSeed(agekey.X25519, seed(9))

	tests := []struct {
		name   string
		mutate func(d *Directory)
	}{
		{"wrong format", func(d *Directory) { d.Format = "lanterne-directory/2" }},
		{"org id with capitals", func(d *Directory) { d.OrgID = "Mairie" }},
		{"org id starting with a hyphen", func(d *Directory) { d.OrgID = "-mairie" }},
		{"empty org name", func(d *Directory) { d.OrgName = "" }},
		{"control character in org name", func(d *Directory) { d.OrgName = "Mairie\u0007" }},
		{"version 0", func(d *Directory) { d.Version = 0 }},
		{"expires before issued", func(d *Directory) { d.ExpiresAt = d.IssuedAt.Add(-time.Second) }},
		{"expires when issued", func(d *Directory) { d.ExpiresAt = d.IssuedAt }},
		{"no issue time", func(d *Directory) { d.IssuedAt = time.Time{} }},
		{"unknown case key kind", func(d *Directory) { d.CaseKeyKind = "rsa" }},
		{"no route", func(d *Directory) { d.Routes = nil; d.Referents = nil }},
		{"unknown route", func(d *Directory) { d.Routes[0].ID = "complaints"; d.Referents[0].Routes = []RouteID{"complaints"} }},
		{"route listed twice", func(d *Directory) { d.Routes[1] = d.Routes[0] }},
		{"route without English name", func(d *Directory) { delete(d.Routes[0].Names, "en") }},
		{"route with a third name", func(d *Directory) { d.Routes[0].Names = map[string]string{"fr": "a", "en": "b", "de": "c"} }},
		{"route nobody serves", func(d *Directory) { d.Referents[2].Routes = []RouteID{RouteAVDHAS} }},
		{"referent id repeated", func(d *Directory) { d.Referents[1].ID = d.Referents[0].ID }},
		{"referent id with a slash", func(d *Directory) { d.Referents[0].ID = "a/b" }},
		{"referent id of 64 characters", func(d *Directory) { d.Referents[0].ID = strings.Repeat("a", 64) }},
		{"referent named reporter", func(d *Directory) { d.Referents[0].ID = "reporter" }},
		{"referent named victim", func(d *Directory) { d.Referents[0].ID = "victim" }},
		{"referent without name", func(d *Directory) { d.Referents[0].Name = " " }},
		{"referent with a secret key as recipient", func(d *Directory) {
			id, _ := agekey.FromSeed(agekey.Hybrid, seed(3))
			d.Referents[0].AgeRecipient = id.String()
		}},
		{"classic recipient in a hybrid directory", func(d *Directory) { d.Referents[0].AgeRecipient = classic.Recipient().String() }},
		{"recipient with spaces", func(d *Directory) { d.Referents[0].AgeRecipient = " " + d.Referents[0].AgeRecipient }},
		{"verify key of 31 bytes", func(d *Directory) { d.Referents[0].VerifyKey = d.Referents[0].VerifyKey[:31] }},
		{"referent serving no route", func(d *Directory) { d.Referents[0].Routes = nil }},
		{"referent serving an unlisted route", func(d *Directory) {
			d.Routes = d.Routes[:2]
			d.Referents[2].Routes = []RouteID{RouteAVDHAS, RouteConflict}
		}},
		{"referent listing a route twice", func(d *Directory) { d.Referents[0].Routes = []RouteID{RouteAVDHAS, RouteAVDHAS} }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := testDirectory(t, 3)
			tc.mutate(d)
			// Signed correctly by the organisation the client pinned.
			keys, privs := fixedChain(t, d.OrgID, 2)
			d.Keys = keys
			if _, err := Sign(d, signFunc(privs[1])); !errors.Is(err, ErrMalformed) {
				t.Errorf("Sign: err = %v, want ErrMalformed", err)
			}
			signed := signDir(t, d, privs[1])
			_, err := Verify(signed, Fingerprint(d.OrgID, keys[0].PublicKey), 0, testNow)
			if !errors.Is(err, ErrMalformed) {
				t.Errorf("Verify: err = %v, want ErrMalformed", err)
			}
		})
	}

	// A classic recipient is fine when the organisation chose X25519.
	d := testDirectory(t, 3)
	d.CaseKeyKind = agekey.X25519
	d.Referents[0].AgeRecipient = classic.Recipient().String()
	keys, privs := fixedChain(t, testOrg, 1)
	d.Keys = keys
	if _, err := Sign(d, signFunc(privs[0])); err != nil {
		t.Errorf("classic recipient in an x25519 directory: %v", err)
	}
}

// TestVerifyCanonicalJSON checks that only the exact encoding/json bytes of
// a directory are accepted, even when correctly signed.
func TestVerifyCanonicalJSON(t *testing.T) {
	keys, privs := fixedChain(t, testOrg, 1)
	pin := Fingerprint(testOrg, keys[0].PublicKey)
	d := testDirectory(t, 3)
	d.Keys = keys
	body := mustJSON(t, d)
	if _, err := Verify(signRaw(t, body, keys[0].ID, privs[0]), pin, 0, testNow); err != nil {
		t.Fatalf("canonical form refused: %v", err)
	}
	tests := []struct {
		name string
		body []byte
	}{
		{"trailing newline", append(bytes.Clone(body), '\n')},
		{"space after a colon", bytes.Replace(body, []byte(`"format":`), []byte(`"format": `), 1)},
		{"repeated field", bytes.Replace(body, []byte(`"org_name":`), []byte(`"org_name":"Autre","org_name":`), 1)},
		{"field name in capitals", bytes.Replace(body, []byte(`"org_name":`), []byte(`"ORG_NAME":`), 1)},
		{"unknown field", bytes.Replace(body, []byte(`"org_name":`), []byte(`"mode":"test","org_name":`), 1)},
		{"time with +00:00", bytes.Replace(body, []byte(`00:00:00Z"`), []byte(`00:00:00+00:00"`), 1)},
		{"escaped letter", bytes.Replace(body, []byte(`"Mairie`), []byte(`"\u004dairie`), 1)},
		{"fields reordered", bytes.Replace(body, []byte(`"format":"lanterne-directory/1","org_id":"mairie-exemple"`), []byte(`"org_id":"mairie-exemple","format":"lanterne-directory/1"`), 1)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if bytes.Equal(tc.body, body) {
				t.Fatal("the test did not change the bytes")
			}
			_, err := Verify(signRaw(t, tc.body, keys[0].ID, privs[0]), pin, 0, testNow)
			if !errors.Is(err, ErrMalformed) {
				t.Errorf("err = %v, want ErrMalformed", err)
			}
		})
	}
}

func TestParseUnverified(t *testing.T) {
	signed, _ := fixedSigned(t, 3, 2)
	d, err := ParseUnverified(signed)
	if err != nil || d.OrgID != testOrg || len(d.Keys) != 2 {
		t.Fatalf("ParseUnverified: %v", err)
	}
	// It does not check the signature: that is what its name says.
	unsigned := edit(t, signed, func(sf *signedForm) { sf.Signature = nil })
	if _, err := ParseUnverified(unsigned); err != nil {
		t.Errorf("unsigned: %v", err)
	}
	if _, err := ParseUnverified([]byte(`{"directory":"e30=","key_id":"","signature":""}`)); !errors.Is(err, ErrMalformed) {
		t.Errorf("empty directory object: err = %v", err)
	}
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mustSignedForm(t testing.TB, signed []byte) *signedForm {
	t.Helper()
	var sf signedForm
	if err := json.Unmarshal(signed, &sf); err != nil {
		t.Fatal(err)
	}
	return &sf
}

func b64(b []byte) string {
	s, _ := json.Marshal(b)
	return strings.Trim(string(s), `"`)
}

// TestSign checks what Sign guarantees the admin tool: a refused signature
// from the wrong key, UTC times, an untouched input.
func TestSign(t *testing.T) {
	keys, privs := fixedChain(t, testOrg, 2)
	paris := time.FixedZone("CET", 3600)
	d := testDirectory(t, 3)
	d.Keys = keys
	d.IssuedAt = testIssued.In(paris)
	d.ExpiresAt = testExpires.In(paris)

	if _, err := Sign(d, signFunc(privs[0])); err == nil {
		t.Error("Sign accepted a signature by the root key instead of the last key")
	}
	if _, err := Sign(d, func([]byte) ([]byte, error) { return nil, errors.New("token unplugged") }); err == nil || !strings.Contains(err.Error(), "token unplugged") {
		t.Errorf("the signing function's error was lost: %v", err)
	}
	signed, err := Sign(d, signFunc(privs[1]))
	if err != nil {
		t.Fatal(err)
	}
	if d.IssuedAt.Location() != paris {
		t.Error("Sign changed the caller's directory")
	}
	sf := mustSignedForm(t, signed)
	if !bytes.Contains(sf.Directory, []byte(`"issued_at":"2026-03-01T00:00:00Z"`)) {
		t.Errorf("times not signed in UTC: %s", sf.Directory[:200])
	}
	if sf.KeyID != keys[1].ID || len(sf.Signature) != 64 {
		t.Errorf("key_id %q, signature of %d bytes", sf.KeyID, len(sf.Signature))
	}
	msg := append([]byte("lanterne/v1/directory\n"), sf.Directory...)
	if !ed25519.Verify(keys[1].PublicKey, msg, sf.Signature) {
		t.Error("crypto/ed25519 rejects the signature")
	}
	if _, err := Verify(signed, Fingerprint(testOrg, keys[0].PublicKey), 0, testNow); err != nil {
		t.Errorf("Verify refuses what Sign made: %v", err)
	}
	big := testDirectory(t, 3)
	big.Keys = keys
	for len(big.Referents) < 600 {
		r := big.Referents[0]
		r.ID = fmt.Sprintf("r%d", len(big.Referents))
		big.Referents = append(big.Referents, r)
	}
	if _, err := Sign(big, signFunc(privs[1])); !errors.Is(err, ErrMalformed) {
		t.Errorf("a directory over %d bytes: err = %v", MaxSignedSize, err)
	}
}

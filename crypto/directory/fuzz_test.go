package directory

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// FuzzVerify feeds arbitrary bytes to Verify, pinned to a fixed organisation
// whose keys come from fixed seeds. Verify must never panic, must return
// exactly one of its sentinel errors or a directory, and may accept only
// directory bytes that the organisation's keys actually signed (the seeds).
func FuzzVerify(f *testing.F) {
	var signedBodies [][]byte
	pin := ""
	for _, shape := range []struct{ referents, keys int }{{3, 1}, {3, 2}, {4, 3}} {
		signed, p := fixedSigned(f, shape.referents, shape.keys)
		pin = p
		f.Add(signed)
		sf := mustSignedForm(f, signed)
		signedBodies = append(signedBodies, sf.Directory)
		f.Add(edit(f, signed, func(sf *signedForm) { sf.Signature = nil }))
		f.Add(edit(f, signed, func(sf *signedForm) { sf.Signature[0] ^= 1 }))
	}
	f.Add([]byte(`{"directory":"e30=","key_id":"00000001","signature":""}`))
	f.Add([]byte(`{}`))
	f.Add([]byte(``))

	sentinels := []error{ErrMalformed, ErrBadSignature, ErrWrongOrganisation, ErrBrokenChain, ErrExpired, ErrNotYetValid, ErrRollback}
	root, _ := fixedChain(f, testOrg, 1)
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := Verify(data, pin, 7, testNow)
		if err != nil {
			n := 0
			for _, s := range sentinels {
				if errors.Is(err, s) {
					n++
				}
			}
			if n != 1 || d != nil {
				t.Fatalf("error %v matches %d sentinels, directory %v", err, n, d != nil)
			}
			return
		}
		// Accepted: the directory bytes must be ones the organisation
		// signed, rooted at its key, and the signature must check with
		// plain crypto/ed25519.
		var sf signedForm
		if err := json.Unmarshal(data, &sf); err != nil {
			t.Fatalf("accepted bytes that are not a signed form: %v", err)
		}
		known := false
		for _, b := range signedBodies {
			known = known || bytes.Equal(b, sf.Directory)
		}
		if !known {
			t.Fatalf("accepted directory bytes the organisation never signed")
		}
		if !bytes.Equal(d.Keys[0].PublicKey, root[0].PublicKey) || d.OrgID != testOrg {
			t.Fatal("accepted a directory not rooted at the pinned key")
		}
		if !ed25519.Verify(d.Keys[len(d.Keys)-1].PublicKey, signedMessage(sf.Directory), sf.Signature) {
			t.Fatal("accepted a signature crypto/ed25519 rejects")
		}
	})
}

// FuzzParseFingerprint checks that ParseFingerprint never panics and that
// whatever it accepts is canonical and parses back to itself.
func FuzzParseFingerprint(f *testing.F) {
	for _, s := range []string{"VEKX-W3GT-FVD2-TN67-K9YQ", "vekxw3gtfvd2tn67k9yq", "JAQ6-O67J-MGZT-7DQJ-GNDZ", "1111 iiii llll", "", "ÉÉÉ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseFingerprint(s)
		if err != nil {
			if !errors.Is(err, ErrInvalidFingerprint) || got != "" {
				t.Fatalf("err = %v, got %q", err, got)
			}
			return
		}
		if len(got) != 24 || strings.Count(got, "-") != 4 || strings.ToUpper(got) != got {
			t.Fatalf("accepted %q as %q, not canonical", s, got)
		}
		if again, err := ParseFingerprint(got); err != nil || again != got {
			t.Fatalf("canonical %q does not parse to itself: %q, %v", got, again, err)
		}
	})
}

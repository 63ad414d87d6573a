package directory

import (
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
)

// TestFingerprintVector is worked example A of docs/protocol.md §4.7: org id
// "mairie-exemple", root public key bytes 0x00..0x1f. The expected value was
// computed independently (Python hashlib and a hand-written base32).
func TestFingerprintVector(t *testing.T) {
	root := make([]byte, 32)
	for i := range root {
		root[i] = byte(i)
	}
	if got, want := Fingerprint("mairie-exemple", root), "VEKX-W3GT-FVD2-TN67-K9YQ"; got != want {
		t.Errorf("Fingerprint = %s, want %s", got, want)
	}
	// Each input matters.
	other := bytes.Clone(root)
	other[31] ^= 1
	if Fingerprint("mairie-exemple", other) == Fingerprint("mairie-exemple", root) {
		t.Error("a different root key gave the same fingerprint")
	}
	if Fingerprint("mairie-exempl", root) == Fingerprint("mairie-exemple", root) {
		t.Error("a different org id gave the same fingerprint")
	}
}

// TestChainVectors are the endorsement and signature examples of
// docs/protocol.md §4.7 (example B),
// with keys from fixed seeds (01×32 and 02×32).
func TestChainVectors(t *testing.T) {
	keys, _ := fixedChain(t, testOrg, 2)
	if got := hex.EncodeToString(keys[0].PublicKey); got != "8a88e3dd7409f195fd52db2d3cba5d72ca6709bf1d94121bf3748801b40f6f5c" {
		t.Errorf("root public key %s", got)
	}
	if got := Fingerprint(testOrg, keys[0].PublicKey); got != "JAQ6-067J-MGZT-7DQJ-GNDZ" {
		t.Errorf("fingerprint %s", got)
	}
	wantMsg := "6c616e7465726e652f76312f6b65792d656e646f7273656d656e740a6d61697269652d6578656d706c650a" +
		"8139770ea87d175f56a35466c34c7ecccb8d8a91b4ee37a25df60f5b8fc9b394"
	if got := hex.EncodeToString(EndorsementMessage(testOrg, keys[1].PublicKey)); got != wantMsg {
		t.Errorf("endorsement message %s", got)
	}
	if got := hex.EncodeToString(keys[1].Endorsement); got != "d26622e7d91fd855251674da69bab57629e0e139949c0d3daa5316d597c3141254b1ccf547592d2e5dec194713232c5fa1da07a92d540d5f04a5176733236906" {
		t.Errorf("endorsement %s", got)
	}
	if got := string(signedMessage([]byte(`{"x":1}`))); got != "lanterne/v1/directory\n{\"x\":1}" {
		t.Errorf("signed message %q", got)
	}
	priv := ed25519.NewKeyFromSeed(seed(2))
	sig := ed25519.Sign(priv, signedMessage([]byte(`{"format":"lanterne-directory/1"}`)))
	if got := hex.EncodeToString(sig); got != "18d87c3cb6a969413b42040b0966a0a6872a5ccb02de6191d958bb62fea82f91294ddb1ed37a510f46eccef34e4338c3a7d435db82522000518d27f800317101" {
		t.Errorf("signature %s", got)
	}
}

func TestParseFingerprint(t *testing.T) {
	const canonical = "VEKX-W3GT-FVD2-TN67-K9YQ"
	tests := []struct {
		in      string
		want    string
		wantErr bool
	}{
		{in: canonical, want: canonical},
		{in: "vekx-w3gt-fvd2-tn67-k9yq", want: canonical},
		{in: "VEKXW3GTFVD2TN67K9YQ", want: canonical},
		{in: " vekx w3gt fvd2 tn67 k9yq ", want: canonical},
		{in: "vekx--w3gt-fvd2-tn67-k9yq-", want: canonical},
		{in: "JAQ6-O67J-MGZT-7DQJ-GNDZ", want: "JAQ6-067J-MGZT-7DQJ-GNDZ"}, // letter O read as zero
		{in: "1111-iiii-llll-1111-1111", want: "1111-1111-1111-1111-1111"},
		{in: "VEKX-W3GT-FVD2-TN67-K9Y", wantErr: true},   // one symbol short
		{in: "VEKX-W3GT-FVD2-TN67-K9YQ0", wantErr: true}, // one too many
		{in: "VEKX-W3GT-FVD2-TN67-K9YU", wantErr: true},  // U is not in the alphabet
		{in: "VEKX_W3GT_FVD2_TN67_K9YQ", wantErr: true},
		{in: "VEKX-W3GT-FVD2-TN67-K9YÉ", wantErr: true},
		{in: "", wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseFingerprint(tc.in)
			if tc.wantErr {
				if !errors.Is(err, ErrInvalidFingerprint) {
					t.Errorf("err = %v, want ErrInvalidFingerprint", err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Errorf("got %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

func TestDirectoryFingerprint(t *testing.T) {
	signed, pin := fixedSigned(t, 3, 2)
	d, err := ParseUnverified(signed)
	if err != nil {
		t.Fatal(err)
	}
	if d.Fingerprint() != pin || pin != Fingerprint(testOrg, d.Keys[0].PublicKey) {
		t.Errorf("directory fingerprint %q, want %q", d.Fingerprint(), pin)
	}
	if back, err := ParseFingerprint(strings.ToLower(d.Fingerprint())); err != nil || back != d.Fingerprint() {
		t.Errorf("the fingerprint does not parse back: %q, %v", back, err)
	}
	if (&Directory{}).Fingerprint() != "" {
		t.Error("a directory without keys has a fingerprint")
	}
}

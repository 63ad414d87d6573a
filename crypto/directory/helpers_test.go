package directory

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/lanterne/lanterne/crypto/agekey"
)

// Fixed inputs shared by the tests, fuzz targets and benchmarks.
const testOrg = "mairie-exemple"

var (
	testIssued  = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	testExpires = testIssued.Add(90 * 24 * time.Hour)
	testNow     = testIssued.Add(12 * time.Hour)
)

func seed(b byte) []byte { return bytes.Repeat([]byte{b}, 32) }

// testDirectory is a well-formed directory with n referents (n ≥ 3) and no
// keys: Sign fills them in.
func testDirectory(tb testing.TB, n int) *Directory {
	tb.Helper()
	d := &Directory{
		Format:      Format,
		OrgID:       testOrg,
		OrgName:     "Mairie d'Exemple-sur-Loire",
		Version:     7,
		IssuedAt:    testIssued,
		ExpiresAt:   testExpires,
		CaseKeyKind: agekey.Hybrid,
		Routes: []Route{
			{ID: RouteAVDHAS, Names: map[string]string{"fr": "Violences, discriminations, harcèlements", "en": "Violence, discrimination, harassment"}},
			{ID: RouteWhistleblowing, Names: map[string]string{"fr": "Lanceurs d'alerte", "en": "Whistleblowing"}},
			{ID: RouteConflict, Names: map[string]string{"fr": "Faits mettant en cause l'autorité", "en": "Facts involving the authority"}},
		},
	}
	routes := [][]RouteID{{RouteAVDHAS}, {RouteAVDHAS, RouteWhistleblowing}, {RouteConflict}}
	for i := 0; i < n; i++ {
		id, err := agekey.FromSeed(agekey.Hybrid, seed(byte(100+i)))
		if err != nil {
			tb.Fatal(err)
		}
		pub, _, _ := ed25519.GenerateKey(bytes.NewReader(seed(byte(200 + i))))
		d.Referents = append(d.Referents, Referent{
			ID:           fmt.Sprintf("referent-%d", i+1),
			Name:         fmt.Sprintf("Référente n°%d", i+1),
			AgeRecipient: id.Recipient().String(),
			VerifyKey:    pub,
			Routes:       routes[i%len(routes)],
		})
	}
	return d
}

// fixedChain is a chain of n keys made with crypto/ed25519 from fixed seeds,
// with fixed ids, independent of tink.
func fixedChain(tb testing.TB, orgID string, n int) ([]SigningKey, []ed25519.PrivateKey) {
	tb.Helper()
	return fixedChainFrom(tb, orgID, n, 1)
}

// fixedChainFrom is fixedChain with seeds first, first+1, ….
func fixedChainFrom(tb testing.TB, orgID string, n int, first byte) ([]SigningKey, []ed25519.PrivateKey) {
	tb.Helper()
	var keys []SigningKey
	var privs []ed25519.PrivateKey
	for i := 0; i < n; i++ {
		priv := ed25519.NewKeyFromSeed(seed(first + byte(i)))
		pub := priv.Public().(ed25519.PublicKey)
		k := SigningKey{ID: fmt.Sprintf("%08x", i+1), PublicKey: pub}
		if i > 0 {
			k.Endorsement = ed25519.Sign(privs[i-1], EndorsementMessage(orgID, pub))
		}
		keys = append(keys, k)
		privs = append(privs, priv)
	}
	return keys, privs
}

// signRaw signs body with priv under key id keyID, with no checks at all,
// to build hostile but correctly signed inputs.
func signRaw(tb testing.TB, body []byte, keyID string, priv ed25519.PrivateKey) []byte {
	tb.Helper()
	out, err := json.Marshal(&signedForm{Directory: body, KeyID: keyID, Signature: ed25519.Sign(priv, signedMessage(body))})
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// signFunc signs with priv, as directory.Sign wants.
func signFunc(priv ed25519.PrivateKey) func([]byte) ([]byte, error) {
	return func(msg []byte) ([]byte, error) { return ed25519.Sign(priv, msg), nil }
}

// signDir marshals d as it is (no Check) and signs it with priv.
func signDir(tb testing.TB, d *Directory, priv ed25519.PrivateKey) []byte {
	tb.Helper()
	body, err := json.Marshal(d)
	if err != nil {
		tb.Fatal(err)
	}
	return signRaw(tb, body, d.Keys[len(d.Keys)-1].ID, priv)
}

// fixedSigned is a deterministic signed directory with n referents and a
// chain of k keys, and the pinned fingerprint.
func fixedSigned(tb testing.TB, n, k int) ([]byte, string) {
	tb.Helper()
	d := testDirectory(tb, n)
	keys, privs := fixedChain(tb, testOrg, k)
	d.Keys = keys
	if err := Check(d); err != nil {
		tb.Fatal(err)
	}
	return signDir(tb, d, privs[k-1]), d.Fingerprint()
}

// edit decodes the signed form, lets f change the directory JSON bytes and
// the envelope, and re-encodes without re-signing.
func edit(tb testing.TB, signed []byte, f func(sf *signedForm)) []byte {
	tb.Helper()
	var sf signedForm
	if err := json.Unmarshal(signed, &sf); err != nil {
		tb.Fatal(err)
	}
	f(&sf)
	out, err := json.Marshal(&sf)
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

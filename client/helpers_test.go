package client

import (
	"testing"
	"time"

	"github.com/lanterne/lanterne/crypto/agekey"
	"github.com/lanterne/lanterne/crypto/directory"
	"github.com/lanterne/lanterne/crypto/directory/orgkey"
	"github.com/lanterne/lanterne/crypto/referentkey"
)

// testNow is the clock of the tests: directories are valid around it.
var testNow = time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)

// testOrg is an organisation with its signing key, a signed directory and
// every referent's private keys.
type testOrg struct {
	signer *orgkey.Signer
	dir    *directory.Directory
	signed []byte
	keys   map[string]*referentkey.Key
}

// staffRoutes: avdhas → alice, bob; whistleblowing → bob; conflict → dan.
var staffRoutes = []struct {
	id     string
	routes []directory.RouteID
}{
	{"alice", []directory.RouteID{directory.RouteAVDHAS}},
	{"bob", []directory.RouteID{directory.RouteAVDHAS, directory.RouteWhistleblowing}},
	{"dan", []directory.RouteID{directory.RouteConflict}},
}

func newTestOrg(t testing.TB, orgID string) *testOrg {
	t.Helper()
	s, err := orgkey.NewSigner(orgID)
	if err != nil {
		t.Fatal(err)
	}
	o := &testOrg{signer: s, keys: map[string]*referentkey.Key{}}
	d := &directory.Directory{
		Format: directory.Format, OrgID: orgID, OrgName: "Mairie de Test", Version: 1,
		IssuedAt: testNow.Add(-24 * time.Hour), ExpiresAt: testNow.Add(365 * 24 * time.Hour),
		CaseKeyKind: agekey.Hybrid,
		Keys:        s.Chain(),
	}
	for _, r := range []directory.RouteID{directory.RouteAVDHAS, directory.RouteWhistleblowing, directory.RouteConflict} {
		d.Routes = append(d.Routes, directory.Route{ID: r, Names: map[string]string{"fr": string(r), "en": string(r)}})
	}
	for _, m := range staffRoutes {
		k, err := referentkey.Generate(m.id, agekey.Hybrid)
		if err != nil {
			t.Fatal(err)
		}
		pub := k.Public()
		pub.Name, pub.Routes = "Référent "+m.id, m.routes
		d.Referents = append(d.Referents, pub)
		o.keys[m.id] = k
	}
	if o.signed, err = s.Sign(d); err != nil {
		t.Fatal(err)
	}
	if o.dir, err = directory.Verify(o.signed, s.Fingerprint(), 0, testNow); err != nil {
		t.Fatal(err)
	}
	return o
}

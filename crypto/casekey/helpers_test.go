package casekey_test

import (
	"bytes"
	"io"
	"testing"

	"filippo.io/age"

	"github.com/lanterne/lanterne/crypto/agekey"
	"github.com/lanterne/lanterne/crypto/directory"
)

const (
	caseA = "6b1e5f0c2d7a48e39f10a2b4c6d8e0f1"
	caseB = "0f9e8d7c6b5a49382716051423324150"
)

// org is a test organisation: a directory and every referent's real identity.
type org struct {
	dir *directory.Directory
	ids map[string]*agekey.Identity
}

// member is a referent of the test directory with the routes they serve.
type member struct {
	id     string
	routes []directory.RouteID
}

// staff is the test organisation's referents:
//
//	avdhas:          alice, bob
//	whistleblowing:  bob, carol
//	conflict:        dan, erin
var staff = []member{
	{"alice", []directory.RouteID{directory.RouteAVDHAS}},
	{"bob", []directory.RouteID{directory.RouteAVDHAS, directory.RouteWhistleblowing}},
	{"carol", []directory.RouteID{directory.RouteWhistleblowing}},
	{"dan", []directory.RouteID{directory.RouteConflict}},
	{"erin", []directory.RouteID{directory.RouteConflict}},
}

func newOrg(t testing.TB, kind agekey.Kind, members []member, routes ...directory.RouteID) *org {
	t.Helper()
	if routes == nil {
		routes = []directory.RouteID{directory.RouteAVDHAS, directory.RouteWhistleblowing, directory.RouteConflict}
	}
	o := &org{
		dir: &directory.Directory{Format: directory.Format, OrgID: "mairie-test", CaseKeyKind: kind},
		ids: map[string]*agekey.Identity{},
	}
	for _, r := range routes {
		o.dir.Routes = append(o.dir.Routes, directory.Route{ID: r})
	}
	for _, m := range members {
		id, err := agekey.Generate(kind)
		if err != nil {
			t.Fatal(err)
		}
		o.ids[m.id] = id
		o.dir.Referents = append(o.dir.Referents, directory.Referent{
			ID: m.id, Name: m.id, AgeRecipient: id.Recipient().String(), Routes: m.routes,
		})
	}
	return o
}

func newIdentity(t testing.TB, kind agekey.Kind) *agekey.Identity {
	t.Helper()
	id, err := agekey.Generate(kind)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// seal encrypts content the way the other packages do: one age file to a
// key's recipient.
func seal(t testing.TB, msg string, r age.Recipient) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := age.Encrypt(&buf, r)
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(w, msg)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// open decrypts content; ok is false if none of ids opens it.
func open(t testing.TB, content []byte, ids ...age.Identity) (string, bool) {
	t.Helper()
	if len(ids) == 0 {
		return "", false
	}
	r, err := age.Decrypt(bytes.NewReader(content), ids...)
	if err != nil {
		return "", false
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(b), true
}

func ids(list ...*agekey.Identity) []age.Identity {
	out := make([]age.Identity, len(list))
	for i, id := range list {
		out[i] = id
	}
	return out
}

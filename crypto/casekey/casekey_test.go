package casekey_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"filippo.io/age"

	"github.com/lanterne/lanterne/crypto/agekey"
	"github.com/lanterne/lanterne/crypto/casekey"
	"github.com/lanterne/lanterne/crypto/directory"
)

// TestExcludedReferentReadsNothing is the first promise: a referent
// left out of a case, because the reporter named them or because the facts
// involve the authority and they are not in the conflict route, can unwrap no
// key and cannot decrypt the report, while every selected referent and the
// reporter can.
func TestExcludedReferentReadsNothing(t *testing.T) {
	o := newOrg(t, agekey.Hybrid, staff)
	tests := []struct {
		name      string
		channel   directory.RouteID
		authority bool
		excluded  []string
		readers   []string
		outsiders []string
	}{
		{"named exclusion", directory.RouteAVDHAS, false, []string{"alice"}, []string{"bob"}, []string{"alice", "carol", "dan", "erin"}},
		{"authority involved", directory.RouteAVDHAS, true, nil, []string{"dan", "erin"}, []string{"alice", "bob", "carol"}},
		{"authority involved and named", directory.RouteWhistleblowing, true, []string{"erin"}, []string{"dan"}, []string{"alice", "bob", "carol", "erin"}},
		{"fallback to conflict", directory.RouteWhistleblowing, false, []string{"bob", "carol"}, []string{"dan", "erin"}, []string{"alice", "bob", "carol"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			reporter := newIdentity(t, agekey.Hybrid)
			kr, wraps, _, err := casekey.NewCase(o.dir, caseA, tc.channel, tc.authority, tc.excluded, reporter.Recipient())
			if err != nil {
				t.Fatal(err)
			}
			if len(wraps) != len(tc.readers)+1 {
				t.Fatalf("%d wraps, want %d", len(wraps), len(tc.readers)+1)
			}
			report := seal(t, "le rapport", kr.Current(casekey.RoleCase).Recipient())

			for _, who := range tc.outsiders {
				id := o.ids[who]
				if _, err := casekey.OpenKeyring(caseA, wraps, id); !errors.Is(err, casekey.ErrNotReader) {
					t.Errorf("%s: OpenKeyring err = %v, want ErrNotReader", who, err)
				}
				for _, w := range wraps {
					if _, err := casekey.Unwrap(w, caseA, id); !errors.Is(err, casekey.ErrNotReader) {
						t.Errorf("%s unwrapped the wrap of %s: %v", who, w.Reader, err)
					}
				}
				if _, ok := open(t, report, id); ok {
					t.Errorf("%s decrypted the report", who)
				}
			}
			for _, who := range append(slices.Clone(tc.readers), casekey.Reporter) {
				id := o.ids[who]
				if who == casekey.Reporter {
					id = reporter
				}
				kr, err := casekey.OpenKeyring(caseA, wraps, id)
				if err != nil {
					t.Fatalf("%s: %v", who, err)
				}
				if got, ok := open(t, report, kr.Identities()...); !ok || got != "le rapport" {
					t.Errorf("%s cannot read the report", who)
				}
			}
		})
	}
}

// caseState is a case as the server holds it: wraps and sealed content.
type caseState struct {
	o        *org
	reporter *agekey.Identity
	wraps    []casekey.Wrap
}

func (c *caseState) keyring(t *testing.T, who string) *casekey.Keyring {
	t.Helper()
	id := c.o.ids[who]
	if who == casekey.Reporter {
		id = c.reporter
	}
	kr, err := casekey.OpenKeyring(caseA, c.wraps, id)
	if err != nil {
		t.Fatalf("%s: %v", who, err)
	}
	return kr
}

func (c *caseState) recipient(who string) age.Recipient {
	if who == casekey.Reporter {
		return c.reporter.Recipient()
	}
	return c.o.ids[who].Recipient()
}

func (c *caseState) rotate(t *testing.T, by string, role casekey.Role, readers ...string) *casekey.Key {
	t.Helper()
	m := map[string]age.Recipient{}
	for _, r := range readers {
		m[r] = c.recipient(r)
	}
	k, wraps, err := casekey.Rotate(c.keyring(t, by), caseA, m, role)
	if err != nil {
		t.Fatal(err)
	}
	if len(wraps) != len(readers) {
		t.Fatalf("rotation made %d wraps for %d readers", len(wraps), len(readers))
	}
	c.wraps = append(c.wraps, wraps...)
	return k
}

// newAVDHASCase opens a case read by alice, bob and the reporter.
func newAVDHASCase(t *testing.T) *caseState {
	c := &caseState{o: newOrg(t, agekey.Hybrid, staff), reporter: newIdentity(t, agekey.Hybrid)}
	_, wraps, _, err := casekey.NewCase(c.o.dir, caseA, directory.RouteAVDHAS, false, nil, c.reporter.Recipient())
	if err != nil {
		t.Fatal(err)
	}
	c.wraps = wraps
	return c
}

// TestHandover: a referent appointed later reads the old files (generation
// 1, generation 2 and staff notes) through Rewrap, with nothing re-encrypted.
func TestHandover(t *testing.T) {
	c := newAVDHASCase(t)
	old := seal(t, "generation 1", c.keyring(t, "alice").Current(casekey.RoleCase).Recipient())
	staffKey := c.rotate(t, "alice", casekey.RoleStaff, "alice", "bob")
	note := seal(t, "note du référent", staffKey.Recipient())
	gen2 := c.rotate(t, "bob", casekey.RoleCase, "alice", "bob", casekey.Reporter)
	newer := seal(t, "generation 2", gen2.Recipient())

	frank := newIdentity(t, agekey.Hybrid) // newly appointed, not yet in any wrap
	c.o.ids["frank"] = frank
	if _, err := casekey.OpenKeyring(caseA, c.wraps, frank); !errors.Is(err, casekey.ErrNotReader) {
		t.Fatalf("before handover: %v", err)
	}
	handover, err := casekey.Rewrap(c.keyring(t, "alice"), caseA, "frank", frank.Recipient())
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, w := range handover {
		got = append(got, fmt.Sprintf("%s/%d/%s", w.Role, w.Generation, w.Reader))
	}
	if want := []string{"case/1/frank", "case/2/frank", "staff/1/frank"}; !slices.Equal(got, want) {
		t.Errorf("handover wraps %v, want %v", got, want)
	}
	c.wraps = append(c.wraps, handover...)
	kr := c.keyring(t, "frank")
	for _, tc := range []struct {
		content []byte
		want    string
	}{{old, "generation 1"}, {newer, "generation 2"}, {note, "note du référent"}} {
		if got, ok := open(t, tc.content, kr.Identities()...); !ok || got != tc.want {
			t.Errorf("the new referent cannot read %q", tc.want)
		}
	}
	if kr.Current(casekey.RoleCase).Generation != 2 || kr.ForGeneration(casekey.RoleCase, 1) == nil {
		t.Error("the new referent's keyring lacks a generation")
	}

	// A handover to the reporter (e.g. a victim thread's re-key) never
	// carries the staff key.
	rw, err := casekey.Rewrap(c.keyring(t, "alice"), caseA, casekey.Reporter, c.reporter.Recipient())
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range rw {
		if w.Role != casekey.RoleCase {
			t.Errorf("Rewrap to the reporter made a %s wrap", w.Role)
		}
	}
	if _, err := casekey.Rewrap(c.keyring(t, "alice"), caseB, "frank", frank.Recipient()); !errors.Is(err, casekey.ErrBinding) {
		t.Errorf("Rewrap under another case id: %v", err)
	}
}

// TestRotationRemovesReferent: after a rotation that leaves bob out, bob
// still reads what he could read, and nothing sealed to the new generation.
func TestRotationRemovesReferent(t *testing.T) {
	c := newAVDHASCase(t)
	staff1 := c.rotate(t, "alice", casekey.RoleStaff, "alice", "bob")
	gen1 := seal(t, "avant", c.keyring(t, "bob").Current(casekey.RoleCase).Recipient())
	note1 := seal(t, "note 1", staff1.Recipient())

	gen2 := c.rotate(t, "alice", casekey.RoleCase, "alice", casekey.Reporter)
	staff2 := c.rotate(t, "alice", casekey.RoleStaff, "alice")
	after := seal(t, "après", gen2.Recipient())
	note2 := seal(t, "note 2", staff2.Recipient())
	if gen2.Generation != 2 || staff2.Generation != 2 {
		t.Fatalf("generations %d and %d, want 2 and 2", gen2.Generation, staff2.Generation)
	}

	tests := []struct {
		who     string
		content []byte
		want    string
		canRead bool
	}{
		{"bob", gen1, "avant", true},
		{"bob", note1, "note 1", true},
		{"bob", after, "après", false},
		{"bob", note2, "note 2", false},
		{"alice", after, "après", true},
		{"alice", note2, "note 2", true},
		{casekey.Reporter, gen1, "avant", true},
		{casekey.Reporter, after, "après", true},
		{casekey.Reporter, note1, "note 1", false},
		{"carol", gen1, "avant", false},
	}
	for _, tc := range tests {
		t.Run(tc.who+"/"+tc.want, func(t *testing.T) {
			var identities []age.Identity
			if kr, err := casekey.OpenKeyring(caseA, c.wraps, c.recipientIdentity(tc.who)); err == nil {
				identities = kr.Identities()
			}
			got, ok := open(t, tc.content, identities...)
			if ok != tc.canRead || ok && got != tc.want {
				t.Errorf("read = %v (%q), want %v", ok, got, tc.canRead)
			}
		})
	}
	bob := c.keyring(t, "bob")
	if bob.Current(casekey.RoleCase).Generation != 1 || bob.ForGeneration(casekey.RoleCase, 2) != nil {
		t.Error("the removed referent holds generation 2")
	}
}

func (c *caseState) recipientIdentity(who string) age.Identity {
	if who == casekey.Reporter {
		return c.reporter
	}
	return c.o.ids[who]
}

// TestReporterNeverGetsStaffKey checks every path by which a staff key could
// reach the reporter or the victim.
func TestReporterNeverGetsStaffKey(t *testing.T) {
	c := newAVDHASCase(t)
	staffKey := c.rotate(t, "alice", casekey.RoleStaff, "alice", "bob")
	for _, who := range []string{casekey.Reporter, casekey.Victim} {
		if _, err := staffKey.WrapFor(caseA, who, c.reporter.Recipient()); !errors.Is(err, casekey.ErrStaffToReporter) {
			t.Errorf("WrapFor(%s): %v", who, err)
		}
		m := map[string]age.Recipient{"alice": c.recipient("alice"), who: c.reporter.Recipient()}
		if _, _, err := casekey.Rotate(c.keyring(t, "alice"), caseA, m, casekey.RoleStaff); !errors.Is(err, casekey.ErrStaffToReporter) {
			t.Errorf("Rotate(staff) with %s: %v", who, err)
		}
		rw, err := casekey.Rewrap(c.keyring(t, "alice"), caseA, who, c.reporter.Recipient())
		if err != nil {
			t.Fatal(err)
		}
		if len(rw) != 1 || rw[0].Role != casekey.RoleCase {
			t.Errorf("Rewrap to %s gave %d wraps, want the case key only", who, len(rw))
		}
		c.wraps = append(c.wraps, rw...)
	}
	kr := c.keyring(t, casekey.Reporter)
	if kr.Current(casekey.RoleStaff) != nil {
		t.Error("the reporter's keyring holds a staff key")
	}
	if _, ok := open(t, seal(t, "note", staffKey.Recipient()), kr.Identities()...); ok {
		t.Error("the reporter decrypted a staff note")
	}
}

// TestWrapBinding: the server cannot present a wrap as belonging to another
// case, role or generation.
func TestWrapBinding(t *testing.T) {
	c := newAVDHASCase(t)
	c.rotate(t, "alice", casekey.RoleStaff, "alice", "bob")
	c.rotate(t, "alice", casekey.RoleCase, "alice", "bob", casekey.Reporter)
	alice := c.o.ids["alice"]
	find := func(role casekey.Role, g uint32) casekey.Wrap {
		for _, w := range c.wraps {
			if w.Reader == "alice" && w.Role == role && w.Generation == g {
				return w
			}
		}
		t.Fatalf("no wrap %s/%d for alice", role, g)
		return casekey.Wrap{}
	}
	relabel := func(w casekey.Wrap, role casekey.Role, g uint32) casekey.Wrap {
		w.Role, w.Generation = role, g
		return w
	}
	tests := []struct {
		name    string
		wrap    casekey.Wrap
		caseID  string
		wantErr error
	}{
		{"honest case key", find(casekey.RoleCase, 1), caseA, nil},
		{"honest staff key", find(casekey.RoleStaff, 1), caseA, nil},
		{"case A's key presented as case B's", find(casekey.RoleCase, 1), caseB, casekey.ErrBinding},
		{"staff key presented as the case key", relabel(find(casekey.RoleStaff, 1), casekey.RoleCase, 1), caseA, casekey.ErrBinding},
		{"case key presented as the staff key", relabel(find(casekey.RoleCase, 1), casekey.RoleStaff, 1), caseA, casekey.ErrBinding},
		{"generation 2 presented as generation 1", relabel(find(casekey.RoleCase, 2), casekey.RoleCase, 1), caseA, casekey.ErrBinding},
		{"generation 1 presented as generation 3", relabel(find(casekey.RoleCase, 1), casekey.RoleCase, 3), caseA, casekey.ErrBinding},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			k, err := casekey.Unwrap(tc.wrap, tc.caseID, alice)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("Unwrap err = %v, want %v", err, tc.wantErr)
			}
			if err == nil && (k.Role != tc.wrap.Role || k.Generation != tc.wrap.Generation) {
				t.Errorf("got %s/%d", k.Role, k.Generation)
			}
			// The same wrap slipped into the case's list spoils the keyring.
			if tc.wantErr != nil {
				_, err := casekey.OpenKeyring(tc.caseID, append(slices.Clone(c.wraps), tc.wrap), alice)
				if !errors.Is(err, tc.wantErr) {
					t.Errorf("OpenKeyring err = %v, want %v", err, tc.wantErr)
				}
			}
		})
	}
}

// TestForgedGenerationConflicts: a second, different key for a generation
// the reader already holds is refused.
func TestForgedGenerationConflicts(t *testing.T) {
	c := newAVDHASCase(t)
	forged, err := casekey.New(casekey.RoleCase, agekey.Hybrid, 1)
	if err != nil {
		t.Fatal(err)
	}
	w, err := forged.WrapFor(caseA, "alice", c.recipient("alice"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := casekey.OpenKeyring(caseA, append(c.wraps, w), c.o.ids["alice"]); !errors.Is(err, casekey.ErrConflict) {
		t.Errorf("err = %v, want ErrConflict", err)
	}
	// The same wrap twice is not a conflict.
	if _, err := casekey.OpenKeyring(caseA, append(c.wraps, c.wraps...), c.o.ids["alice"]); err != nil {
		t.Errorf("duplicate wraps: %v", err)
	}
}

// TestWrapForRecipientPolicy: a post-quantum key is never wrapped to a
// classic recipient, whatever its Go type.
func TestWrapForRecipientPolicy(t *testing.T) {
	hybrid, _ := casekey.New(casekey.RoleCase, agekey.Hybrid, 1)
	classic, _ := casekey.New(casekey.RoleCase, agekey.X25519, 1)
	pqReader := newIdentity(t, agekey.Hybrid)
	x25519Reader := newIdentity(t, agekey.X25519)
	rawX25519, _ := age.GenerateX25519Identity()
	scrypt, _ := age.NewScryptRecipient("mot de passe")
	scrypt.SetWorkFactor(10)
	tests := []struct {
		name    string
		key     *casekey.Key
		r       age.Recipient
		wantErr error
	}{
		{"hybrid key to hybrid reader", hybrid, pqReader.Recipient(), nil},
		{"hybrid key to agekey X25519 reader", hybrid, x25519Reader.Recipient(), casekey.ErrClassicRecipient},
		{"hybrid key to raw age X25519 reader", hybrid, rawX25519.Recipient(), casekey.ErrClassicRecipient},
		{"hybrid key to a passphrase", hybrid, scrypt, casekey.ErrClassicRecipient},
		{"classic key to classic reader", classic, x25519Reader.Recipient(), nil},
		{"classic key to hybrid reader", classic, pqReader.Recipient(), nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w, err := tc.key.WrapFor(caseA, "alice", tc.r)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("err = %v, want %v", err, tc.wantErr)
			}
			if err != nil && w.Ciphertext != nil {
				t.Error("a refused wrap still has a ciphertext")
			}
		})
	}
}

// TestNewCaseKeyKind: the case key follows the directory's kind, and classic
// referent keys are accepted only in an x25519 directory.
func TestNewCaseKeyKind(t *testing.T) {
	pqOrg := newOrg(t, agekey.Hybrid, staff[:2])
	classicOrg := newOrg(t, agekey.X25519, staff[:2])
	mixed := newOrg(t, agekey.Hybrid, staff[:2])
	mixed.dir.Referents[1].AgeRecipient = newIdentity(t, agekey.X25519).Recipient().String()
	defaultKind := newOrg(t, agekey.Hybrid, staff[:2])
	defaultKind.dir.CaseKeyKind = ""
	badKind := newOrg(t, agekey.Hybrid, staff[:2])
	badKind.dir.CaseKeyKind = "rsa"
	broken := newOrg(t, agekey.Hybrid, staff[:2])
	broken.dir.Referents[0].AgeRecipient = "age1pq1notakey"
	pqReporter := newIdentity(t, agekey.Hybrid).Recipient()
	tests := []struct {
		name     string
		dir      *directory.Directory
		reporter age.Recipient
		wantKind agekey.Kind
		wantErr  bool
	}{
		{"hybrid directory", pqOrg.dir, pqReporter, agekey.Hybrid, false},
		{"empty kind means hybrid", defaultKind.dir, pqReporter, agekey.Hybrid, false},
		{"x25519 directory", classicOrg.dir, newIdentity(t, agekey.X25519).Recipient(), agekey.X25519, false},
		{"x25519 directory, hybrid reporter", classicOrg.dir, pqReporter, agekey.X25519, false},
		{"classic referent in a hybrid directory", mixed.dir, pqReporter, "", true},
		{"classic reporter in a hybrid directory", pqOrg.dir, newIdentity(t, agekey.X25519).Recipient(), "", true},
		{"unknown directory kind", badKind.dir, pqReporter, "", true},
		{"malformed referent recipient", broken.dir, pqReporter, "", true},
		{"no reporter", pqOrg.dir, nil, "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			kr, wraps, route, err := casekey.NewCase(tc.dir, caseA, directory.RouteAVDHAS, false, nil, tc.reporter)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want error %v", err, tc.wantErr)
			}
			if err != nil {
				return
			}
			k := kr.Current(casekey.RoleCase)
			if k.Identity().Kind() != tc.wantKind || k.Generation != 1 || route != directory.RouteAVDHAS {
				t.Errorf("key %s generation %d via %s", k.Identity().Kind(), k.Generation, route)
			}
			if last := wraps[len(wraps)-1]; last.Reader != casekey.Reporter {
				t.Errorf("last wrap is for %q, want the reporter", last.Reader)
			}
		})
	}
	if _, _, _, err := casekey.NewCase(pqOrg.dir, "bad case id", directory.RouteAVDHAS, false, nil, pqReporter); !errors.Is(err, casekey.ErrCaseID) {
		t.Errorf("case id with spaces: %v", err)
	}
}

func TestUnwrapErrors(t *testing.T) {
	c := newAVDHASCase(t)
	alice := c.o.ids["alice"]
	w := c.wraps[0]
	damaged := w
	damaged.Ciphertext = slices.Clone(w.Ciphertext)
	damaged.Ciphertext[len(damaged.Ciphertext)-1] ^= 1
	truncated := w
	truncated.Ciphertext = w.Ciphertext[:len(w.Ciphertext)/2]
	garbage := w
	garbage.Ciphertext = []byte("not an age file")
	tests := []struct {
		name    string
		w       casekey.Wrap
		caseID  string
		ids     []age.Identity
		wantErr error
	}{
		{"damaged payload", damaged, caseA, ids(alice), casekey.ErrDamaged},
		{"truncated", truncated, caseA, ids(alice), casekey.ErrDamaged},
		{"garbage", garbage, caseA, ids(alice), casekey.ErrDamaged},
		{"someone else's wrap", w, caseA, ids(c.o.ids["carol"]), casekey.ErrNotReader},
		{"invalid case id", w, "", ids(alice), casekey.ErrCaseID},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := casekey.Unwrap(tc.w, tc.caseID, tc.ids...)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("err = %v, want %v", err, tc.wantErr)
			}
			if strings.Contains(err.Error(), "AGE-SECRET-KEY") {
				t.Error("the error contains key material")
			}
		})
	}
	if _, err := casekey.Unwrap(w, caseA); err == nil {
		t.Error("Unwrap without identities succeeded")
	}
	if _, err := casekey.OpenKeyring(caseA, append(slices.Clone(c.wraps), garbage), alice); !errors.Is(err, casekey.ErrDamaged) {
		t.Errorf("OpenKeyring with a damaged wrap: %v", err)
	}
}

func TestRotateRules(t *testing.T) {
	c := newAVDHASCase(t)
	kr := c.keyring(t, "alice")
	rec := func(names ...string) map[string]age.Recipient {
		m := map[string]age.Recipient{}
		for _, n := range names {
			m[n] = c.recipient(n)
		}
		return m
	}
	tests := []struct {
		name    string
		caseID  string
		readers map[string]age.Recipient
		role    casekey.Role
		wantErr bool
	}{
		{"case key to referents and reporter", caseA, rec("alice", casekey.Reporter), casekey.RoleCase, false},
		{"first staff key", caseA, rec("alice"), casekey.RoleStaff, false},
		{"nobody", caseA, nil, casekey.RoleCase, true},
		{"case key without the reporter", caseA, rec("alice", "bob"), casekey.RoleCase, true},
		{"another case", caseB, rec("alice", casekey.Reporter), casekey.RoleCase, true},
		{"unknown role", caseA, rec("alice"), "admin", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			k, wraps, err := casekey.Rotate(kr, tc.caseID, tc.readers, tc.role)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want error %v", err, tc.wantErr)
			}
			if err != nil {
				return
			}
			wantGen := uint32(2)
			if tc.role == casekey.RoleStaff {
				wantGen = 1
			}
			if k.Generation != wantGen || k.Role != tc.role {
				t.Errorf("made %s/%d, want %s/%d", k.Role, k.Generation, tc.role, wantGen)
			}
			for i := 1; i < len(wraps); i++ {
				if wraps[i-1].Reader >= wraps[i].Reader {
					t.Error("wraps not in reader order")
				}
			}
			// Rotate does not change the keyring it was given.
			if kr.Current(casekey.RoleCase).Generation != 1 || kr.Current(casekey.RoleStaff) != nil {
				t.Error("Rotate changed the keyring")
			}
		})
	}
}

func TestKeyringCopies(t *testing.T) {
	c := newAVDHASCase(t)
	kr := c.keyring(t, "alice")
	k := kr.Current(casekey.RoleCase)
	k.Generation, k.Role = 7, casekey.RoleStaff
	if got := kr.Current(casekey.RoleCase); got.Generation != 1 || got.Role != casekey.RoleCase {
		t.Error("changing a returned key changed the keyring")
	}
	if kr.CaseID() != caseA || len(kr.Identities()) != 1 {
		t.Errorf("CaseID %q, %d identities", kr.CaseID(), len(kr.Identities()))
	}
	if kr.ForGeneration(casekey.RoleCase, 2) != nil || kr.ForGeneration(casekey.RoleStaff, 1) != nil {
		t.Error("ForGeneration invented a key")
	}
}

func TestNew(t *testing.T) {
	tests := []struct {
		name string
		role casekey.Role
		kind agekey.Kind
		gen  uint32
		ok   bool
	}{
		{"hybrid case key", casekey.RoleCase, agekey.Hybrid, 1, true},
		{"default kind", casekey.RoleStaff, "", 1, true},
		{"x25519", casekey.RoleCase, agekey.X25519, 4294967295, true},
		{"generation 0", casekey.RoleCase, agekey.Hybrid, 0, false},
		{"unknown role", "reporter", agekey.Hybrid, 1, false},
		{"unknown kind", casekey.RoleCase, "rsa", 1, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			k, err := casekey.New(tc.role, tc.kind, tc.gen)
			if (err == nil) != tc.ok {
				t.Fatalf("err = %v", err)
			}
			if err != nil {
				return
			}
			msg := seal(t, "x", k.Recipient())
			if got, ok := open(t, msg, k.Identity()); !ok || got != "x" {
				t.Error("the key does not open what is sealed to it")
			}
			if tc.kind == "" && k.Identity().Kind() != agekey.Hybrid {
				t.Error("default kind is not hybrid")
			}
		})
	}
}

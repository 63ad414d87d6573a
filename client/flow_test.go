package client

import (
	"filippo.io/age"
	"strings"
	"sync"

	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/lanterne/lanterne/crypto/agekey"
	"github.com/lanterne/lanterne/crypto/casekey"
	"github.com/lanterne/lanterne/crypto/envelope"
	"github.com/lanterne/lanterne/crypto/scrub"
	"github.com/lanterne/lanterne/crypto/scrub/pdfscrub"
	"github.com/lanterne/lanterne/server/api"
)

// memFile is a File over bytes.
func memFile(name, mediaType string, b []byte) File {
	return File{Name: name, MediaType: mediaType, Size: int64(len(b)), Open: func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(b)), nil
	}}
}

func testReport(facts string) envelope.Report {
	return envelope.Report{
		Channel: envelope.ChannelAVDHAS, Role: envelope.RoleVictim, Category: envelope.CategoryMoralHarassment,
		Facts: facts, When: "depuis mars", Wishes: envelope.Wishes{Meeting: true},
	}
}

// flowEnv is a client, its organisation and a server (fake or real).
type flowEnv struct {
	c    *Client
	o    *testOrg
	pin  Pin
	srv  *httptest.Server
	fake *fakeServer // nil against the real server
}

func (e *flowEnv) login(t *testing.T, id string) *ReferentSession {
	t.Helper()
	rs, err := e.c.Login(context.Background(), e.o.dir, e.o.keys[id])
	if err != nil {
		t.Fatalf("Login(%s): %v", id, err)
	}
	return rs
}

func newFakeEnv(t *testing.T) *flowEnv {
	o := newTestOrg(t, "mairie-flow")
	f := newFakeServer(t, o)
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	c := New(srv.URL, srv.Client())
	c.Now = func() time.Time { return testNow }
	c.RetryDelay = func(int) time.Duration { return time.Millisecond }
	return &flowEnv{c: c, o: o, pin: Pin{OrgID: o.dir.OrgID, Fingerprint: o.signer.Fingerprint()}, srv: srv, fake: f}
}

func findMessage(msgs []Message, kind envelope.MessageKind, author string) *Message {
	for i := range msgs {
		if msgs[i].Kind == kind && msgs[i].Author == author {
			return &msgs[i]
		}
	}
	return nil
}

// runReportFlow is the reporter ↔ referent scenario shared by the fake and
// the real server's tests.
func runReportFlow(t *testing.T, e *flowEnv) {
	ctx := context.Background()
	d, err := e.c.Directory(ctx, &e.pin)
	if err != nil {
		t.Fatalf("Directory: %v", err)
	}
	jpeg, err := os.ReadFile("../crypto/scrub/testdata/gps.jpg")
	if err != nil {
		t.Fatal(err)
	}
	random := make([]byte, 3<<20)
	rand.Read(random)
	sub := &Submission{
		Report:         testReport("Mon chef me rabaisse chaque lundi en réunion."),
		Identity:       &envelope.Identity{Name: "Camille Martin", Contact: "camille@example.org"},
		IdentityChoice: Sealed,
		Files:          []File{memFile("photo.jpg", "image/jpeg", jpeg), memFile("enregistrement.bin", "", random)},
	}
	var last = map[int]Progress{}
	flaky := &flakyTransport{next: e.c.HTTP.Transport, failed: map[string]bool{}}
	sc := *e.c
	sc.HTTP = &http.Client{Transport: flaky}
	rcpt, err := sc.Submit(ctx, d, sub, func(p Progress) { last[p.File] = p })
	if err != nil {
		t.Fatalf("Submit: %v", err)
	}
	if len(flaky.failed) != 1 {
		t.Errorf("%d chunk uploads failed once, want 1 (chunk 1 of the 3 MiB file)", len(flaky.failed))
	}
	if rcpt.Code.IsZero() || rcpt.LookupID == "" || rcpt.Route != "avdhas" {
		t.Fatalf("receipt: code zero %v, lookup %q, route %q", rcpt.Code.IsZero(), rcpt.LookupID, rcpt.Route)
	}
	kinds := ""
	for _, it := range rcpt.Items {
		kinds += it.Kind + " "
	}
	if want := "report identity file message file message "; kinds != want {
		t.Errorf("receipt items %q, want %q", kinds, want)
	}
	if s := rcpt.Items[2].Scrub; s == nil || !s.Has(scrub.ItemGPS) || s.Unscrubbed {
		t.Errorf("JPEG scrub report %+v: want GPS removed", s)
	}
	if s := rcpt.Items[4].Scrub; s == nil || !s.Unscrubbed {
		t.Errorf("random file scrub report %+v: want Unscrubbed", s)
	}
	for i, f := range sub.Files {
		if p := last[i]; p.Done != f.Size || p.Total != f.Size {
			t.Errorf("file %d: last progress %d/%d, want %d/%d", i, p.Done, p.Total, f.Size, f.Size)
		}
	}

	// Referent: inbox, open, facts, identity sealed, files.
	alice := e.login(t, "alice")
	inbox, err := alice.Inbox(ctx)
	if err != nil {
		t.Fatalf("Inbox: %v", err)
	}
	found := false
	for _, cs := range inbox {
		found = found || cs.LookupID == rcpt.LookupID
	}
	if !found {
		t.Fatalf("the case is not in alice's inbox")
	}
	rcase, err := alice.Open(ctx, rcpt.LookupID)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if got := rcase.Report().Facts; got != sub.Report.Facts {
		t.Errorf("facts %q", got)
	}
	if id, st := rcase.Identity(); id != nil || st != IdentitySealed {
		t.Errorf("identity %v, state %q; want sealed", id, st)
	}
	msgs, err := rcase.Messages(ctx)
	if err != nil {
		t.Fatal(err)
	}
	items := EvidenceItems(msgs)
	if len(items) != 2 || items[0].Name != "photo.jpg" || items[1].Name != "enregistrement.bin" {
		t.Fatalf("evidence items %+v", items)
	}
	var got bytes.Buffer
	if err := rcase.Download(ctx, items[0], &got); err != nil {
		t.Fatalf("Download jpeg: %v", err)
	}
	rep, err := scrub.JPEG(io.Discard, bytes.NewReader(got.Bytes()))
	if err != nil || len(rep.Removed) != 0 || bytes.Contains(got.Bytes(), []byte("Exif")) {
		t.Errorf("downloaded JPEG still carries metadata: %+v, %v", rep.Removed, err)
	}
	got.Reset()
	if err := rcase.Download(ctx, items[1], &got); err != nil || !bytes.Equal(got.Bytes(), random) {
		t.Errorf("Download random: %v, equal %v", err, bytes.Equal(got.Bytes(), random))
	}
	// A manifest the file does not match is refused at the end.
	bad := items[1]
	bad.PlaintextSHA256 = items[0].PlaintextSHA256
	if err := rcase.Download(ctx, bad, io.Discard); err == nil {
		t.Error("Download with a wrong plaintext hash succeeded")
	}

	// Reply; the reporter sees it verified.
	if _, err := rcase.Reply(ctx, "Bonjour, nous avons bien reçu votre signalement."); err != nil {
		t.Fatalf("Reply: %v", err)
	}
	rc, err := e.c.OpenCase(ctx, d, rcpt.Code)
	if err != nil {
		t.Fatalf("OpenCase: %v", err)
	}
	if rc.Report().Facts != sub.Report.Facts {
		t.Error("reporter's own report differs")
	}
	rmsgs, err := rc.Messages(ctx)
	if err != nil {
		t.Fatal(err)
	}
	m := findMessage(rmsgs, envelope.MessageText, "alice")
	if m == nil || !m.Verified {
		t.Fatalf("reporter does not see alice's reply verified: %+v", m)
	}
	if err := rc.MarkRead(ctx, m.Seq); err != nil {
		t.Errorf("MarkRead: %v", err)
	}
	if _, err := rc.Reply(ctx, "Merci."); err != nil {
		t.Fatalf("reporter Reply: %v", err)
	}

	// Identity: request, release, read.
	if err := rcase.RequestIdentity(ctx, "Pouvons-nous connaître votre identité ?"); err != nil {
		t.Fatalf("RequestIdentity: %v", err)
	}
	rmsgs, _ = rc.Messages(ctx)
	if m := findMessage(rmsgs, envelope.MessageIdentityRequest, "alice"); m == nil || !m.Verified {
		t.Fatalf("reporter does not see the identity request")
	}
	if err := rc.ReleaseIdentity(ctx); err != nil {
		t.Fatalf("ReleaseIdentity: %v", err)
	}
	rcase, err = alice.Open(ctx, rcpt.LookupID)
	if err != nil {
		t.Fatal(err)
	}
	if id, st := rcase.Identity(); id == nil || id.Name != "Camille Martin" || st != IdentityReleased {
		t.Fatalf("after release: identity %v, state %q", id, st)
	}
	amsgs, _ := rcase.Messages(ctx)
	if m := findMessage(amsgs, envelope.MessageText, "reporter"); m == nil || !m.Verified || m.Body != "Merci." {
		t.Errorf("alice does not see the reporter's reply verified: %+v", m)
	}

	// Statuses with notices.
	for _, st := range []struct{ status, notice string }{
		{"acknowledged", "Accusé de réception : votre signalement est enregistré."},
		{"closed", "Clôture : les mesures suivantes ont été prises."},
	} {
		if err := rcase.SetStatus(ctx, st.status, st.notice); err != nil {
			t.Fatalf("SetStatus(%s): %v", st.status, err)
		}
	}
	rmsgs, _ = rc.Messages(ctx)
	notices := 0
	for _, m := range rmsgs {
		if m.Kind == envelope.MessageStatusNotice && m.Verified {
			notices++
		}
	}
	if notices != 2 {
		t.Errorf("reporter sees %d verified notices, want 2", notices)
	}
	if st, err := rc.Status(ctx); err != nil || st.Status != "closed" {
		t.Errorf("Status: %q, %v", st.Status, err)
	}
	if e.fake == nil {
		log, err := rcase.AccessLog(ctx)
		if err != nil || len(log) == 0 || log[0].Referent != "alice" || log[0].What != "case" {
			t.Errorf("AccessLog: %v, %+v", err, log)
		}
	}
}

func TestFlowFake(t *testing.T) { runReportFlow(t, newFakeEnv(t)) }

// TestExcludedReferentCannotOpen: a report excluding alice is wrapped to bob
// only; alice cannot open it.
func TestExcludedReferentCannotOpen(t *testing.T) {
	scenarioExcludedReferentCannotOpen(t, newFakeEnv(t))
}

func scenarioExcludedReferentCannotOpen(t *testing.T, e *flowEnv) {
	ctx := context.Background()
	sub := &Submission{Report: testReport("Faits impliquant alice.")}
	sub.Report.Conflict.ExcludedReferents = []string{"alice"}
	rcpt, err := e.c.Submit(ctx, e.o.dir, sub, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.login(t, "alice").Open(ctx, rcpt.LookupID); err == nil {
		t.Fatal("an excluded referent opened the case")
	}
	if _, err := e.login(t, "bob").Open(ctx, rcpt.LookupID); err != nil {
		t.Fatalf("bob: %v", err)
	}
	// Facts involving the authority go to the conflict route only.
	sub = &Submission{Report: testReport("Faits impliquant le maire.")}
	sub.Report.Conflict.InvolvesAuthority = true
	rcpt, err = e.c.Submit(ctx, e.o.dir, sub, nil)
	if err != nil || rcpt.Route != "conflict" {
		t.Fatalf("Submit: %v, route %q", err, rcpt.Route)
	}
	if _, err := e.login(t, "alice").Open(ctx, rcpt.LookupID); err == nil {
		t.Error("alice opened a conflict case")
	}
	if _, err := e.login(t, "dan").Open(ctx, rcpt.LookupID); err != nil {
		t.Errorf("dan: %v", err)
	}
}

// TestForgedMessages: what the server can inject is never shown as genuine.
func TestForgedMessages(t *testing.T) {
	e := newFakeEnv(t)
	ctx := context.Background()
	rcpt, err := e.c.Submit(ctx, e.o.dir, &Submission{Report: testReport("Faits.")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	rcase, err := e.login(t, "alice").Open(ctx, rcpt.LookupID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rcase.Reply(ctx, "Bonjour."); err != nil {
		t.Fatal(err)
	}
	fc := e.fake.cases[rcpt.LookupID]

	// 1. The server forges a generation-2 case key, wraps it to alice and
	// the reporter, and seals a "reporter" message to it.
	kr, err := casekey.OpenKeyring(rcpt.LookupID, fromAPIWraps(fc.wraps), e.o.keys["alice"].Age)
	if err != nil {
		t.Fatal(err)
	}
	rr, _ := agekey.ParseRecipient(fc.status.ReporterRecipient, false)
	forged, fw, err := casekey.Rotate(kr, rcpt.LookupID, map[string]age.Recipient{"alice": e.o.keys["alice"].Age.Recipient(), "reporter": rr}, casekey.RoleCase)
	if err != nil {
		t.Fatal(err)
	}
	fc.wraps = append(fc.wraps, toAPIWraps(fw)...)
	fm := envelope.Message{ID: envelope.NewID(), CaseID: rcpt.LookupID, Author: "reporter", Kind: envelope.MessageText, Body: "Je retire mon signalement.", SentAt: testNow}
	ct, _ := envelope.SealMessage(&fm, nil, forged.Recipient())
	fc.messages = append(fc.messages, api.Entry{Seq: uint64(len(fc.messages) + 1), Author: "reporter", Ciphertext: ct})
	// A genuine, signed status_notice of alice with the interim
	// announcement body naming the forged generation: not an announcement.
	gen1 := kr.ForGeneration(casekey.RoleCase, 1)
	oldBody := "key-rotation:2:" + forged.Recipient().String()
	nm := envelope.Message{ID: envelope.NewID(), CaseID: rcpt.LookupID, Author: "alice", Kind: envelope.MessageStatusNotice, Body: oldBody, SentAt: testNow}
	nct, err := envelope.SealMessage(&nm, e.o.keys["alice"].Signing, gen1.Recipient())
	if err != nil {
		t.Fatal(err)
	}
	fc.messages = append(fc.messages, api.Entry{Seq: uint64(len(fc.messages) + 1), Author: "alice", Ciphertext: nct})

	// 2. A replay of alice's message (same id).
	replay := fc.messages[0]
	replay.Seq = uint64(len(fc.messages) + 1)
	fc.messages = append(fc.messages, replay)

	// 3. Alice's message relabelled as bob's.
	relabel := fc.messages[0]
	relabel.Seq, relabel.Author = uint64(len(fc.messages)+1), "bob"
	fc.messages = append(fc.messages, relabel)

	// Alice reopens the case: her keyring now holds the forged generation.
	if rcase, err = e.login(t, "alice").Open(ctx, rcpt.LookupID); err != nil {
		t.Fatal(err)
	}
	msgs, err := rcase.Messages(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 3 {
		t.Fatalf("%d messages, want 3 (the replay and the relabelled copy dropped as repeats)", len(msgs))
	}
	if !msgs[2].Verified || msgs[2].Body != oldBody || msgs[2].KeyRotation != nil {
		t.Errorf("status_notice with the old announcement body: verified %v, rotation %+v; want verified, no rotation", msgs[2].Verified, msgs[2].KeyRotation)
	}
	if !msgs[0].Verified {
		t.Errorf("alice's genuine message not verified: %v", msgs[0].Err)
	}
	if msgs[1].Verified || !errors.Is(msgs[1].Err, ErrUntrustedKey) {
		t.Errorf("forged reporter message: verified %v, err %v; want ErrUntrustedKey", msgs[1].Verified, msgs[1].Err)
	}
	// New content still goes to generation 1: the forged key is not used.
	key, err := rcase.currentKey(ctx)
	if err != nil || key.Generation != 1 {
		t.Fatalf("currentKey: generation %v, %v; want 1", key, err)
	}

	// 4. A relabelled message whose id is new: the label check catches it.
	th := thread{caseID: rcpt.LookupID, d: e.o.dir}
	am := envelope.Message{ID: envelope.NewID(), CaseID: rcpt.LookupID, Author: "alice", Kind: envelope.MessageText, Body: "x", SentAt: testNow}
	act, _ := envelope.SealMessage(&am, e.o.keys["alice"].Signing, kr.Current(casekey.RoleCase).Recipient())
	out, _ := th.read([]api.Entry{{Seq: 1, Author: "bob", Ciphertext: act}}, kr, kr.ForGeneration(casekey.RoleCase, 1))
	if out[0].Verified || !errors.Is(out[0].Err, ErrAuthorLabel) {
		t.Errorf("relabelled message: verified %v, err %v", out[0].Verified, out[0].Err)
	}
	// 5. Signed by a key the directory does not list for the author.
	bm := am
	bm.ID = envelope.NewID()
	bct, _ := envelope.SealMessage(&bm, e.o.keys["bob"].Signing, kr.Current(casekey.RoleCase).Recipient())
	out, _ = th.read([]api.Entry{{Seq: 1, Author: "alice", Ciphertext: bct}}, kr, kr.ForGeneration(casekey.RoleCase, 1))
	if out[0].Verified || !errors.Is(out[0].Err, envelope.ErrBadSignature) {
		t.Errorf("message signed by bob as alice: verified %v, err %v", out[0].Verified, out[0].Err)
	}
	// 6. Garbage is returned unverified, with the server's label.
	out, _ = th.read([]api.Entry{{Seq: 1, Author: "alice", Ciphertext: []byte("not age")}}, kr, kr.ForGeneration(casekey.RoleCase, 1))
	if len(out) != 1 || out[0].Verified || out[0].Err == nil || out[0].Author != "alice" {
		t.Errorf("garbage: %+v", out)
	}

	// 7. Which messages announce the forged generation 2, for a keyring
	// that holds it: only a verified, signed key_rotation naming its
	// recipient.
	kr2, err := casekey.OpenKeyring(rcpt.LookupID, fromAPIWraps(fc.wraps), e.o.keys["alice"].Age)
	if err != nil || kr2.ForGeneration(casekey.RoleCase, 2) == nil {
		t.Fatalf("keyring with the forged generation: %v", err)
	}
	other, _, err := casekey.Rotate(kr2, rcpt.LookupID, map[string]age.Recipient{"reporter": rr}, casekey.RoleCase)
	if err != nil {
		t.Fatal(err)
	}
	rot := func(g uint32, r string) *envelope.KeyRotation {
		return &envelope.KeyRotation{Generation: g, Recipient: r}
	}
	for _, tc := range []struct {
		name    string
		m       envelope.Message
		signer  string
		label   string
		held    bool // a KeyRotation is reported, Held
		trusted bool // generation 2 becomes trusted
	}{
		{"key_rotation signed by alice", envelope.Message{Author: "alice", Kind: envelope.MessageKeyRotation, KeyRotation: rot(2, forged.Recipient().String())}, "alice", "alice", true, true},
		{"status_notice with the old body", envelope.Message{Author: "alice", Kind: envelope.MessageStatusNotice, Body: oldBody}, "alice", "alice", false, false},
		{"key_rotation naming another recipient", envelope.Message{Author: "alice", Kind: envelope.MessageKeyRotation, KeyRotation: rot(2, other.Recipient().String())}, "alice", "alice", false, false},
		{"key_rotation signed by bob as alice", envelope.Message{Author: "alice", Kind: envelope.MessageKeyRotation, KeyRotation: rot(2, forged.Recipient().String())}, "bob", "alice", false, false},
		{"key_rotation relabelled", envelope.Message{Author: "alice", Kind: envelope.MessageKeyRotation, KeyRotation: rot(2, forged.Recipient().String())}, "alice", "bob", false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := tc.m
			m.ID, m.CaseID, m.SentAt = envelope.NewID(), rcpt.LookupID, testNow
			ct, err := envelope.SealMessage(&m, e.o.keys[tc.signer].Signing, gen1.Recipient())
			if err != nil {
				t.Fatal(err)
			}
			out, tr := th.read([]api.Entry{{Seq: 1, Author: tc.label, Ciphertext: ct}}, kr2, kr2.ForGeneration(casekey.RoleCase, 1))
			if held := out[0].KeyRotation != nil && out[0].KeyRotation.Held; held != tc.held {
				t.Errorf("rotation %+v, want held %v", out[0].KeyRotation, tc.held)
			}
			if got := tr[2] != nil; got != tc.trusted {
				t.Errorf("generation 2 trusted: %v, want %v", got, tc.trusted)
			}
			if k := tr.current(); (k.Generation == 2) != tc.trusted {
				t.Errorf("new content goes to generation %d", k.Generation)
			}
		})
	}
}

// TestNotesHandoverRemove: staff key creation, handover, removal by
// rotation, and the reporter following the announced generation.
func TestNotesHandoverRemove(t *testing.T) { scenarioNotesHandoverRemove(t, newFakeEnv(t)) }

func scenarioNotesHandoverRemove(t *testing.T, e *flowEnv) {
	ctx := context.Background()
	rcpt, err := e.c.Submit(ctx, e.o.dir, &Submission{Report: testReport("Faits.")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	alice, bob := e.login(t, "alice"), e.login(t, "bob")
	ac, err := alice.Open(ctx, rcpt.LookupID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ac.AddNote(ctx, envelope.NoteOrientation, "Orientée vers la médecine de prévention."); err != nil {
		t.Fatalf("AddNote: %v", err)
	}
	bc, err := bob.Open(ctx, rcpt.LookupID)
	if err != nil {
		t.Fatal(err)
	}
	notes, err := bc.Notes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(notes) != 2 || notes[0].KeyRotation == nil || !notes[0].KeyRotation.Held || !notes[1].Verified || notes[1].Body != "Orientée vers la médecine de prévention." {
		t.Fatalf("bob's notes: %+v", notes)
	}
	if _, err := bc.AddNote(ctx, envelope.NoteNote, "Entretien fixé."); err != nil {
		t.Fatalf("bob AddNote: %v", err)
	}

	// Handover to dan (conflict route, not a reader of this case).
	if _, err := e.login(t, "dan").Open(ctx, rcpt.LookupID); err == nil {
		t.Fatal("dan opened the case before the handover")
	}
	if err := ac.Handover(ctx, "dan"); err != nil {
		t.Fatalf("Handover: %v", err)
	}
	dc, err := e.login(t, "dan").Open(ctx, rcpt.LookupID)
	if err != nil {
		t.Fatalf("dan after handover: %v", err)
	}
	if n, err := dc.Notes(ctx); err != nil || len(n) != 3 || !n[2].Verified {
		t.Fatalf("dan's notes: %d, %v", len(n), err)
	}

	// Remove bob: generation 2 of both keys. The reporter's device opened
	// the case before and follows without reopening it.
	rc, err := e.c.OpenCase(ctx, e.o.dir, rcpt.Code)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rc.Messages(ctx); err != nil {
		t.Fatal(err)
	}
	if err := ac.Remove(ctx, "bob"); err != nil {
		t.Fatalf("Remove: %v", err)
	}
	msgs, err := rc.Messages(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var rot *KeyRotation
	for _, m := range msgs {
		if m.KeyRotation != nil {
			rot = m.KeyRotation
		}
	}
	if rot == nil || rot.Generation != 2 || !rot.Held {
		t.Fatalf("reporter's view of the rotation: %+v", rot)
	}
	if _, err := rc.Reply(ctx, "Après rotation."); err != nil {
		t.Fatal(err)
	}
	amsgs, _ := ac.Messages(ctx)
	if m := findMessage(amsgs, envelope.MessageText, "reporter"); m == nil || !m.Verified {
		t.Fatalf("alice does not read the reporter's reply after rotation: %+v", m)
	}
	bmsgs, err := bc.Messages(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if m := bmsgs[len(bmsgs)-1]; m.Err == nil || m.Body != "" {
		t.Errorf("bob, removed, read the reporter's new message: %+v", m)
	}
	if _, err := ac.AddNote(ctx, envelope.NoteActionPlan, "Plan d'action."); err != nil {
		t.Fatal(err)
	}
	bn, _ := bc.Notes(ctx)
	if n := bn[len(bn)-1]; n.Err == nil {
		t.Errorf("bob read a note sealed to staff generation 2")
	}
}

// TestWitnessInvitation: a witness invites the presumed victim, who opens
// her own thread and consents.
func TestWitnessInvitation(t *testing.T) { scenarioWitnessInvitation(t, newFakeEnv(t)) }

func scenarioWitnessInvitation(t *testing.T, e *flowEnv) {
	ctx := context.Background()
	wsub := &Submission{Report: testReport("J'ai vu mon collègue se faire humilier.")}
	wsub.Report.Role = envelope.RoleWitness
	wr, err := e.c.Submit(ctx, e.o.dir, wsub, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !wr.Case.Witness {
		t.Error("the witness case is not marked witness")
	}
	wc, err := e.c.OpenCase(ctx, e.o.dir, wr.Code)
	if err != nil {
		t.Fatal(err)
	}
	inv, err := wc.Invite(ctx, "J'ai signalé ce que j'ai vu lundi.")
	if err != nil {
		t.Fatalf("Invite: %v", err)
	}
	in, err := e.c.ReadInvitation(ctx, e.o.dir, inv)
	if err != nil || in.Message != "J'ai signalé ce que j'ai vu lundi." || in.Route != envelope.RouteAVDHAS {
		t.Fatalf("ReadInvitation: %+v, %v", in, err)
	}
	vsub := &Submission{Report: testReport("C'est bien moi, je confirme.")}
	vr, vc, err := e.c.Redeem(ctx, e.o.dir, inv, vsub, nil)
	if err != nil {
		t.Fatalf("Redeem: %v", err)
	}
	if vr.Code == wr.Code || vc.Party() != casekey.Victim {
		t.Fatalf("victim thread: same code %v, party %q", vr.Code == wr.Code, vc.Party())
	}
	if err := vc.ConsentGiven(ctx, "J'accepte."); err != nil {
		t.Fatalf("ConsentGiven: %v", err)
	}
	if err := wc.ConsentGiven(ctx, "x"); err == nil {
		t.Error("the witness gave consent")
	}
	rcase, err := e.login(t, "alice").Open(ctx, vr.LookupID)
	if err != nil {
		t.Fatal(err)
	}
	msgs, _ := rcase.Messages(ctx)
	if m := findMessage(msgs, envelope.MessageConsentGiven, "victim"); m == nil || !m.Verified {
		t.Fatalf("referent does not see the consent verified: %+v", msgs)
	}
	// The invitation is single-use.
	if _, _, err := e.c.Redeem(ctx, e.o.dir, inv, vsub, nil); !IsStatus(err, http.StatusConflict) {
		t.Errorf("second Redeem: %v, want 409", err)
	}
}

// TestSubmitFailureAfterCreationKeepsReceipt: when a file fails after the
// case was stored, Submit returns the receipt with the code AND the error,
// and the case can be completed with the code.
func TestSubmitFailureAfterCreationKeepsReceipt(t *testing.T) {
	scenarioSubmitFailureAfterCreationKeepsReceipt(t, newFakeEnv(t))
}

func scenarioSubmitFailureAfterCreationKeepsReceipt(t *testing.T, e *flowEnv) {
	ctx := context.Background()
	broken := File{Name: "cassé.pdf", Size: 10, Open: func() (io.ReadCloser, error) { return nil, errors.New("disk gone") }}
	grows := memFile("grandit.txt", "text/plain", []byte("plus long que prévu"))
	grows.Size = 4
	for _, f := range []File{broken, grows} {
		sub := &Submission{Report: testReport("Faits."), Files: []File{memFile("ok.txt", "text/plain", []byte("bonjour")), f}}
		rcpt, err := e.c.Submit(ctx, e.o.dir, sub, nil)
		if err == nil {
			t.Fatalf("%s: Submit succeeded", f.Name)
		}
		if rcpt == nil || rcpt.Code.IsZero() {
			t.Fatalf("%s: no receipt with the error", f.Name)
		}
		if n := len(rcpt.Items); n != 3 || rcpt.Items[1].Name != "ok.txt" {
			t.Errorf("%s: receipt has %d items, want report, file, message", f.Name, n)
		}
		rc, err := e.c.OpenCase(ctx, e.o.dir, rcpt.Code)
		if err != nil {
			t.Fatal(err)
		}
		items, err := rc.Attach(ctx, memFile("ajout.txt", "text/plain", []byte("suite")), nil)
		if err != nil || len(items) != 2 {
			t.Fatalf("%s: Attach: %v, %d items", f.Name, err, len(items))
		}
	}
	// Refused before anything is sent: no receipt.
	sub := &Submission{Report: testReport("Faits."), IdentityChoice: Sealed}
	if rcpt, err := e.c.Submit(ctx, e.o.dir, sub, nil); err == nil || rcpt != nil {
		t.Errorf("sealed identity choice without identity: %v, receipt %v", err, rcpt)
	}
	sub = &Submission{Report: testReport("Faits.")}
	sub.Report.Evidence = []envelope.EvidenceItem{{}}
	if rcpt, err := e.c.Submit(ctx, e.o.dir, sub, nil); err == nil || rcpt != nil {
		t.Errorf("report with evidence: %v, receipt %v", err, rcpt)
	}
}

// TestScrubbingByType: PNG is scrubbed as a stream; a PDF is scrubbed only
// when the client has a PDF scrubber, and the receipt says which.
func TestScrubbingByType(t *testing.T) { scenarioScrubbingByType(t, newFakeEnv(t)) }

func scenarioScrubbingByType(t *testing.T, e *flowEnv) {
	ctx := context.Background()
	png, _ := os.ReadFile("../crypto/scrub/testdata/meta.png")
	pdf, err := os.ReadFile("../crypto/scrub/testdata/meta.pdf")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name       string
		scrubber   bool
		file       File
		mediaType  string
		unscrubbed bool
	}{
		{"png", false, memFile("capture.png", "application/octet-stream", png), "image/png", false},
		{"pdf without scrubber", false, memFile("courrier.pdf", "application/pdf", pdf), "application/pdf", true},
		{"pdf with scrubber", true, memFile("courrier.pdf", "application/pdf", pdf), "application/pdf", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e.c.PDFScrubber = nil
			if tc.scrubber {
				e.c.PDFScrubber = pdfscrub.PDF
			}
			rcpt, err := e.c.Submit(ctx, e.o.dir, &Submission{Report: testReport("Faits."), Files: []File{tc.file}}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if s := rcpt.Items[1].Scrub; s.Unscrubbed != tc.unscrubbed || (!tc.unscrubbed && len(s.Removed) == 0) {
				t.Errorf("scrub report %+v, want unscrubbed %v", s, tc.unscrubbed)
			}
			rcase, err := e.login(t, "bob").Open(ctx, rcpt.LookupID)
			if err != nil {
				t.Fatal(err)
			}
			msgs, _ := rcase.Messages(ctx)
			items := EvidenceItems(msgs)
			if len(items) != 1 || items[0].MediaType != tc.mediaType {
				t.Fatalf("items %+v", items)
			}
			var got bytes.Buffer
			if err := rcase.Download(ctx, items[0], &got); err != nil {
				t.Fatal(err)
			}
			if same := bytes.Equal(got.Bytes(), mustRead(t, tc.file)); same != tc.unscrubbed {
				t.Errorf("downloaded file identical to the original: %v, want %v", same, tc.unscrubbed)
			}
		})
	}
}

func mustRead(t *testing.T, f File) []byte {
	rc, err := f.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// flakyTransport answers 503, once, to the first upload of every chunk 1.
type flakyTransport struct {
	next   http.RoundTripper
	mu     sync.Mutex
	failed map[string]bool
}

func (f *flakyTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method == http.MethodPut && strings.HasSuffix(r.URL.Path, "/chunks/1") {
		f.mu.Lock()
		first := !f.failed[r.URL.Path]
		f.failed[r.URL.Path] = true
		f.mu.Unlock()
		if first {
			if r.Body != nil {
				r.Body.Close()
			}
			return &http.Response{StatusCode: 503, Body: io.NopCloser(strings.NewReader(`{"error":"busy"}`)),
				Header: http.Header{"Content-Type": {"application/json"}}, Request: r}, nil
		}
	}
	next := f.next
	if next == nil {
		next = http.DefaultTransport
	}
	return next.RoundTrip(r)
}

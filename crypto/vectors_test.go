// Package crypto_test holds the protocol's end-to-end test vectors: one
// complete case made from a fixed random seed, from the organisation's
// directory to an evidence file, written to testdata/vectors.json.
//
// TestVectorsRegenerate proves the vectors are what this code makes, byte
// for byte (run with -update after a deliberate protocol change).
// TestVectorsOpen reads the committed file the way an independent
// implementation would: from the secrets it lists, it checks every value.
// docs/protocol.md walks through the same file.
package crypto_test

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/cryptotest"
	"time"

	"github.com/lanterne/lanterne/crypto/agekey"
	"github.com/lanterne/lanterne/crypto/casecode"
	"github.com/lanterne/lanterne/crypto/casekey"
	"github.com/lanterne/lanterne/crypto/directory"
	"github.com/lanterne/lanterne/crypto/directory/orgkey"
	"github.com/lanterne/lanterne/crypto/envelope"
	"github.com/lanterne/lanterne/crypto/evidence"
	"github.com/lanterne/lanterne/crypto/internal/agetool"
	"github.com/lanterne/lanterne/crypto/referentkey"
)

var update = flag.Bool("update", false, "rewrite testdata/vectors.json")

const (
	vectorSeed = 20261123
	vectorFile = "testdata/vectors.json"
	vectorOrg  = "mairie-exemple"
)

var vectorNow = time.Date(2026, 11, 23, 9, 30, 0, 0, time.UTC)

// Vectors is the layout of testdata/vectors.json. Byte strings are base64
// (encoding/json's []byte), digests and ids are lower-case hex.
type Vectors struct {
	Comment      string           `json:"comment"`
	Seed         uint64           `json:"seed"`
	Now          time.Time        `json:"now"`
	Organisation VectorOrg        `json:"organisation"`
	Referents    []VectorReferent `json:"referents"`
	Case         VectorCase       `json:"case"`
	Message      VectorMessage    `json:"message"`
	Evidence     VectorEvidence   `json:"evidence"`
}

type VectorOrg struct {
	OrgID           string `json:"org_id"`
	Fingerprint     string `json:"fingerprint"`
	SignedDirectory []byte `json:"signed_directory"`
}

type VectorReferent struct {
	ID          string `json:"id"`
	AgeIdentity string `json:"age_identity"` // secret, for verification only
	Ed25519Seed []byte `json:"ed25519_seed"` // secret, for verification only
}

type VectorCase struct {
	Code                 string         `json:"code"` // secret, for verification only
	LookupID             string         `json:"lookup_id"`
	AuthSecretSHA256     string         `json:"auth_hash"` // what the server stores
	ReporterRecipient    string         `json:"reporter_recipient"`
	IdentityKeyRecipient string         `json:"identity_key_recipient"`
	Route                string         `json:"route"`
	Wraps                []casekey.Wrap `json:"wraps"`
	Report               []byte         `json:"report"`
	ReportPayload        string         `json:"report_payload"` // the exact payload bytes
	Identity             []byte         `json:"identity"`
	IdentityPayload      string         `json:"identity_payload"`
	IdentityRelease      []byte         `json:"identity_release"`
}

type VectorMessage struct {
	Author     string `json:"author"`
	Ciphertext []byte `json:"ciphertext"`
	Body       string `json:"body"`
}

type VectorEvidence struct {
	FileID           string   `json:"file_id"`
	PlaintextSHA256  string   `json:"plaintext_sha256"`
	PlaintextSize    int64    `json:"plaintext_size"`
	CiphertextSHA256 string   `json:"ciphertext_sha256"`
	CiphertextSize   int64    `json:"ciphertext_size"`
	ChunkSHA256      []string `json:"chunk_sha256"`
	Ciphertext       []byte   `json:"ciphertext"`
}

// evidencePlaintext is the vector's evidence file: 70,000 bytes, so that
// its ciphertext makes two upload chunks.
func evidencePlaintext() []byte {
	b := make([]byte, 70000)
	for i := range b {
		b[i] = byte(i * 7)
	}
	return b
}

func makeVectors(t *testing.T) *Vectors {
	cryptotest.SetGlobalRandom(t, vectorSeed)
	v := &Vectors{
		Comment: "Lanterne protocol test vectors (docs/protocol.md, 'Worked example'). The fields marked secret are given only so that an implementation can check every step.",
		Seed:    vectorSeed,
		Now:     vectorNow,
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}

	// The organisation and its referents.
	signer, err := orgkey.NewSigner(vectorOrg)
	must(err)
	alice, err := referentkey.Generate("alice", agekey.Hybrid)
	must(err)
	bruno, err := referentkey.Generate("bruno", agekey.Hybrid)
	must(err)
	chloe, err := referentkey.Generate("chloe", agekey.Hybrid)
	must(err)
	pub := func(k *referentkey.Key, name string, routes ...directory.RouteID) directory.Referent {
		r := k.Public()
		r.Name, r.Routes = name, routes
		return r
	}
	d := &directory.Directory{
		Format:      directory.Format,
		OrgID:       vectorOrg,
		OrgName:     "Mairie d'Exemple",
		Version:     1,
		IssuedAt:    vectorNow,
		ExpiresAt:   vectorNow.AddDate(1, 0, 0),
		CaseKeyKind: agekey.Hybrid,
		Routes: []directory.Route{
			{ID: directory.RouteAVDHAS, Names: map[string]string{"fr": "Violences, discriminations, harcèlements", "en": "Violence, discrimination, harassment"}},
			{ID: directory.RouteWhistleblowing, Names: map[string]string{"fr": "Alerte éthique", "en": "Whistleblowing"}},
			{ID: directory.RouteConflict, Names: map[string]string{"fr": "Conflit d'intérêts", "en": "Conflict of interest"}},
		},
		Referents: []directory.Referent{
			pub(alice, "Alice Martin", directory.RouteAVDHAS, directory.RouteWhistleblowing),
			pub(bruno, "Bruno Petit", directory.RouteAVDHAS),
			pub(chloe, "Chloé Bernard", directory.RouteConflict),
		},
		Keys: signer.Chain(),
	}
	signed, err := signer.Sign(d)
	must(err)
	v.Organisation = VectorOrg{OrgID: vectorOrg, Fingerprint: signer.Fingerprint(), SignedDirectory: signed}
	for _, k := range []*referentkey.Key{alice, bruno, chloe} {
		v.Referents = append(v.Referents, VectorReferent{ID: k.ID, AgeIdentity: k.Age.String(), Ed25519Seed: k.Signing.Seed()})
	}

	// The reporter's device: a case code, its secrets, the case key.
	code, err := casecode.Generate()
	must(err)
	secrets, err := casecode.Derive(vectorOrg, casecode.PurposeCase, code)
	must(err)
	caseID := secrets.LookupIDHex()
	authHash := casecode.AuthHash(secrets.AuthSecret[:])
	kr, wraps, route, err := casekey.NewCase(d, caseID, directory.RouteAVDHAS, false, []string{"bruno"}, secrets.ReporterIdentity.Recipient())
	must(err)
	caseKey := kr.Current(casekey.RoleCase)

	// Evidence first: its digests go into the report's manifest.
	fileID := envelope.NewID()
	var chunks [][]byte
	sum, err := evidence.EncryptFrom(bytes.NewReader(evidencePlaintext()), caseKey.Recipient(), func(c evidence.Chunk) error {
		chunks = append(chunks, bytes.Clone(c.Data))
		return nil
	}, nil)
	must(err)
	report := &envelope.Report{
		Channel:         envelope.ChannelAVDHAS,
		Role:            envelope.RoleVictim,
		Category:        envelope.CategoryDiscrimination,
		Criteria:        []envelope.Criterion{"sexe", "grossesse"},
		Facts:           "Depuis l'annonce de ma grossesse, mon chef de service m'écarte des réunions et a retiré mon nom du projet.",
		When:            "depuis septembre 2026",
		Where:           "service urbanisme",
		PersonsInvolved: "le chef de service",
		Witnesses:       "une collègue du même bureau",
		Wishes:          envelope.Wishes{Meeting: true},
		Conflict:        envelope.Conflict{ExcludedReferents: []string{"bruno"}},
		Evidence: []envelope.EvidenceItem{{
			FileID: fileID, Name: "courriel-2026-09-14.pdf", MediaType: "application/pdf",
			Size:             sum.PlaintextSize,
			PlaintextSHA256:  hex.EncodeToString(sum.PlaintextSHA256[:]),
			CiphertextSHA256: hex.EncodeToString(sum.CiphertextSHA256[:]),
			CiphertextSize:   sum.CiphertextSize,
		}},
		SubmittedAt: vectorNow,
	}
	sealedReport, err := envelope.SealReport(report, caseKey.Recipient())
	must(err)
	reportPayload, err := envelope.Open(sealedReport, envelope.KindReport, caseKey.Identity())
	must(err)

	id := &envelope.Identity{Name: "Camille Durand", Contact: "camille.durand@example.org", Service: "Urbanisme"}
	sealedID, err := envelope.SealIdentity(id, secrets.IdentityKey.Recipient())
	must(err)
	idPayload, err := envelope.Open(sealedID, envelope.KindIdentity, secrets.IdentityKey)
	must(err)
	release, err := envelope.SealRelease(secrets.IdentityKey, caseKey.Recipient())
	must(err)

	v.Case = VectorCase{
		Code: code.String(), LookupID: caseID, AuthSecretSHA256: hex.EncodeToString(authHash[:]),
		ReporterRecipient: secrets.ReporterIdentity.Recipient().String(), IdentityKeyRecipient: secrets.IdentityKey.Recipient().String(),
		Route: string(route), Wraps: wraps,
		Report: sealedReport, ReportPayload: string(reportPayload),
		Identity: sealedID, IdentityPayload: string(idPayload), IdentityRelease: release,
	}

	// Alice answers, signed with her directory key.
	msg := &envelope.Message{ID: envelope.NewID(), CaseID: caseID, Author: "alice", Kind: envelope.MessageText,
		Body: "Bonjour, j'accuse réception de votre signalement. Je vous propose un entretien.", SentAt: vectorNow.Add(2 * time.Hour)}
	sealedMsg, err := envelope.SealMessage(msg, alice.Signing, caseKey.Recipient())
	must(err)
	v.Message = VectorMessage{Author: "alice", Ciphertext: sealedMsg, Body: msg.Body}

	var all []byte
	var chunkSums []string
	for _, c := range chunks {
		s := sha256.Sum256(c)
		chunkSums = append(chunkSums, hex.EncodeToString(s[:]))
		all = append(all, c...)
	}
	v.Evidence = VectorEvidence{
		FileID: fileID, PlaintextSHA256: hex.EncodeToString(sum.PlaintextSHA256[:]), PlaintextSize: sum.PlaintextSize,
		CiphertextSHA256: hex.EncodeToString(sum.CiphertextSHA256[:]), CiphertextSize: sum.CiphertextSize,
		ChunkSHA256: chunkSums, Ciphertext: all,
	}
	return v
}

func marshalVectors(t *testing.T, v *Vectors) []byte {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(b, '\n')
}

func TestVectorsRegenerate(t *testing.T) {
	got := marshalVectors(t, makeVectors(t))
	if *update {
		if err := os.WriteFile(vectorFile, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(vectorFile)
	if err != nil {
		t.Fatalf("%v (run go test ./crypto -run TestVectorsRegenerate -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
		for i := range min(len(gl), len(wl)) {
			if gl[i] != wl[i] {
				t.Fatalf("vectors differ from %s at line %d:\n got %.120s\nwant %.120s", vectorFile, i+1, gl[i], wl[i])
			}
		}
		t.Fatalf("vectors differ from %s in length (%d lines, want %d)", vectorFile, len(gl), len(wl))
	}
}

func loadVectors(t *testing.T) *Vectors {
	b, err := os.ReadFile(vectorFile)
	if err != nil {
		t.Fatal(err)
	}
	var v Vectors
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	return &v
}

// TestVectorsOpen checks the committed vectors step by step, from the
// secrets they list, as docs/protocol.md describes.
func TestVectorsOpen(t *testing.T) {
	v := loadVectors(t)

	// 1. The directory verifies against the poster's fingerprint.
	d, err := directory.Verify(v.Organisation.SignedDirectory, v.Organisation.Fingerprint, 0, v.Now)
	if err != nil {
		t.Fatalf("directory: %v", err)
	}
	if d.OrgID != v.Organisation.OrgID {
		t.Fatalf("directory names %q", d.OrgID)
	}

	// 2. The case code derives the lookup id, the auth hash and the keys.
	code, err := casecode.Parse(strings.ToLower(v.Case.Code))
	if err != nil {
		t.Fatal(err)
	}
	s, err := casecode.Derive(v.Organisation.OrgID, casecode.PurposeCase, code)
	if err != nil {
		t.Fatal(err)
	}
	ah := casecode.AuthHash(s.AuthSecret[:])
	if s.LookupIDHex() != v.Case.LookupID || hex.EncodeToString(ah[:]) != v.Case.AuthSecretSHA256 ||
		s.ReporterIdentity.Recipient().String() != v.Case.ReporterRecipient || s.IdentityKey.Recipient().String() != v.Case.IdentityKeyRecipient {
		t.Fatal("the case code does not derive the vector's values")
	}

	referent := func(id string) *agekey.Identity {
		for _, r := range v.Referents {
			if r.ID == id {
				k, err := agekey.ParseIdentity(r.AgeIdentity)
				if err != nil {
					t.Fatal(err)
				}
				return k
			}
		}
		t.Fatalf("no referent %s", id)
		return nil
	}

	// 3. Alice opens the case key; Bruno, excluded by the reporter, cannot;
	// the reporter can, from the code alone.
	kr, err := casekey.OpenKeyring(v.Case.LookupID, v.Case.Wraps, referent("alice"))
	if err != nil {
		t.Fatalf("alice: %v", err)
	}
	if _, err := casekey.OpenKeyring(v.Case.LookupID, v.Case.Wraps, referent("bruno")); err == nil {
		t.Fatal("bruno, excluded by the reporter, opened the case key")
	}
	if _, err := casekey.OpenKeyring(v.Case.LookupID, v.Case.Wraps, s.ReporterIdentity); err != nil {
		t.Fatalf("reporter: %v", err)
	}
	caseKey := kr.Current(casekey.RoleCase).Identity()

	// 4. The report.
	payload, err := envelope.Open(v.Case.Report, envelope.KindReport, caseKey)
	if err != nil || string(payload) != v.Case.ReportPayload {
		t.Fatalf("report payload differs: %v", err)
	}
	report, err := envelope.OpenReport(v.Case.Report, caseKey)
	if err != nil {
		t.Fatal(err)
	}

	// 5. The identity stays sealed to every referent key and the case key,
	// until the release opens it.
	if _, err := envelope.OpenIdentity(v.Case.Identity, referent("alice"), referent("bruno"), referent("chloe"), caseKey); err == nil {
		t.Fatal("the identity opened without its release")
	}
	idKey, err := envelope.OpenRelease(v.Case.IdentityRelease, caseKey)
	if err != nil {
		t.Fatal(err)
	}
	idPayload, err := envelope.Open(v.Case.Identity, envelope.KindIdentity, idKey)
	if err != nil || string(idPayload) != v.Case.IdentityPayload {
		t.Fatalf("identity payload differs: %v", err)
	}

	// 6. Alice's message is signed with her directory key.
	m, err := envelope.OpenMessage(v.Message.Ciphertext, caseKey)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.VerifyReferent(ed25519.PublicKey(d.Referent("alice").VerifyKey), v.Case.LookupID); err != nil || m.Message.Body != v.Message.Body {
		t.Fatalf("message: %v", err)
	}
	if err := m.VerifyReferent(ed25519.PublicKey(d.Referent("chloe").VerifyKey), v.Case.LookupID); err == nil {
		t.Fatal("alice's message verified with chloe's key")
	}

	// 7. The evidence file: chunks hash as listed, the whole matches the
	// manifest, and it decrypts to the plaintext.
	ct := v.Evidence.Ciphertext
	for i, want := range v.Evidence.ChunkSHA256 {
		end := min(len(ct), (i+1)*evidence.ChunkSize)
		if s := sha256.Sum256(ct[i*evidence.ChunkSize : end]); hex.EncodeToString(s[:]) != want {
			t.Fatalf("chunk %d hash differs", i)
		}
	}
	if len(report.Evidence) != 1 || report.Evidence[0].CiphertextSHA256 != v.Evidence.CiphertextSHA256 {
		t.Fatal("the report's manifest does not name the evidence file")
	}
	var want evidence.Summary
	want.CiphertextSize, want.PlaintextSize = v.Evidence.CiphertextSize, v.Evidence.PlaintextSize
	want.Chunks = uint32(len(v.Evidence.ChunkSHA256))
	hex.Decode(want.CiphertextSHA256[:], []byte(v.Evidence.CiphertextSHA256))
	hex.Decode(want.PlaintextSHA256[:], []byte(v.Evidence.PlaintextSHA256))
	r, err := evidence.Decrypt(bytes.NewReader(ct), want, caseKey)
	if err != nil {
		t.Fatal(err)
	}
	plain, err := io.ReadAll(r)
	if err != nil || !bytes.Equal(plain, evidencePlaintext()) {
		t.Fatalf("evidence plaintext differs: %v", err)
	}
}

// TestVectorsWithReferenceAge opens the vector's envelopes with the age
// command-line tool alone: Alice's key opens her wrap, the case key it
// holds opens the report and the evidence file.
func TestVectorsWithReferenceAge(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the reference age tool")
	}
	v := loadVectors(t)
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	aliceKey := write("alice.key", []byte(v.Referents[0].AgeIdentity+"\n"))
	var wrap []byte
	for _, w := range v.Case.Wraps {
		if w.Reader == "alice" && w.Role == casekey.RoleCase {
			wrap = w.Ciphertext
		}
	}
	plain := agetool.Run(t, wrap, "-d", "-i", aliceKey)
	// The wrap's last line is the case key's age secret key.
	lines := strings.Split(string(plain), "\n")
	caseKey := write("case.key", []byte(lines[len(lines)-1]+"\n"))
	if !strings.HasPrefix(lines[0], "lanterne/v1/case-key") || lines[1] != v.Case.LookupID {
		t.Fatalf("wrap binding: %q", lines[:2])
	}

	frame := agetool.Run(t, v.Case.Report, "-d", "-i", caseKey)
	kind, payload, err := envelope.Unframe(frame)
	if err != nil || kind != envelope.KindReport || string(payload) != v.Case.ReportPayload {
		t.Fatalf("age -d of the report: kind %v, err %v", kind, err)
	}
	if got := agetool.Run(t, v.Evidence.Ciphertext, "-d", "-i", caseKey); !bytes.Equal(got, evidencePlaintext()) {
		t.Fatal("age -d of the evidence file differs from its plaintext")
	}
}
